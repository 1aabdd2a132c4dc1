"""Runs a request on its compiled plan, or declines it (None) for the executor.

Per request: the document from the cache, the limits and checks the executor would make, the plan from the
plan cache (built and compiled to SQL text on a miss), one statement, the fixed pass where the plan needs
one, the audit's READ records (from the flags the statement returns beside the JSON) committed through the
same group-commit appender, and the response.
"""

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, GraphQLSchema
from graphql.execution.values import get_variable_values
from strawberry.types import ExecutionResult

from hub.audit.service import ReadLog
from hub.cases.repository import encode_cursor as case_cursor
from hub.assignments.repository import encode_cursor as assignment_cursor
from hub.db import Database
from hub.graphql.compiled.dialect import for_backend
from hub.graphql.compiled.document import Document, Documents, Unsupported
from hub.graphql.compiled.planner import ORGANISATION, READERS, SUBJECT, Planner, RootPlan, plan_key, read_roots
from hub.graphql.compiled.shape import Shape, walk
from hub.graphql.input_text import _cached_sites, problems
from hub.graphql.document_cache import DOCUMENTS
from hub.graphql.limits import QueryLimits
from hub.policy import plan as policy_plan

log = logging.getLogger("hub.graphql.compiled")


class RawData(str):
    """`data` already encoded as JSON text: the view writes it into the response as it is."""


@dataclass
class Prepared:
    """A plan compiled to the backend's SQL, with where each request's own values go."""

    sql: str
    parameters: list[Any]  # processed; stand-ins in their places until replaced
    slots: list[tuple[int, Any, Any]]  # (position, stand-in, bind processor)
    roots: list[RootPlan]


