"""Every mapped model, imported once so metadata is complete (alembic, mappers)."""

from hub.assignments.idempotency import IdempotencyKey
from hub.assignments.models import Assignment
from hub.audit.models import AuditCheckpoint, AuditHead, AuditRecord
from hub.auth.models import OAuthClient
from hub.calendar.models import CalendarDay, CalendarYear
from hub.cases.models import Agent, Applicant, Case, PreviousHolder, Site
from hub.commitments.models import Commitment, CommitmentText
from hub.catalogue.models import CatalogueItem, GovernanceChange, SharingGrant, SharingRequest
from hub.documents.models import PersistedDocument
from hub.events.models import Event
from hub.files.models import FileUpload, StoredFile
from hub.materials.models import Material, MaterialRequirement, MaterialType
from hub.notifications.models import Notification
from hub.reference.models import District, Organisation, ServiceProvider
from hub.timelimits.models import TimeLimitRule

__all__ = [
    "Agent", "Applicant", "Assignment", "AuditCheckpoint", "AuditHead", "AuditRecord", "CalendarDay", "CalendarYear",
    "Case", "CatalogueItem", "Commitment", "CommitmentText", "District", "Event", "FileUpload", "GovernanceChange",
    "IdempotencyKey", "Material", "MaterialRequirement", "MaterialType", "Notification", "OAuthClient", "Organisation",
    "PersistedDocument", "PreviousHolder", "ServiceProvider", "SharingGrant", "SharingRequest", "Site", "StoredFile",
    "TimeLimitRule",
]
