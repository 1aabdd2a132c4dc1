"""Governance moves the hub's clock, for demonstrations and acceptance; a production hub refuses."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Principal
from hub.catalogue import changes
from hub.clock import Clock
from hub.errors import ErrorCode, FieldProblem, Forbidden, InvalidInput
from hub.i18n import _l
from hub.policy import access


async def set_clock(session: AsyncSession, *, principal: Principal, now: datetime, clock: Clock, at: datetime,
                    frozen: bool) -> Clock:
    """The clock reads `at` from now on: standing still there if `frozen`, else running on at the normal pace.
    Process-local: it moves the clock of the instance that serves the request."""
    access.ensure_governance(principal)
    if not clock.movable:
        raise Forbidden(_l("the clock of a production hub is the system's and cannot be moved"))
    if at.tzinfo is None:
        raise InvalidInput(problems=[FieldProblem("at", ErrorCode.INVALID, _l("must carry a UTC offset, e.g. +08:00"))])
    if frozen:
        clock.freeze_at(at)
    else:
        clock.run_from(at)
    changes.record(session, principal, now, entity="CLOCK", entity_id="hub", action="SET",
                   before={"now": now.isoformat()}, after={"now": at.isoformat(), "frozen": frozen})
    return clock
