"""Thin resolvers: GraphQL arguments in, domain service calls, API types out."""

import dataclasses
import functools
import inspect
import uuid
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, TypeVar

import strawberry
from strawberry import relay
from strawberry.types import Info

from hub.assignments import repository as assignment_repository
from hub.assignments.models import Assignment as AssignmentRow
from hub.audit import service as audit
from hub.cases import repository as case_repository
from hub.cases import search
from hub.cases.erasure import Erasure
from hub.cases.models import Case as CaseRow
from hub.errors import HubError, NotFound
from hub.graphql.errors import UserError, graphql_error, user_errors
from hub.graphql.loaders import parse_uuid
from hub.graphql.types.cases import Assignment, Case
from hub.clock import local_day
from hub.graphql.types.inputs import CaseFilterInput, CaseSearchInput, WorkQueueFilterInput
from hub.i18n import _l
from hub.policy import access, anywindow, filters

MAX_PAGE = 100
NO_SUCH = {"Case": _l("no such case"), "Assignment": _l("no such assignment")}
T = TypeVar("T")


def plain(value: Any) -> Any:
    """Input objects → plain data for the domain: dicts with snake_case keys, enum values as strings."""
    if value is None or value is strawberry.UNSET:
        return None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [plain(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def node_uuid(global_id: str, type_name: str) -> uuid.UUID:
    """The row id inside a global id of the expected type; NotFound for anything else."""
    try:
        gid = relay.GlobalID.from_id(global_id)
    except relay.GlobalIDValueError:
        gid = None
    row_id = parse_uuid(gid.node_id) if gid and gid.type_name == type_name else None
    if row_id is None:
        raise NotFound(NO_SUCH[type_name])
    return row_id


async def write(info: Info, operation: Callable[..., Awaitable[T]], **kwargs: Any) -> tuple[T | None, list[UserError]]:
    """Run one service call in its own unit of work; expected failures become payload errors.

    Every write is audited: a success in the same transaction as the change, a refusal with the
    other records of the moment (group commit); either is durable before the caller hears back.
    """
    ctx, now, name = info.context, info.context.now(), info.field_name
    if _takes_plan(operation):
        kwargs["plan"] = ctx.plan
    try:
        async with ctx.db.write() as session:
            result = await operation(session, principal=ctx.principal, now=now, **kwargs)
            await audit.append(session, [audit.entry(ctx.principal, kind="WRITE", operation=name, at=now,
                                                     case_id=_case_of(result), outcome="OK",
                                                     **getattr(result, "audit_details", {}))])
        return result, []
    except HubError as error:
        await ctx.audit.append([audit.entry(ctx.principal, kind="WRITE", operation=name, at=now,
                                            outcome=error.code.value)])
        return None, user_errors(error)


@functools.cache
def _takes_plan(operation: Callable) -> bool:
    return "plan" in inspect.signature(operation).parameters


def prime_submitted(info: Info, row: CaseRow) -> None:
    """The answer to a submission is read from the rows just written, not read back: its parts go into the
    operation's loaders, and so do the roles whose rows hold it (as hub.cases.repository.scoped_by would find).
    Its assignments only where the caller sees all of them (one lane, not a utility's), which Lane.covers decides
    as the loader's SQL would."""
    if "applicant" not in row.__dict__:  # a retried submission answers the case filed before, read as usual
        return
    loaders, case_id = info.context.loaders, row.id
    loaders.case_roles.prime(case_id, frozenset(role for role, scope in info.context.plan.scopes.items()
                                                if not scope.empty and case_repository.in_scope(scope, row)))
    loaders.applicant.prime(case_id, row.applicant)
    loaders.agent.prime(case_id, row.agent)
    loaders.site.prime(case_id, row.site)
    loaders.materials.prime(case_id, sorted(row.materials, key=lambda m: m.added_at))
    lanes = info.context.plan.row_lanes
    if len(lanes) == 1 and lanes[0].own_assignments_of is None:
        loaders.assignments.prime(case_id, sorted(row.assignments, key=lambda a: a.service))


def _case_of(result: object) -> uuid.UUID | None:
    if isinstance(result, CaseRow):
        return result.id
    return getattr(result, "case_id", None) if isinstance(result, (AssignmentRow, Erasure)) else None


def check_page_size(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise graphql_error(HubError(_l("first must be between 1 and {most}", most=MAX_PAGE)))
    return first


def decode(cursor: str | None, decoder: Callable[[str], Any]) -> Any:
    if cursor is None:
        return None
    try:
        return decoder(cursor)
    except (ValueError, UnicodeDecodeError):
        raise graphql_error(HubError(_l("after is not a cursor from this list"))) from None


def filter_rules(info: Info, flt: object, spec: dict[str, tuple[str, ...]]) -> dict:
    """Where each given filter argument may look (hub.policy.filters); FORBIDDEN if it may look nowhere."""
    used = [argument for argument in spec if flt is not None and getattr(flt, _snake(argument)) is not None]
    try:
        return filters.readable_arguments(info.context.plan, spec, used)
    except HubError as error:
        raise graphql_error(error) from None


def reference_filter(info: Info, arguments: dict[str, object]) -> None:
    """Filters over reference data: only by what the caller reads of it."""
    try:
        for argument, value in arguments.items():
            if value is not None:
                filters.ensure_reference_reads(info.context.plan, argument, filters.REFERENCE_FILTER[argument])
    except HubError as error:
        raise graphql_error(error) from None


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


async def cases_page(info: Info, flt: CaseFilterInput | None, first: int, after: str | None) -> relay.Connection[Case]:
    readable = filter_rules(info, flt, filters.CASE_FILTER)
    flt = flt or CaseFilterInput()
    criteria = case_repository.CaseFilter(
        statuses=tuple(s.value for s in flt.statuses or []),
        case_type=flt.case_type.value if flt.case_type else None,
        service=flt.service.value if flt.service else None,
        district_code=flt.district_code,
        submitted_from=flt.submitted_from,
        submitted_before=flt.submitted_before,
        readable=readable,
    )
    ctx = info.context
    async with ctx.db.read() as session:
        page = await case_repository.page(session, ctx.scope, ctx.plan.lanes, criteria, first=check_page_size(first),
                                          after=decode(after, case_repository.decode_cursor))
    for row in page.items:
        ctx.loaders.case.prime(row.id, row)
    edges = [relay.Edge(cursor=page.cursor(row), node=Case.from_row(row)) for row in page.items]
    return connection(edges, page.has_next, after is not None)


async def work_queue(info: Info, flt: WorkQueueFilterInput | None, organisation: str | None, first: int,
                     after: str | None) -> relay.Connection[Assignment]:
    ctx = info.context
    try:
        org = access.work_queue_organisation(ctx.principal, organisation)
    except HubError as error:
        raise graphql_error(error) from None
    readable = filter_rules(info, flt, filters.WORK_QUEUE_FILTER)
    flt = flt or WorkQueueFilterInput()
    criteria = assignment_repository.QueueFilter(
        organisation_code=org,
        statuses=tuple(s.value for s in flt.statuses or []),
        service=flt.service.value if flt.service else None,
        created_from=flt.created_from,
        created_before=flt.created_before,
        readable=readable,
    )
    async with ctx.db.read() as session:
        rows, has_next = await assignment_repository.queue_page(
            session, criteria, first=check_page_size(first), after=decode(after, assignment_repository.decode_cursor)
        )
    edges = [relay.Edge(cursor=assignment_repository.encode_cursor(r.id), node=Assignment.from_row(r))
             for r in rows]
    return connection(edges, has_next, after is not None)


def connection(edges: list, has_next: bool, has_previous: bool) -> relay.Connection:
    return relay.Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=has_next, has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None,
        ),
    )


async def assignments_by_ids(info: Info, node_ids: list[str]) -> list[Assignment | None]:
    ctx = info.context
    out: list[Assignment | None] = []
    async with ctx.db.read() as session:
        for node_id in node_ids:
            row_id = parse_uuid(node_id)
            row = await assignment_repository.get(session, ctx.plan.lanes, row_id) if row_id else None
            out.append(Assignment.from_row(row) if row else None)
    return out


async def case_by_id(info: Info, global_id: str) -> Case | None:
    try:
        row_id = node_uuid(global_id, "Case")
    except NotFound:
        return None
    row = await info.context.loaders.case.load(row_id)
    return Case.from_row(row) if row else None


async def search_cases(info: Info, by: CaseSearchInput, first: int, after: str | None) -> relay.Connection[Case]:
    """无差别受理: a clerk finds cases taken at any window; the search is audited before the results leave."""
    ctx = info.context
    try:
        anywindow.ensure_may_search(ctx.plan)  # before the term is read: the same refusal whatever it holds
        term = search.term(ctx.search_keys, plain(by), local_day(ctx.now()))
        grants = anywindow.search_grants(ctx.plan, term.argument)
    except HubError as error:
        raise graphql_error(error) from None
    async with ctx.db.read() as session:
        rows, has_next = await search.page(session, term, first=check_page_size(first),
                                           after=decode(after, case_repository.decode_cursor))
    items = anywindow.compared_items(term.argument)
    await ctx.audit.append([audit.entry(ctx.principal, kind="READ", operation="searchCases", at=ctx.now(),
                                        case_id=row.id, items=items, grants=grants, outcome="OK") for row in rows]
                           or [audit.entry(ctx.principal, kind="READ", operation="searchCases", at=ctx.now(),
                                           items=items, grants=grants, outcome="NOT_FOUND")])
    for row in rows:
        ctx.loaders.case.prime(row.id, row)  # reached: nested fields of the result load it like a case in the rows
    edges = [relay.Edge(cursor=case_repository.encode_cursor(row.id), node=Case.from_row(row)) for row in rows]
    return connection(edges, has_next, after is not None)


async def case_by_number(info: Info, number: str) -> Case | None:
    ctx = info.context
    try:
        readable = filters.readable(ctx.plan, "number", filters.CASE_LOOKUP["number"])
    except HubError:
        return None  # no role of the caller reads case numbers: no case has the number it asks for
    async with ctx.db.read() as session:
        row = await case_repository.get_by_number(session, ctx.scope, number.strip().upper(), readable)
    return Case.from_row(row) if row else None


