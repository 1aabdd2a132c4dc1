"""Plans one (document, operation, access plan) into one SQL statement.

A request is first *read* (`read_roots`): each root field, its arguments, and the checks its resolver makes
before any SQL (page size, cursor, filter grants, the work queue's organisation). Anything that would end in
an error, and anything the planner does not build, raises Unsupported: the executor answers instead, so
errors are always the executor's own.

The statement is then *built* once per key — the document's hash, the operation, the shape of the
arguments (which filters, how many statuses, the page size, whether there is a cursor), the caller's
lanes and reads — with stand-in values where the request puts its own (the caller's subject and
organisation, the filter values, the cursor's id, the number looked up). The repositories' own queries
(hub.cases.repository.page_query, by_number_query, hub.assignments.repository.queue_query) give the rows, so
row scope and filters are the executor's to the letter. Each request binds its values in the stand-ins'
places (hub.graphql.compiled.runner).
"""

import dataclasses
from collections.abc import Iterable
import uuid
from enum import Enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from graphql import FieldNode, GraphQLError, GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import get_argument_values
from sqlalchemy import Select, func, select
from strawberry import relay

from hub.assignments import repository as assignment_repository
from hub.assignments.models import Assignment
from hub.auth.principal import Principal
from hub.cases import repository as case_repository
from hub.cases.models import Case
from hub.cases.repository import assignment_visible
from hub.errors import HubError
from hub.graphql import resolvers
from hub.graphql.loaders import parse_uuid
from hub.graphql.compiled.dialect import Dialect, sql_string
from hub.graphql.compiled.document import Document, Unsupported, collect
from hub.graphql.compiled.record import Compiled, Reads, RecordBuilder
from hub.graphql.compiled.shape import Shape, Step
from hub.policy import access, filters
from hub.policy.access import role_scope, union
from hub.policy.plan import AccessPlan

SUBJECT, ORGANISATION = "\x00subject", "\x00organisation"  # the caller's, in a template plan
CASE_FILTER_VALUES = ("caseType", "service", "districtCode", "submittedFrom", "submittedBefore")
QUEUE_FILTER_VALUES = ("service", "createdFrom", "createdBefore")
DATETIME_ARGUMENTS = ("submittedFrom", "submittedBefore", "createdFrom", "createdBefore")
STAND_IN_IDS = uuid.UUID("6b61696b-656e-6700-0000-000000000000")
STAND_IN_TIME = datetime(1901, 1, 1, tzinfo=timezone.utc)


@dataclass
class RootRequest:
    """One root field of the request: what it asks, the shape that selects its plan, and its own values."""

    index: int
    key: str
    name: str
    nodes: list[FieldNode]
    shape: tuple
    values: dict[str, Any] = field(default_factory=dict)  # stand-in → the request's value
    first: int = 0
    after: bool = False
    used: tuple[str, ...] = ()  # filter arguments given
    node_type: str = ""  # node(id:): Case or Assignment

    def stand_in(self, name: str, kind: str = "str", position: int = 0) -> Any:
        """A value no request sends, unique per root and argument, that the runner replaces."""
        tag = f"{self.index}:{name}:{position}"
        if kind == "uuid":
            return uuid.uuid5(STAND_IN_IDS, tag)
        if kind == "datetime":
            return STAND_IN_TIME + timedelta(seconds=self.index * 64 + DATETIME_ARGUMENTS.index(name))
        return f"\x00{tag}"


def read_roots(schema: GraphQLSchema, document: Document, operation: OperationDefinitionNode,
               variables: Any, plan: AccessPlan, principal: Principal) -> list[RootRequest]:
    fields = collect([operation.selection_set], "Query", document.fragments, variables.coerced)
    query_type = schema.query_type
    roots = []
    for index, (key, nodes) in enumerate(fields.items()):
        name = nodes[0].name.value
        reader = READERS.get(name)
        if reader is None:
            raise Unsupported(f"root field {name}")
        try:
            arguments = get_argument_values(query_type.fields[name], nodes[0], variables)
        except GraphQLError:
            raise Unsupported("arguments that do not coerce") from None
        root = RootRequest(index, key, name, nodes, ())
        reader(root, arguments, plan, principal)
        roots.append(root)
    return roots


def _page(root: RootRequest, first: int, after: str | None, decoder: Any) -> None:
    if not 1 <= first <= resolvers.MAX_PAGE:
        raise Unsupported("page size out of range")
    root.first, root.after = first, after is not None
    if after is not None:
        try:
            root.values[root.stand_in("after", "uuid")] = decoder(after)
        except (ValueError, UnicodeDecodeError):
            raise Unsupported("not a cursor") from None


