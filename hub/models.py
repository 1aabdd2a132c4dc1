"""Every mapped model, imported once so metadata is complete (alembic, mappers)."""

from hub.assignments.models import Assignment
from hub.cases.models import Agent, Applicant, Case, Site
from hub.events.models import Event
from hub.materials.models import Material, MaterialRequirement, MaterialType
from hub.reference.models import District, Organisation, ServiceProvider

__all__ = [
    "Agent", "Applicant", "Assignment", "Case", "District", "Event", "Material",
    "MaterialRequirement", "MaterialType", "Organisation", "ServiceProvider", "Site",
]
