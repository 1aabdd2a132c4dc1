"""Subscriptions (graphql-transport-ws): replay after a cursor, then live; the same policy on every payload."""

import asyncio
import time
import uuid
from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from hub.cases.models import Case as CaseRow
from hub.cases.repository import scope_clause
from hub.enums import Role
from hub.errors import HubError, NotFound, Unauthenticated
from hub.events.models import Event
from hub.events.stream import StreamClosed, stream
from hub.graphql import resolvers as r
from hub.graphql.errors import graphql_error
from hub.graphql.types.cases import Assignment, Case
from hub.policy.access import ensure_client_active, ensure_role, hears_of

FORBIDDEN_CLOSE = 4403
RESULT_KINDS = ("ASSIGNMENT_COMPLETED", "ASSIGNMENT_REJECTED", "CASE_STATUS_CHANGED")


@strawberry.type(description="Something happened to one of your organisation's assignments.")
class AssignmentEvent:
    cursor: str = strawberry.field(description="Resume with `after: <cursor>` to get only later events.")
    kind: str = strawberry.field(description="ASSIGNMENT_CREATED, MATERIALS_ADDED, MATERIALS_SUPPLIED, ASSIGNMENT_RECEIVED, ASSIGNMENT_ACCEPTED, MATERIALS_REQUESTED, ASSIGNMENT_COMPLETED, ASSIGNMENT_REJECTED, TIME_LIMIT_WARNING, TIME_LIMIT_OVERDUE, DEADLINE_CHANGED, …")
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
        raise graphql_error(HubError("after is not an event cursor")) from None


def _guard(info: Info):  # type: ignore[no-untyped-def]
    """Ends the stream when the token expires or the client is revoked; otherwise re-decides access."""
    ctx = info.context

    async def still_allowed() -> None:
        if ctx.principal.expires_at is not None and time.time() >= ctx.principal.expires_at:
            raise StreamClosed(FORBIDDEN_CLOSE, "token expired")
        snapshot = await ctx.policies.current(max_age=1.0)
        try:
            ensure_client_active(snapshot, ctx.principal)
        except Unauthenticated as error:
            raise StreamClosed(FORBIDDEN_CLOSE, error.message) from None
        if snapshot is not ctx.snapshot:
            ctx.use(snapshot)

    return still_allowed


async def _deliver(info: Info, events, build) -> AsyncGenerator:  # type: ignore[no-untyped-def]
    """Yield payloads with fresh loaders per event; close the socket when the stream is closed."""
    ctx = info.context
    operation = info.field_name
    try:
        async for event in events:
            await ctx.flush_audit(operation)  # reads of the previous payload
            ctx.use(await ctx.policies.current(max_age=1.0))  # grants as of now (at most a second old)
            yield build(event)
    except StreamClosed as closed:
        await ctx.request.close(code=closed.code, reason=closed.reason)
        await asyncio.Event().wait()  # the transport cancels us as the socket goes; returning would send on it


async def _always(_: Event) -> bool:
    return True


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Events of your organisation's assignments (role UTILITY): replayed after `after`, then live.")
    async def assignment_events(self, info: Info, after: str | None = None) -> AsyncGenerator[AssignmentEvent, None]:
        ctx = info.context
        try:
            ensure_role(ctx.principal, Role.UTILITY)
        except HubError as error:
            raise graphql_error(error) from None
        org = ctx.principal.organisation
        events = stream(
            db=ctx.db, feed=ctx.feed, after=_cursor(after),
            replay=lambda c: select(Event).where(Event.organisation_code == org, Event.id > c,
                                                 Event.assignment_id.is_not(None)),
            prefilter=lambda e: e.organisation_code == org and e.assignment_id is not None,
            visible=_always, still_allowed=_guard(info), expires_at=ctx.principal.expires_at,
            route=f"org:{org}",
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
            raise graphql_error(NotFound("no such case"))
        own = ctx.plan.own_assignments_of

        async def visible(event: Event) -> bool:
            return hears_of(own, event.organisation_code)

        heard = Event.case_id == row_id
        if own:  # hears_of in SQL, so a replay tells a utility no more than the live stream does
            heard &= Event.organisation_code.is_(None) | (Event.organisation_code == own)
        events = stream(
            db=ctx.db, feed=ctx.feed, after=_cursor(after),
            replay=lambda c: select(Event).where(heard, Event.id > c),
            prefilter=lambda e: e.case_id == row_id, visible=visible, still_allowed=_guard(info),
            expires_at=ctx.principal.expires_at, route=f"case:{row_id}",
        )
        async for payload in _deliver(info, events, lambda e: CaseEvent(
                cursor=str(e.id), kind=e.kind, occurred_at=e.occurred_at, case_ref=e.case_id)):
            yield payload

    @strawberry.subscription(description="Results for the platform (回传): finished assignments and case status changes of the cases it pushed (role PLATFORM).")
    async def result_events(self, info: Info, after: str | None = None) -> AsyncGenerator[ResultEvent, None]:
        ctx = info.context
        try:
            ensure_role(ctx.principal, Role.PLATFORM)
        except HubError as error:
            raise graphql_error(error) from None
        scope = ctx.plan.rows

        async def visible(event: Event) -> bool:
            return await ctx.loaders.case.load(event.case_id) is not None

        events = stream(
            db=ctx.db, feed=ctx.feed, after=_cursor(after),
            replay=lambda c: select(Event).join(CaseRow, CaseRow.id == Event.case_id)
            .where(Event.kind.in_(RESULT_KINDS), Event.id > c, scope_clause(scope)),
            prefilter=lambda e: e.kind in RESULT_KINDS, visible=visible, still_allowed=_guard(info),
            expires_at=ctx.principal.expires_at,
        )
        async for payload in _deliver(info, events, lambda e: ResultEvent(
                cursor=str(e.id), kind=e.kind, occurred_at=e.occurred_at, case_ref=e.case_id,
                assignment_ref=e.assignment_id)):
            yield payload