class CompiledReads:
    def __init__(self, db: Database, schema: GraphQLSchema, limits: QueryLimits, maxsize: int = 512):
        self.db = db
        self.schema = schema
        self.limits = limits
        self.dialect = for_backend(db.sqlite)
        self.documents = Documents(schema)
        self.maxsize = maxsize
        self._plans: OrderedDict[tuple, Prepared] = OrderedDict()
        self._reads_keys: OrderedDict[int, tuple[Mapping, frozenset]] = OrderedDict()
        # A plan binds its values by position (asyncpg, aiosqlite); a driver with named parameters is left to the
        # executor rather than planned anew on every request.
        self.usable = db.engine.dialect.positional
        if not self.usable:
            log.info("compiled reads need a driver with positional parameters; the executor answers every query")

    async def answer(self, query: Any, variables: Any, operation_name: str | None, context: Any) -> ExecutionResult | None:
        """The response, or None when the executor is to answer (anything not compiled, any error)."""
        if not self.usable:
            return None
        started = time.perf_counter()
        try:
            document, prepared, values = self._prepare(query, variables, operation_name, context)
        except Unsupported:
            context.metrics.read_path.labels("executor").inc()
            return None
        except Exception:  # noqa: BLE001  (a planning fault must not cost the caller an answer)
            log.warning("compiled read could not be planned; the executor answers", exc_info=True)
            context.metrics.read_path.labels("executor").inc()
            return None
        try:
            data, reads = await self._run(prepared, values)
            if reads.items:
                await context.audit.append(reads.take(context.principal, document.label(operation_name),
                                                      context.now()))
        except Exception:  # noqa: BLE001  (the executor answers, with its own handling of faults)
            log.warning("compiled read declined after a failure; the executor answers", exc_info=True)
            context.metrics.read_path.labels("executor").inc()
            return None
        context.metrics.read_path.labels("compiled").inc()
        name = document.provided_name(operation_name) or "anonymous"
        context.metrics.operations.labels(name, "query").inc()
        context.metrics.latency.labels(name).observe(time.perf_counter() - started)
        return ExecutionResult(data=RawData(data), errors=None)

    # ---------------------------------------------------------------- before any SQL

    def _prepare(self, query: Any, variables: Any, operation_name: str | None,
                 context: Any) -> tuple[Document, Prepared, dict]:
        document, operation, coerced = self._checked(query, variables, operation_name, context)
        plan = policy_plan.decide(context.snapshot, context.principal, context.now())
        if plan.uniform_reads is None:
            raise Unsupported("the caller's roles read the records differently")
        roots = read_roots(self.schema, document, operation, coerced, plan, context.principal)
        key = plan_key(document, operation, coerced.coerced, roots, plan, self._reads_key(plan.uniform_reads))
        prepared = self._plans.get(key)
        if prepared is None:
            planner = Planner(self.dialect, self.schema, document, coerced.coerced, plan, context.principal)
            prepared = self._plans[key] = self._compile(planner.build(roots))
            if len(self._plans) > self.maxsize:
                self._plans.popitem(last=False)
        else:
            self._plans.move_to_end(key)
        values = {SUBJECT: context.principal.subject, ORGANISATION: context.principal.organisation}
        for root in roots:
            values.update(root.values)
        return document, prepared, values

    def _checked(self, query: Any, variables: Any, operation_name: str | None, context: Any) -> tuple:
        """The document, operation and variables, if the executor would run them without an error; cheapest
        refusals first, so a request that is not ours costs little."""
        if not isinstance(query, str) or not isinstance(variables, dict | None) or context.principal is None \
                or context.snapshot is None:
            raise Unsupported("not a plain request")
        if "mutation" in query or "subscription" in query:
            raise Unsupported("not a query")  # (or says the word somewhere): not parsed twice
        document = self.documents.get(query)
        if document.node is None:
            raise Unsupported("does not parse")
        operation = document.operation(operation_name)
        if not all(isinstance(s, FieldNode) and s.name.value in READERS for s in operation.selection_set.selections):
            raise Unsupported("a root field that does not compile")  # before the limits and validation
        # the limits' verdict on this document with these `first` values, kept beside the executor's
        if DOCUMENTS.refusal(document.entry, self.schema, variables, self.limits) is not None:
            raise Unsupported("over a limit")
        if not self.documents.valid(document) or problems(_cached_sites(query), variables or {}):
            raise Unsupported("invalid")
        coerced = get_variable_values(self.schema, operation.variable_definitions or (), variables or {})
        if isinstance(coerced, list):
            raise Unsupported("variables do not coerce")
        return document, operation, coerced

    def _reads_key(self, reads: Mapping) -> frozenset:
        """The reads as a key, computed once per reads object (the policy snapshot keeps them while it holds)."""
        kept = self._reads_keys.get(id(reads))
        if kept is None or kept[0] is not reads:
            kept = self._reads_keys[id(reads)] = (reads, frozenset(reads.items()))
            if len(self._reads_keys) > 64:
                self._reads_keys.popitem(last=False)
        return kept[1]

    def _compile(self, statement: Any) -> Prepared:
        compiled = statement.select.compile(dialect=self.db.engine.dialect,
                                            compile_kwargs={"render_postcompile": True})
        names = compiled.positiontup or []
        given = compiled.construct_params()
        processors = compiled._bind_processors  # noqa: SLF001  (the dialect's own conversions of each value)
        stand_ins = {SUBJECT, ORGANISATION} | statement.stand_ins
        parameters, slots = [], []
        for position, name in enumerate(names):
            value, processor = given[name], processors.get(name)
            if _is_stand_in(value, stand_ins):
                slots.append((position, value, processor))
                parameters.append(None)
            else:
                parameters.append(processor(value) if processor else value)
        return Prepared(compiled.string, parameters, slots, statement.roots)

    # ---------------------------------------------------------------- the statement and the pass

    async def _run(self, prepared: Prepared, values: dict) -> tuple[str, ReadLog]:
        parameters = list(prepared.parameters)
        for position, stand_in, processor in prepared.slots:
            value = values[stand_in]
            parameters[position] = processor(value) if processor else value
        row = await self._fetch(prepared.sql, parameters)
        reads = ReadLog()
        pieces = [f"{json.dumps(root.key)}:{self._root(root, row, reads)}" for root in prepared.roots]
        return "{" + ",".join(pieces) + "}", reads

    async def _fetch(self, sql: str, parameters: list[Any]) -> Any:
        """The statement's one row. On PostgreSQL straight on the driver's connection, drawn from the pool: one
        statement is one consistent snapshot by itself (no BEGIN, no ROLLBACK), and its values are the driver's
        already. SQLite's connections begin their own transactions (hub.db): there, a read session."""
        if self.db.sqlite:
            async with self.db.read() as session:
                return (await (await session.connection()).exec_driver_sql(sql, tuple(parameters))).one()
        async with self.db.driver_connection() as connection:
            return await connection.fetchrow(sql, *parameters)

    def _root(self, root: RootPlan, row: Any, reads: ReadLog) -> str:
        if root.kind == "one":
            text = row[root.column]
            if text is None:
                return "null"
            self._note(root, json.loads(row[root.ids_column]), reads)
            return _finish(text, root.shape)
        records = json.loads(row[root.ids_column])
        for record in records:
            self._note(root, record, reads)
        encode = case_cursor if root.record == "case" else assignment_cursor
        cursors = [encode(self.dialect.row_id(record[0])) for record in records[:1] + records[1:][-1:]]
        parts = []
        for part in root.parts:
            if part.kind == "edges":
                text = _finish(row[part.column], part.shape)
            elif part.kind == "pageInfo":
                info = {"hasNextPage": int(row[root.count_column]) > root.first, "hasPreviousPage": root.after,
                        "startCursor": cursors[0] if cursors else None,
                        "endCursor": cursors[-1] if cursors else None, "__typename": "PageInfo"}
                text = json.dumps({key: info[name] for key, name in part.page_info}, ensure_ascii=False)
            else:
                text = json.dumps(root.typename)
            parts.append(f"{json.dumps(part.key)}:{text}")
        return "{" + ",".join(parts) + "}"

    def _note(self, root: RootPlan, record: list, reads: ReadLog) -> None:
        """The personal items read of one record: those of every object always there, and those of objects the
        statement found present (flags after the ids)."""
        if not (root.always[0] or root.sometimes):
            return
        case_id = self.dialect.row_id(record[1] if root.record == "assignment" else record[0])
        flags = record[2:] if root.record == "assignment" else record[1:]
        if root.always[0]:
            reads.note_all(case_id, *root.always)
        for (items, grants), present in zip(root.sometimes, flags, strict=True):
            if present:
                reads.note_all(case_id, items, grants)


def _finish(text: str, shape: Shape | None) -> str:
    """The database's JSON as it is, unless the plan has a pass over it (masks, SQLite's formatting)."""
    if shape is None:
        return text
    value = json.loads(text)
    walk(value, shape)
    return json.dumps(value, ensure_ascii=False)


def _is_stand_in(value: Any, stand_ins: set) -> bool:
    try:
        return value in stand_ins
    except TypeError:
        return False

