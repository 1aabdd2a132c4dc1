"""The rows a write-back changes: found, checked and locked in two statements, written back with the unit of work.

Write-backs (hub.assignments.service, hub.assignments.preconditions) read the case, its parties and its
assignments with Core and work on objects no session tracks, then queue one UPDATE per changed row
(hub.db.queue_update), which goes with the unit of work's other rows in one statement on PostgreSQL: no ORM
loading, no unit-of-work flush, no reload.
"""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hub.assignments import repository
from hub.auth.principal import Principal
from hub.db import queue_update
from hub.enums import Role
from hub.errors import NotFound
from hub.i18n import _l
from hub.policy import access
from hub.policy.plan import AccessPlan


async def locked_for_write_back(session: AsyncSession, principal: Principal, plan: AccessPlan,
                                assignment_id: uuid.UUID, written: set[str]) -> repository.Locked:
    """The assignment's case and assignments, locked, once the caller may write the assignment: NOT_FOUND if
    none of its roles sees it, FORBIDDEN unless it is the owning utility holding the WRITE grants of `written`."""
    locked = await repository.lock_for_write_back(session, plan.lanes, assignment_id)
    if locked is None:
        raise NotFound(_l("no such assignment"))
    access.ensure_may_write_assignment(principal, locked.organisation)
    access.ensure_may_write(plan.lane(Role.UTILITY).writes, written)  # as the utility
    return locked


def write_changes(session: AsyncSession, locked: repository.Locked) -> None:
    """What the rules changed on the locked rows, one UPDATE per row with the unit of work's other rows
    (hub.db.insert_queued: on PostgreSQL in the same statement)."""
    for table, row in locked.changed_rows():
        queue_update(session, table, row)
