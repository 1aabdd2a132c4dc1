"""Applies the caller's access plan to every field the executor resolves.

The decision is made in hub.policy (once per request); this extension only
looks each field up in it: not granted → null, READ_MASKED → masked value, and
personal items are noted for the audit. Types listed in UNGOVERNED carry no
shared data (plumbing, governance objects gated by role at their entry point);
a test fails if any other type has a field without a catalogue entry.

Each object of case data names its record: `case_ref` (the case) and, for an
assignment's data, `assignment_of` (the organisation that owns it). When the
caller's roles read alike (one role, as almost always) every record reads the
same; otherwise each record is read with the roles that cover it, which the
plan decides from the roles whose rows include the case (loaded once per case).
"""

import inspect
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from graphql import GraphQLResolveInfo
from strawberry.extensions import SchemaExtension

from hub.graphql.governance_types import GOVERNANCE_TYPES
from hub.policy.masking import mask

UNGOVERNED_PREFIXES = ("__",)
UNGOVERNED = frozenset({
    "Query", "Mutation", "Subscription", "PageInfo", "UserError", "Viewer", "CasePayload", "AssignmentPayload",
    "CaseConnection", "CaseEdge", "AssignmentConnection", "AssignmentEdge",
    "AssignmentEvent", "CaseEvent", "ResultEvent",  # envelopes: cursor, kind, time; the record inside is governed
})
UNGOVERNED_FIELDS = frozenset({"id"})  # row visibility governs ids


def is_governed(type_name: str) -> bool:
    return not (type_name in UNGOVERNED or type_name in GOVERNANCE_TYPES or type_name.startswith(UNGOVERNED_PREFIXES))


@lru_cache(maxsize=4096)
def item_code(type_name: str, field_name: str) -> str | None:
    """The catalogue item a field is, or None for fields the catalogue does not govern (computed once per field)."""
    if field_name in UNGOVERNED_FIELDS or field_name.startswith("__") or not is_governed(type_name):
        return None
    return f"{type_name}.{field_name}"


class FieldPolicy(SchemaExtension):
    def resolve(self, _next: Callable, root: Any, info: GraphQLResolveInfo, *args: Any, **kwargs: Any) -> Any:
        code = item_code(info.parent_type.name, info.field_name)
        if code is None:
            return _next(root, info, *args, **kwargs)
        plan = info.context.plan
        case_id = getattr(root, "case_ref", None)
        if case_id is None:  # data of no case: reference data
            return _apply(plan.read(code), code, _next, root, info, args, kwargs)
        if plan.uniform_reads is not None:
            return _apply(plan.uniform_reads.get(code), code, _next, root, info, args, kwargs)
        return _per_record(case_id, code, _next, root, info, args, kwargs)


def _apply(access: Any, code: str, _next: Callable, root: Any, info: GraphQLResolveInfo, args: tuple,
           kwargs: dict) -> Any:
    if access is None:
        return None
    result = _next(root, info, *args, **kwargs)
    if not access.masked and not access.audited:
        return result
    if inspect.isawaitable(result):
        return _finish_later(result, info.context, root, code, access)
    return _finish(result, info.context, root, code, access)


async def _per_record(case_id: Any, code: str, _next: Callable, root: Any, info: GraphQLResolveInfo, args: tuple,
                      kwargs: dict) -> Any:
    ctx = info.context
    roles = await ctx.loaders.case_roles.load(case_id)
    access = ctx.plan.record_reads(getattr(root, "assignment_of", None), roles).get(code)
    result = _apply(access, code, _next, root, info, args, kwargs)
    return await result if inspect.isawaitable(result) else result


def _finish(value: Any, ctx: Any, root: Any, code: str, access: Any) -> Any:
    if access.audited and value is not None:
        ctx.audit_reads.note(getattr(root, "case_ref", None), code, access.grant_id)
    return mask(access.mask, value) if access.masked else value


async def _finish_later(awaitable: Any, ctx: Any, root: Any, code: str, access: Any) -> Any:
    return _finish(await awaitable, ctx, root, code, access)
