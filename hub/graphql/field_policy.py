"""Applies the caller's access plan to every field the executor resolves, and audits what was delivered.

The decision is made in hub.policy (once per request); this extension only
looks each field up in it: not granted → null, READ_MASKED → masked value, and
personal items are noted, synchronously, in the operation's read log (one set
per case, however many fields and rows). The log becomes READ records before
the caller gets the data: before an HTTP response, and before each payload of a
subscription (or any operation over a WebSocket) is sent. A payload whose
records could not be written is not sent; the caller gets an internal error.

A requested personal item is recorded as read once access is granted and its
resolver runs, whether or not it turns out empty: the audit tells who looked.

Types listed in UNGOVERNED carry no shared data (plumbing, governance objects
gated by role at their entry point); a test fails if any other type has a
field without a catalogue entry.

Each object of case data names its record: `case_ref` (the case) and, for an
assignment's data, `assignment_of` (the organisation that owns it). When the
caller's roles read alike (one role, as almost always) every record reads the
same; otherwise each record is read with the roles that cover it, which the
plan decides from the roles whose rows include the case (loaded once per case).
"""

import inspect
from collections.abc import AsyncIterator, Callable
from functools import lru_cache
from typing import Any

from graphql import FieldNode, GraphQLResolveInfo, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionContext

from hub.audit.service import ReadLog
from hub.graphql.errors import answer_unavailable, fault_error
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
    """One instance per operation: its read log is the operation's own, even when operations share a socket."""

    def __init__(self, *, execution_context: ExecutionContext | None = None):
        super().__init__(execution_context=execution_context)  # type: ignore[arg-type]
        self.reads = ReadLog()
        self.streamed = False  # results went out one by one (WebSocket, multipart): audited as each is sent

    def resolve(self, _next: Callable, root: Any, info: GraphQLResolveInfo, *args: Any, **kwargs: Any) -> Any:
        code = item_code(info.parent_type.name, info.field_name)
        if code is None:
            return _next(root, info, *args, **kwargs)
        plan = info.context.plan
        case_id = getattr(root, "case_ref", None)
        if case_id is None:  # data of no case: reference data
            return self._apply(plan.read(code), code, _next, root, info, args, kwargs)
        if plan.uniform_reads is not None:
            return self._apply(plan.uniform_reads.get(code), code, _next, root, info, args, kwargs)
        return self._per_record(case_id, code, _next, root, info, args, kwargs)

    def _apply(self, access: Any, code: str, _next: Callable, root: Any, info: GraphQLResolveInfo, args: tuple,
               kwargs: dict) -> Any:
        if access is None:
            return None
        if access.audited:
            self.reads.note(getattr(root, "case_ref", None), code, access.grant_id)
        result = _next(root, info, *args, **kwargs)
        if not access.masked:
            return result
        if inspect.isawaitable(result):
            return _mask_later(result, access.mask)
        return mask(access.mask, result)

    async def _per_record(self, case_id: Any, code: str, _next: Callable, root: Any, info: GraphQLResolveInfo,
                          args: tuple, kwargs: dict) -> Any:
        roles = await info.context.loaders.case_roles.load(case_id)
        access = info.context.plan.record_reads(getattr(root, "assignment_of", None), roles).get(code)
        result = self._apply(access, code, _next, root, info, args, kwargs)
        return await result if inspect.isawaitable(result) else result

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        if not self.streamed:
            try:
                await self._write_reads()
            except Exception as error:  # noqa: BLE001  (no data without its audit; the fault is not the caller's to read)
                _withhold(self.execution_context.result, fault_error(error, "the audit of an operation"))
                answer_unavailable(self.execution_context.context, self.execution_context.result)

    async def on_stream_result(self, result: Any) -> AsyncIterator[None]:
        self.streamed = True
        try:
            await self._write_reads()
        except Exception as error:  # noqa: BLE001
            _withhold(result, fault_error(error, "the audit of a delivered event"))
        yield

    async def _write_reads(self) -> None:
        ctx = self.execution_context.context
        if self.reads.items:
            await ctx.audit.append(self.reads.take(ctx.principal, operation_label(self.execution_context), ctx.now()))


def _withhold(result: Any, fault: Any) -> None:
    """What was read could not be audited, so it is not shown. Mutations in the operation may have committed:
    write-backs are safe to repeat with their idempotency key (docs/delivery.md)."""
    if result is not None:
        result.data, result.errors = None, [fault]


def operation_label(execution_context: ExecutionContext) -> str:
    """The operation's name, else its top-level fields (e.g. `case`, `assignmentEvents`)."""
    if execution_context.operation_name:
        return execution_context.operation_name
    document = execution_context.graphql_document
    for definition in document.definitions if document else ():
        if isinstance(definition, OperationDefinitionNode):
            return ",".join(s.name.value for s in definition.selection_set.selections if isinstance(s, FieldNode))
    return ""


async def _mask_later(awaitable: Any, kind: str) -> Any:
    return mask(kind, await awaitable)
