"""The case's status, derived from its assignments and never set by hand."""

from collections.abc import Sequence
from datetime import datetime

from hub.assignments.models import Assignment
from hub.enums import TERMINAL_ASSIGNMENT_STATUSES, AssignmentStatus, CaseStatus


def derive_status(assignments: Sequence[Assignment]) -> tuple[CaseStatus, datetime | None]:
    """(status, completed_at); completed_at is when the last assignment finished."""
    statuses = {a.status for a in assignments}
    if statuses <= TERMINAL_ASSIGNMENT_STATUSES:
        finished = max(a.finished_at for a in assignments if a.finished_at)
        if statuses == {AssignmentStatus.COMPLETED}:
            return CaseStatus.COMPLETED, finished
        if statuses == {AssignmentStatus.REJECTED}:
            return CaseStatus.REJECTED, finished
        return CaseStatus.PARTIALLY_COMPLETED, finished
    if AssignmentStatus.NEEDS_MATERIALS in statuses:
        return CaseStatus.NEEDS_MATERIALS, None
    if statuses == {AssignmentStatus.PENDING}:
        return CaseStatus.SUBMITTED, None
    return CaseStatus.IN_PROGRESS, None
