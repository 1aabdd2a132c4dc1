"""Applies the caller's access plan to every field the executor resolves.

The decision is made in hub.policy (once per request); this extension only
looks each field up in it: not granted → null, READ_MASKED → masked value, and
personal items are noted for the audit. Types listed in UNGOVERNED carry no
shared data (plumbing, governance objects gated by role at their entry point);
a test fails if any other type has a field without a catalogue entry.
"""

import inspect
from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo
from strawberry.extensions import SchemaExtension

from hub.policy.masking import mask

UNGOVERNED_PREFIXES = ("__",)
UNGOVERNED = frozenset({
    "Query", "Mutation", "Subscription", "PageInfo", "UserError", "Viewer", "CasePayload", "AssignmentPayload",
    "CaseConnection", "CaseEdge", "AssignmentConnection", "AssignmentEdge",
    "AssignmentEvent", "CaseEvent", "ResultEvent",  # envelopes: cursor, kind, time; the record inside is governed
})
UNGOVERNED_FIELDS = frozenset({"id"})  # row visibility governs ids


def is_governed(type_name: str) -> bool:
    from hub.graphql.governance_types import GOVERNANCE_TYPES

    return not (type_name in UNGOVERNED or type_name in GOVERNANCE_TYPES or type_name.startswith(UNGOVERNED_PREFIXES))


class FieldPolicy(SchemaExtension):
    def resolve(self, _next: Callable, root: Any, info: GraphQLResolveInfo, *args: Any, **kwargs: Any) -> Any:
        type_name = info.parent_type.name
        if info.field_name in UNGOVERNED_FIELDS or info.field_name.startswith("__") or not is_governed(type_name):
            return _next(root, info, *args, **kwargs)
        ctx = info.context
        code = f"{type_name}.{info.field_name}"
        access = ctx.plan.read(code)
        if access is None:
            return None
        result = _next(root, info, *args, **kwargs)
        if not access.masked and not access.audited:
            return result
        if inspect.isawaitable(result):
            return _finish_later(result, ctx, root, code, access)
        return _finish(result, ctx, root, code, access)


def _finish(value: Any, ctx: Any, root: Any, code: str, access: Any) -> Any:
    if access.audited and value is not None:
        ctx.audit_reads.note(getattr(root, "case_ref", None), code, access.grant_id)
    return mask(access.mask, value) if access.masked else value


async def _finish_later(awaitable: Any, ctx: Any, root: Any, code: str, access: Any) -> Any:
    return _finish(await awaitable, ctx, root, code, access)