def _filter(root: RootRequest, plan: AccessPlan, flt: dict | None, spec: dict, values: tuple[str, ...]) -> None:
    """`flt`: the filter argument as coerced (API names; enums as their values). As the resolver: an argument
    is used when given and not null, and decides FORBIDDEN even when empty (`statuses: []`)."""
    flt = flt or {}
    root.used = tuple(argument for argument in spec if flt.get(argument) is not None)
    try:
        filters.readable_arguments(plan, spec, root.used)
    except HubError:
        raise Unsupported("a filter the caller may not use") from None
    statuses = [_plain(s) for s in flt.get("statuses") or []]
    for position, status in enumerate(statuses):
        root.values[root.stand_in("statuses", position=position)] = status
    given = tuple(argument for argument in values if flt.get(argument) is not None)
    for argument in given:
        value = flt[argument]
        kind = "datetime" if isinstance(value, datetime) else "str"
        root.values[root.stand_in(argument, kind)] = _plain(value)
    root.shape += (root.used, len(statuses), given)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _read_cases(root: RootRequest, arguments: dict, plan: AccessPlan, principal: Principal) -> None:
    _filter(root, plan, arguments.get("filter"), filters.CASE_FILTER, CASE_FILTER_VALUES)
    _page(root, arguments["first"], arguments.get("after"), case_repository.decode_cursor)
    root.shape += (root.first, root.after)


def _read_work_queue(root: RootRequest, arguments: dict, plan: AccessPlan, principal: Principal) -> None:
    try:
        access.work_queue_organisation(principal, arguments.get("organisation"))
    except HubError:
        raise Unsupported("not the caller's work queue") from None
    _filter(root, plan, arguments.get("filter"), filters.WORK_QUEUE_FILTER, QUEUE_FILTER_VALUES)
    _page(root, arguments["first"], arguments.get("after"), assignment_repository.decode_cursor)
    root.shape += (root.first, root.after)


def _read_case(root: RootRequest, arguments: dict, plan: AccessPlan, principal: Principal) -> None:
    try:
        root.values[root.stand_in("id", "uuid")] = resolvers.node_uuid(arguments["id"], "Case")
    except HubError:
        raise Unsupported("not a case id") from None


def _read_case_by_number(root: RootRequest, arguments: dict, plan: AccessPlan, principal: Principal) -> None:
    try:
        filters.readable(plan, "number", filters.CASE_LOOKUP["number"])
    except HubError:
        raise Unsupported("numbers the caller does not read") from None
    root.values[root.stand_in("number")] = arguments["number"].strip().upper()


def _read_node(root: RootRequest, arguments: dict, plan: AccessPlan, principal: Principal) -> None:
    """A case or an assignment by global id; the type is in the id, so known before any SQL."""
    try:
        global_id = relay.GlobalID.from_id(arguments["id"])
    except relay.GlobalIDValueError:
        raise Unsupported("not a global id") from None
    row_id = parse_uuid(global_id.node_id)
    if global_id.type_name not in ("Case", "Assignment") or row_id is None:
        raise Unsupported("not a case or an assignment")
    root.node_type = global_id.type_name
    root.values[root.stand_in("id", "uuid")] = row_id
    root.shape += (global_id.type_name,)


READERS = {"cases": _read_cases, "workQueue": _read_work_queue, "case": _read_case,
           "caseByNumber": _read_case_by_number, "node": _read_node}


# ---------------------------------------------------------------------------------------------------- building

def template(plan: AccessPlan, principal: Principal) -> AccessPlan:
    """The caller's plan with stand-ins for its subject and organisation: one statement serves every caller
    whose plan has the same lanes and reads."""
    stand_in = Principal(subject=SUBJECT, organisation=ORGANISATION if principal.organisation else None,
                         roles=principal.roles)
    lanes = tuple(dataclasses.replace(lane, rows=role_scope(stand_in, lane.role),
                                      own_assignments_of=ORGANISATION if lane.own_assignments_of else None)
                  for lane in plan.lanes)
    return dataclasses.replace(plan, lanes=lanes, rows=union([lane.rows for lane in lanes]), _merged={})


@dataclass
class Part:
    """One key of a connection object: built by the database (`column`), or in Python (page info)."""

    key: str
    kind: str  # "edges" | "pageInfo" | "typename"
    column: int = -1
    shape: Shape | None = None  # the pass over each edge (None: none needed)
    page_info: tuple[tuple[str, str], ...] = ()


Read = tuple[frozenset[str], frozenset[str]]  # personal items, and the grants they are read on


def _read(items: Iterable[tuple[str, str]]) -> Read:
    pairs = list(items)
    return frozenset(code for code, _ in pairs), frozenset(grant for _, grant in pairs)


