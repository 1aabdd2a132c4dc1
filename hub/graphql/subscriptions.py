"""Subscriptions (graphql-transport-ws): replay after a cursor, then live; the same policy on every payload,
and the same rule (hub.policy.events.receives) on which events reach the caller, replayed or live."""

import asyncio
import time
import uuid
from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry.types import Info

from hub.cases.repository import scoped_by
from hub.enums import Role
from hub.errors import HubError, NotFound, Unauthenticated
from hub.events.models import Event
from hub.events.selection import Selection
from hub.events.stream import StreamClosed, stream
from hub.faults import close_reason
from hub.graphql import resolvers as r
from hub.graphql.errors import graphql_error
from hub.graphql.types.cases import Assignment, Case
from hub.i18n import _l
from hub.policy.access import ensure_client_active, ensure_role
from hub.policy.events import RESULT_KINDS, RESULTS_FEED, UTILITY_FEED, receives

FORBIDDEN_CLOSE = 4403
CASE_ROLES_KEPT = 4096  # cases whose scoping roles a subscription remembers


@strawberry.type(description="Something happened to one of your organisation's assignments.")
class AssignmentEvent:
    cursor: str = strawberry.field(description="Resume with `after: <cursor>` to get only later events.")
    kind: str = strawberry.field(description="ASSIGNMENT_CREATED, MATERIALS_ADDED, MATERIALS_SUPPLIED, ASSIGNMENT_RECEIVED, ASSIGNMENT_ACCEPTED, MATERIALS_REQUESTED, PRECONDITIONS_CONFIRMED, ASSIGNMENT_COMPLETED, ASSIGNMENT_REJECTED, TIME_LIMIT_WARNING, TIME_LIMIT_OVERDUE, DEADLINE_CHANGED, …")
    occurred_at: datetime
    assignment_ref: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="The assignment as it is now, as far as the catalogue lets you read it.")
    async def assignment(self, info: Info) -> Assignment | None:
        row = await info.context.loaders.assignment.load(self.assignment_ref) if self.assignment_ref else None
        return Assignment.from_row(row) if row else None


@strawberry.type(description="Something happened to a case you may see.")
class CaseEvent:
    cursor: str
    kind: str = strawberry.field(description="CASE_SUBMITTED, CASE_STATUS_CHANGED, or an event of one of its assignments.")
    occurred_at: datetime
    case_ref: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def case(self, info: Info) -> Case | None:
        row = await info.context.loaders.case.load(self.case_ref)
        return Case.from_row(row) if row else None


@strawberry.type(description="A result for the government platform (回传): an assignment finished, or a case's status changed.")
class ResultEvent:
    cursor: str
    kind: str
    occurred_at: datetime
    case_ref: strawberry.Private[uuid.UUID]
    assignment_ref: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def case(self, info: Info) -> Case | None:
        row = await info.context.loaders.case.load(self.case_ref)
        return Case.from_row(row) if row else None

    @strawberry.field
    async def assignment(self, info: Info) -> Assignment | None:
        row = await info.context.loaders.assignment.load(self.assignment_ref) if self.assignment_ref else None
        return Assignment.from_row(row) if row else None


def _cursor(after: str | None) -> int | None:
    if after is None:
        return None
    try:
        return int(after)
    except ValueError:
        raise graphql_error(HubError(_l("after is not an event cursor"))) from None


def _guard(info: Info):  # type: ignore[no-untyped-def]
    """Ends the stream when the token expires or the client is revoked; otherwise re-decides access."""
    ctx = info.context

    async def still_allowed() -> None:
        if ctx.principal.expires_at is not None and time.time() >= ctx.principal.expires_at:
            raise StreamClosed(FORBIDDEN_CLOSE, _l("token expired"))
        snapshot = await ctx.policies.current()
        try:
            ensure_client_active(snapshot, ctx.principal)
        except Unauthenticated as error:
            raise StreamClosed(FORBIDDEN_CLOSE, error.message) from None
        if snapshot is not ctx.snapshot:
            ctx.use(snapshot)

    return still_allowed