@dataclass
class RootPlan:
    key: str
    kind: str  # "one" (a case or null) | "connection"
    record: str  # "case" | "assignment": what the ids column names
    ids_column: int
    first: int = 0
    after: bool = False
    shape: Shape | None = None  # for "one": the pass over it (None: none needed)
    column: int = -1  # for "one"
    parts: list[Part] = field(default_factory=list)
    typename: str = ""
    count_column: int = -1  # rows of the page: one more than `first` when more follow
    always: Read = (frozenset(), frozenset())  # (items, grants) read on every record present
    sometimes: tuple[Read, ...] = ()  # read where the record's flag says so, in order


@dataclass
class Statement:
    select: Select
    roots: list[RootPlan]
    stand_ins: set  # the values each request replaces


class Planner:
    """Builds the statement of one plan key (on a miss of the plan cache)."""

    def __init__(self, dialect: Dialect, schema: GraphQLSchema, document: Document, variables: dict[str, Any],
                 plan: AccessPlan, principal: Principal):
        self.dialect = dialect
        self.plan = template(plan, principal)
        self.reads = plan.uniform_reads
        self.builder = RecordBuilder(dialect, schema, self.reads, self.plan.lanes, self.plan.rows, document.fragments,
                                     variables)
        self.columns: list[Any] = []

    def column(self, expression: Any) -> int:
        self.columns.append(self.dialect.text(expression).label(f"c{len(self.columns)}"))
        return len(self.columns) - 1

    def build(self, roots: list[RootRequest]) -> Statement:
        plans = [BUILDERS[root.name](self, root) for root in roots]
        return Statement(select(*self.columns), plans, {stand_in for root in roots for stand_in in root.values})

    # ---------------------------------------------------------------- one case

    def _one_case(self, root: RootRequest, rows: Select) -> RootPlan:
        source = rows.subquery(self.builder.name("found"))
        return self._one(root, source, "case", self.builder.case(root.nodes, source.c, source))

    def node(self, root: RootRequest) -> RootPlan:
        """As Case.resolve_nodes (the scoped case loader) and assignments_by_ids (assignment_repository.get)."""
        if root.node_type == "Case":
            return self.case(root)
        row_id = root.stand_in("id", "uuid")
        source = select(Assignment).where(Assignment.id == row_id, assignment_visible(self.plan.lanes)) \
            .subquery(self.builder.name("found"))
        return self._one(root, source, "assignment", self.builder.assignment(root.nodes, source.c, source))

    def _one(self, root: RootRequest, source: Any, record: str, built: Compiled) -> RootPlan:
        """One object or null, and beside it its record's ids and which of its personal items were read."""
        column = self.column(select(built.expression).select_from(source).scalar_subquery())
        plan = RootPlan(root.key, "one", record, -1, shape=built.shape.pruned(), column=column)
        ids = self._ids(plan, source, self.builder.take_reads())
        plan.ids_column = self.column(select(ids).select_from(source).scalar_subquery())
        return plan

    def _ids(self, plan: RootPlan, rows: Any, reads: list[Reads]) -> Any:
        """A record's ids (an assignment's with its case's) and, per group of personal items that some objects
        might not hold, whether they were read."""
        plan.always = _read([item for group in reads if group.present is None for item in group.items])
        plan.sometimes = tuple(_read(group.items) for group in reads if group.present is not None)
        values = [rows.c.id] + ([rows.c.case_id] if plan.record == "assignment" else [])
        values += [group.present for group in reads if group.present is not None]
        return self.dialect.values(values)

    def case(self, root: RootRequest) -> RootPlan:
        case_id = root.stand_in("id", "uuid")
        return self._one_case(root, case_repository.visible(self.plan.rows).where(Case.id == case_id))

    def case_by_number(self, root: RootRequest) -> RootPlan:
        readable = filters.readable(self.plan, "number", filters.CASE_LOOKUP["number"])
        return self._one_case(root, case_repository.by_number_query(self.plan.rows, root.stand_in("number"), readable))

    # ---------------------------------------------------------------- connections

    def cases(self, root: RootRequest) -> RootPlan:
        criteria = case_repository.CaseFilter(
            statuses=self._statuses(root), case_type=self._value(root, "caseType"),
            service=self._value(root, "service"), district_code=self._value(root, "districtCode"),
            submitted_from=self._value(root, "submittedFrom", "datetime"),
            submitted_before=self._value(root, "submittedBefore", "datetime"),
            readable=filters.readable_arguments(self.plan, filters.CASE_FILTER, root.used),
        )
        page = case_repository.page_query(self.plan.rows, self.plan.lanes, criteria, first=root.first,
                                          after=root.stand_in("after", "uuid") if root.after else None)
        return self._connection(root, page, "case", lambda c: [c.submitted_at.desc(), c.id.desc()])

    def work_queue(self, root: RootRequest) -> RootPlan:
        criteria = assignment_repository.QueueFilter(
            organisation_code=ORGANISATION, statuses=self._statuses(root),
            service=self._value(root, "service"), created_from=self._value(root, "createdFrom", "datetime"),
            created_before=self._value(root, "createdBefore", "datetime"),
            readable=filters.readable_arguments(self.plan, filters.WORK_QUEUE_FILTER, root.used),
        )
        page = assignment_repository.queue_query(criteria, first=root.first,
                                                 after=root.stand_in("after", "uuid") if root.after else None)
        return self._connection(root, page, "assignment", lambda a: [a.created_at, a.id])

    def _statuses(self, root: RootRequest) -> tuple[str, ...]:
        return tuple(s for s in root.values if isinstance(s, str) and s.startswith(f"\x00{root.index}:statuses:"))

    def _value(self, root: RootRequest, argument: str, kind: str = "str") -> Any:
        stand_in = root.stand_in(argument, kind)
        return stand_in if stand_in in root.values else None

    def _connection(self, root: RootRequest, page: Select, record: str, order: Any) -> RootPlan:
        """Edges from the first `first` rows of the page; the ids of all of them (one more tells whether more
        follow), in order, beside; page info from those ids."""
        page = page.cte(self.builder.name("page"))
        rows = select(page).order_by(*order(page.c)).limit(root.first).subquery(self.builder.name("rows"))
        connection = "CaseConnection" if record == "case" else "AssignmentConnection"
        plan = RootPlan(root.key, "connection", record, -1, first=root.first, after=root.after, typename=connection)
        for key, nodes in self.builder.fields(root.nodes, connection).items():
            name = nodes[0].name.value
            if name == "edges":
                element, shape = self._edge(nodes, rows, record)
                array = self.dialect.array(element, select(rows.c.id), order(rows.c), None)
                plan.parts.append(Part(key, "edges", column=self.column(array), shape=shape.pruned()))
            elif name == "pageInfo":
                info = self.builder.fields(nodes, "PageInfo")
                plan.parts.append(Part(key, "pageInfo", page_info=tuple((k, n[0].name.value) for k, n in info.items())))
            elif name == "__typename":
                plan.parts.append(Part(key, "typename"))
            else:
                raise Unsupported(f"{connection}.{name}")
        ids = self._ids(plan, rows, self.builder.take_reads())
        plan.ids_column = self.column(self.dialect.array(ids, select(rows.c.id), order(rows.c), None))
        plan.count_column = self.column(select(func.count()).select_from(page).scalar_subquery())
        return plan

    def _edge(self, nodes: list[FieldNode], rows: Any, record: str) -> tuple[Any, Shape]:
        edge = "CaseEdge" if record == "case" else "AssignmentEdge"
        pairs, steps = [], {}
        for key, field_nodes in self.builder.fields(nodes, edge).items():
            name = field_nodes[0].name.value
            if name == "cursor":
                value, transform = self.dialect.cursor(record, rows.c.id)
                pairs.append((key, value))
                if transform is not None:
                    steps[key] = Step(transform=transform)
            elif name == "node":
                built = self._node(field_nodes, rows, record)
                pairs.append((key, self.dialect.nested(built.expression)))
                steps[key] = Step(child=built.shape)
            elif name == "__typename":
                pairs.append((key, sql_string(edge)))
            else:
                raise Unsupported(f"{edge}.{name}")
        return self.dialect.object(pairs), Shape(steps=steps)

    def _node(self, nodes: list[FieldNode], rows: Any, record: str) -> Compiled:
        if record == "case":
            return self.builder.case(nodes, rows.c, rows)
        return self.builder.assignment(nodes, rows.c, rows)


BUILDERS = {"cases": Planner.cases, "workQueue": Planner.work_queue, "case": Planner.case,
            "caseByNumber": Planner.case_by_number, "node": Planner.node}


def plan_key(document: Document, operation: OperationDefinitionNode, variables: dict[str, Any],
             roots: list[RootRequest], plan: AccessPlan, reads_key: Any) -> tuple:
    """What the statement depends on. Booleans among the variables may steer @skip/@include."""
    switches = tuple(sorted((k, v) for k, v in variables.items() if isinstance(v, bool)))
    lanes = tuple((lane.role, lane.rows.everything, bool(lane.rows.applicant_subject),
                   tuple(role for role, _ in lane.rows.submitted_by), bool(lane.rows.assigned_to),
                   bool(lane.own_assignments_of)) for lane in plan.lanes)
    return (document.digest, operation.name.value if operation.name else None, switches,
            tuple((r.key, r.name, r.shape) for r in roots), lanes, reads_key)