async def _deliver(info: Info, events, build, results: bool = False) -> AsyncGenerator:  # type: ignore[no-untyped-def]
    """Yield payloads with fresh loaders per event; close the socket when the stream is closed.

    Each payload's reads are audited before it is sent (FieldPolicy.on_stream_result)."""
    ctx = info.context
    try:
        async for event in events:
            ctx.use(await ctx.policies.current(), results=results)  # grants as of now
            yield build(event)
    except StreamClosed as closed:
        await ctx.request.close(code=closed.code, reason=close_reason(closed.reason))
        await asyncio.Event().wait()  # the transport cancels us as the socket goes; returning would send on it


def _receiver(info: Info, via: tuple | None):  # type: ignore[no-untyped-def]
    """The events (of one replayed batch, or one live event) the caller may receive, through the lanes of role
    `via` when the feed belongs to one role. Which of the caller's roles scope a case is fixed once the case is
    submitted, so it is looked up once per case (and only when the rule needs it)."""
    ctx = info.context
    case_roles: dict[uuid.UUID, frozenset] = {}

    async def visible(events: list[Event]) -> list[Event]:
        plan = ctx.plan
        unknown = {e.case_id for e in events
                   if e.case_id not in case_roles and receives(plan, e.organisation_code, None, via) is None}
        if unknown:
            if len(case_roles) + len(unknown) > CASE_ROLES_KEPT:
                case_roles.clear()
            async with ctx.db.read() as session:
                case_roles.update(await scoped_by(session, plan.scopes, unknown))
        return [e for e in events if receives(plan, e.organisation_code, case_roles.get(e.case_id), via)]

    return visible


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Events of your organisation's assignments (role UTILITY): replayed after `after`, then live.")
    async def assignment_events(self, info: Info, after: str | None = None) -> AsyncGenerator[AssignmentEvent, None]:
        ctx = info.context
        try:
            ensure_role(ctx.principal, Role.UTILITY)
        except HubError as error:
            raise graphql_error(error) from None
        events = stream(
            db=ctx.db, feed=ctx.feed, after=_cursor(after),
            selection=Selection(organisation=ctx.principal.organisation), visible=_receiver(info, UTILITY_FEED),
            still_allowed=_guard(info), expires_at=ctx.principal.expires_at,
        )
        async for payload in _deliver(info, events, lambda e: AssignmentEvent(
                cursor=str(e.id), kind=e.kind, occurred_at=e.occurred_at, assignment_ref=e.assignment_id)):
            yield payload

    @strawberry.subscription(description="Events of one case you may see (applicant, clerk, platform, …).")
    async def case_events(self, info: Info, case_id: strawberry.ID, after: str | None = None) -> AsyncGenerator[CaseEvent, None]:
        ctx = info.context
        try:
            row_id = r.node_uuid(case_id, "Case")
        except NotFound as error:
            raise graphql_error(error) from None
        if await ctx.loaders.case.load(row_id) is None:
            raise graphql_error(NotFound(_l("no such case")))
        events = stream(
            db=ctx.db, feed=ctx.feed, after=_cursor(after), selection=Selection(case_id=row_id),
            visible=_receiver(info, None), still_allowed=_guard(info), expires_at=ctx.principal.expires_at,
        )
        async for payload in _deliver(info, events, lambda e: CaseEvent(
                cursor=str(e.id), kind=e.kind, occurred_at=e.occurred_at, case_ref=e.case_id)):
            yield payload

    @strawberry.subscription(description="Results for the platform (回传 to the 一体化政务平台, role PLATFORM): finished assignments and case status changes of every case, whatever the channel. A case the platform did not push is read as the catalogue grants PLATFORM_RESULTS (results in full, personal data masked or withheld).")
    async def result_events(self, info: Info, after: str | None = None) -> AsyncGenerator[ResultEvent, None]:
        ctx = info.context
        try:
            ensure_role(ctx.principal, Role.PLATFORM)
        except HubError as error:
            raise graphql_error(error) from None
        ctx.use(ctx.snapshot, results=True)
        events = stream(
            db=ctx.db, feed=ctx.feed, after=_cursor(after), selection=Selection(kinds=RESULT_KINDS),
            visible=_receiver(info, RESULTS_FEED), still_allowed=_guard(info), expires_at=ctx.principal.expires_at,
        )
        async for payload in _deliver(info, events, lambda e: ResultEvent(
                cursor=str(e.id), kind=e.kind, occurred_at=e.occurred_at, case_ref=e.case_id,
                assignment_ref=e.assignment_id), results=True):
            yield payload
