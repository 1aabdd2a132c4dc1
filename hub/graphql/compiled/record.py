"""The record's read types in SQL: each selected field of a Case, an Assignment and what hangs off them becomes
one expression of the JSON object the database builds, with the caller's access applied in the plan itself.

Only fields whose value is a column (or a key of a JSON column) of the record compile; a field with a resolver
of its own (a materials check, a clock, reference data, a download link, the form's sections) makes the
request the executor's. Access is read from `reads`, the plan's one set of reads for every record (the
caller's roles read alike): not granted → null; masked → the mask (strings, in the fixed pass) or null (any
other value, as hub.policy.masking does); personal → noted where the object is present.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import count
from typing import Any, Mapping

from graphql import (
    FieldNode, GraphQLEnumType, GraphQLList, GraphQLScalarType, GraphQLSchema, get_named_type, get_nullable_type,
)
from sqlalchemy import Select, String, and_, case, cast, inspect, null, select
from sqlalchemy.orm import aliased

from hub.assignments.models import Assignment
from hub.cases.models import Agent, Applicant, Site
from hub.cases.models import Case as CaseRow
from hub.cases.repository import assignment_visible_within_case, scope_clause
from hub.graphql.compiled.dialect import NULL, Dialect, sql_string
from hub.graphql.compiled.document import Fields, Unsupported, collect, sub_selections
from hub.graphql.compiled.shape import Shape, Step
from hub.graphql.field_policy import item_code
from hub.materials.models import Material
from hub.policy.masking import mask
from hub.policy.access import CaseScope
from hub.policy.plan import FieldAccess, Lane

STRING, ENUM, INT, TIMESTAMP = "String", "Enum", "Int", "DateTime"
FLOAT, BOOLEAN, DATE, LIST = "Float", "Boolean", "Date", "List"

# type → GraphQL field → (column, kind). Every one is a plain column of the type's row.
COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    "Case": {
        "number": ("number", STRING), "caseType": ("case_type", ENUM), "channel": ("channel", ENUM),
        "status": ("status", ENUM), "version": ("version", INT), "submittedAt": ("submitted_at", TIMESTAMP),
        "updatedAt": ("updated_at", TIMESTAMP), "completedAt": ("completed_at", TIMESTAMP),
        "personalDataErasedAt": ("personal_data_erased_at", TIMESTAMP), "note": ("note", STRING),
    },
    "Applicant": {
        "kind": ("kind", ENUM), "name": ("name", STRING), "phone": ("phone", STRING),
        "idNumber": ("id_number", STRING), "creditCode": ("credit_code", STRING),
        "enterpriseType": ("enterprise_type", ENUM), "address": ("address", STRING),
    },
    "LegalRepresentative": {
        "name": ("legal_rep_name", STRING), "phone": ("legal_rep_phone", STRING),
        "idNumber": ("legal_rep_id_number", STRING),
    },
    "Agent": {"name": ("name", STRING), "phone": ("phone", STRING), "idNumber": ("id_number", STRING)},
    "Site": {"address": ("address", STRING), "districtCode": ("district_code", STRING),
             "projectName": ("project_name", STRING)},
    "Material": {
        "typeCode": ("type_code", STRING), "number": ("number", STRING), "holder": ("holder", STRING),
        "fileRef": ("file_ref", STRING), "verifiedBy": ("verified_by", STRING),
        "verifiedAt": ("verified_at", TIMESTAMP), "addedAt": ("added_at", TIMESTAMP),
    },
    "MaterialFile": {
        "sha256": ("file_sha256", STRING), "size": ("file_size", INT), "contentType": ("file_content_type", STRING),
        "uploadedBy": ("file_uploaded_by", STRING), "uploadedAt": ("file_uploaded_at", TIMESTAMP),
    },
    "Assignment": {
        "service": ("service", ENUM), "status": ("status", ENUM), "version": ("version", INT),
        "organisationCode": ("organisation_code", STRING), "accountNumber": ("account_number", STRING),
        "reason": ("reason", STRING), "createdAt": ("created_at", TIMESTAMP), "updatedAt": ("updated_at", TIMESTAMP),
        "receivedAt": ("received_at", TIMESTAMP), "acceptedAt": ("accepted_at", TIMESTAMP),
        "finishedAt": ("finished_at", TIMESTAMP),
    },
    "AssignmentResult": {"accountNumber": ("result_account_number", STRING), "remarks": ("result_remarks", STRING)},
    "MaterialsCheck": {"complete": ("materials_complete", BOOLEAN)},  # the rest reads the catalogue: executor
    "MaterialsOverride": {
        "reason": ("materials_override_reason", STRING), "overriddenBy": ("materials_override_by", STRING),
        "overriddenAt": ("materials_override_at", TIMESTAMP),
    },
}
# The unified form's sections: one per service, read from that service's assignment (the caller sees: a
# utility, its own). Their values are keys of the assignment's `form` (snake_case), but the account number.
SECTIONS = {"water": ("WATER", "WaterSection"), "electricity": ("ELECTRICITY", "ElectricitySection"),
            "gas": ("GAS", "GasSection"), "heating": ("HEATING", "HeatingSection"),
            "telecom": ("TELECOM", "TelecomSection")}
VAT_INVOICE_KEYS = {"name": "name", "phone": "phone", "taxNumber": "tax_number", "taxAddress": "tax_address",
                    "bank": "bank", "bankAccount": "bank_account"}


Within = Callable[[Any], Any]  # a condition on an object's row → the same, said of its record's root row


def at_root(condition: Any) -> Any:
    return condition


@dataclass
class Compiled:
    """One object of the response: its JSON expression and the pass over it."""

    expression: Any
    shape: Shape


@dataclass(frozen=True)
class Reads:
    """Personal items read wherever an object is present: `present` is when, said of the record's root row
    (None: always, where the record is)."""

    present: Any
    items: tuple[tuple[str, str], ...]  # (item, grant)


class RecordBuilder:
    """Builds the JSON of the record's objects for one plan: one dialect, one set of reads, the caller's lanes.

    Beside the JSON it gathers `reads`: for each object that selects personal items, those items and when the
    object is present (an EXISTS over the same rows that build it). The statement returns those conditions
    with each record's id, so the audit needs no pass over the JSON (hub.audit: one READ record per case)."""

    def __init__(self, dialect: Dialect, schema: GraphQLSchema, reads: Mapping[str, FieldAccess],
                 lanes: tuple[Lane, ...], rows: CaseScope, fragments: dict, variables: dict[str, Any]):
        self.dialect = dialect
        self.schema = schema
        self.reads = reads
        self.lanes = lanes
        self.rows = rows
        self.fragments = fragments
        self.variables = variables
        self.audited: list[Reads] = []  # of the record being built; the planner takes them per root
        self._names = count()

    def name(self, prefix: str) -> str:
        return f"{prefix}_{next(self._names)}"

    def fields(self, nodes: list[FieldNode], type_name: str) -> Fields:
        fields = collect(sub_selections(nodes), type_name, self.fragments, self.variables)
        if len(fields) > self.dialect.max_object_keys:
            raise Unsupported("too many fields in one object")
        return fields

    def take_reads(self) -> list[Reads]:
        taken, self.audited = self.audited, []
        return taken

    # ------------------------------------------------------------------ objects

    def case(self, nodes: list[FieldNode], row: Any, correlate: Any, within: Within = at_root) -> Compiled:
        """A Case from `row` (columns of cases); `correlate`: the FROM its subqueries refer to."""
        special = {
            "id": lambda _: self._node_id("Case", row.id),
            "vatInvoice": lambda n: self._invoice(n, row.vat_invoice, within),
            "applicant": lambda n: self._one(n, Applicant, [], row.id, correlate, within, self._applicant),
            "agent": lambda n: self._one(n, Agent, [], row.id, correlate, within, self._plain("Agent")),
            "site": lambda n: self._one(n, Site, [], row.id, correlate, within, self._plain("Site")),
            "materials": lambda n: self._materials(n, row.id, correlate, within),
            "assignments": lambda n: self._assignments(n, row.id, correlate, within),
            **{name: (lambda n, s=service, t=type_name: self._section(n, s, t, row.id, correlate, within))
               for name, (service, type_name) in SECTIONS.items()},
        }
        return self._object("Case", nodes, row, special, within)

    def assignment(self, nodes: list[FieldNode], row: Any, correlate: Any, within: Within = at_root) -> Compiled:
        result, override = row.status == sql_string("COMPLETED"), row.materials_override_at.is_not(None)
        special = {
            "id": lambda _: self._node_id("Assignment", row.id),
            "case": lambda n: self._scoped_case(n, row.case_id, correlate, within),
            "result": lambda n: self._when(result, "AssignmentResult", n, row, within),
            "materialsOverride": lambda n: self._when(override, "MaterialsOverride", n, row, within),
            "materials": lambda n: self._object("MaterialsCheck", n, row, {}, within),
        }
        return self._object("Assignment", nodes, row, special, within)

    def _applicant(self, nodes: list[FieldNode], row: Any, within: Within) -> Compiled:
        legal = row.legal_rep_name != sql_string("")  # a representative is shown when named
        special = {"legalRepresentative": lambda n: self._when(legal, "LegalRepresentative", n, row, within)}
        return self._object("Applicant", nodes, row, special, within)

    def _plain(self, type_name: str) -> Callable:
        return lambda nodes, row, within: self._object(type_name, nodes, row, {}, within)

    def _material(self, nodes: list[FieldNode], row: Any, within: Within) -> Compiled:
        special = {"file": lambda n: self._when(row.file_sha256.is_not(None), "MaterialFile", n, row, within)}
        return self._object("Material", nodes, row, special, within)

    # ------------------------------------------------------------------ the parts of an object

    def _object(self, type_name: str, nodes: list[FieldNode], row: Any, special: dict[str, Callable],
                within: Within) -> Compiled:
        pairs, notes, steps = [], [], {}
        for key, field_nodes in self.fields(nodes, type_name).items():
            name = field_nodes[0].name.value
            expression, step = self._field(type_name, name, field_nodes, row, special, notes)
            pairs.append((key, expression))
            if step is not None:
                steps[key] = step
        if notes:
            self.audited.append(Reads(within(None), tuple(notes)))
        return Compiled(self.dialect.object(pairs), Shape(steps=steps))

    def _field(self, type_name: str, name: str, nodes: list[FieldNode], row: Any, special: dict[str, Callable],
               notes: list) -> tuple[Any, Step | None]:
        if name == "__typename":
            return sql_string(type_name), None
        code = item_code(type_name, name)
        access = self.reads.get(code) if code is not None else None
        if code is not None and access is None:
            return NULL, None  # not granted: null, nothing read
        if access is not None and access.audited:
            notes.append((code, access.grant_id))
        masked = access is not None and access.masked and access.mask != "NONE"
        if name in special:
            if masked:  # an object or a list has no partial form: withheld (hub.policy.masking)
                return NULL, None
            built = special[name](nodes)
            if isinstance(built, Compiled):
                return self.dialect.nested(built.expression), Step(child=built.shape)
            return built
        column, kind = self._column(type_name, name, row)
        value, transform = self._scalar(column, kind)
        if masked:
            if kind == ENUM:
                raise Unsupported("a masked enum")  # the executor refuses it as an error
            if kind != STRING:
                return NULL, None
            kind_of_mask = access.mask
            return value, Step(transform=lambda v, k=kind_of_mask: mask(k, v))
        return value, Step(transform=transform) if transform is not None else None

    def _column(self, type_name: str, name: str, row: Any) -> tuple[Any, str]:
        if type_name in SECTION_TYPES and name != "accountNumber":
            return self.dialect.json_value(row.form, _snake(name)), self._form_kind(type_name, name)
        try:
            column, kind = COLUMNS[type_name][name]
        except KeyError:
            raise Unsupported(f"{type_name}.{name} has a resolver of its own") from None
        return getattr(row, column), kind

    def _form_kind(self, type_name: str, name: str) -> str:
        field_type = self.schema.type_map[type_name].fields[name].type
        named = get_named_type(field_type)
        if isinstance(get_nullable_type(field_type), GraphQLList):
            if not isinstance(named, GraphQLEnumType | GraphQLScalarType):
                raise Unsupported(f"{type_name}.{name}: a list of objects")
            return LIST
        if isinstance(named, GraphQLEnumType):
            return ENUM
        if named.name not in (STRING, INT, FLOAT, BOOLEAN, DATE):
            raise Unsupported(f"{type_name}.{name}: {named.name}")
        return named.name

    def _scalar(self, column: Any, kind: str) -> tuple[Any, Any]:
        if kind == TIMESTAMP:
            return self.dialect.timestamp(column)
        if kind == FLOAT:
            return column, _float  # as the executor's Float: 800 in the form is 800.0
        if kind == DATE:
            return column, _date
        if kind == BOOLEAN:
            return self.dialect.boolean(column)
        return column, None

    def _node_id(self, type_name: str, column: Any) -> tuple[Any, Step | None]:
        value, transform = self.dialect.node_id(type_name, column)
        return value, Step(transform=transform) if transform is not None else None

    def _when(self, present: Any, type_name: str, nodes: list[FieldNode], row: Any, within: Within) -> Compiled:
        """An object of the same row, shown only when `present` holds."""
        built = self._object(type_name, nodes, row, {}, lambda condition: within(_and(present, condition)))
        return Compiled(case((present, built.expression), else_=null()), built.shape)

    def _invoice(self, nodes: list[FieldNode], column: Any, within: Within) -> tuple[Any, Step | None]:
        pairs, notes, steps = [], [], {}
        for key, field_nodes in self.fields(nodes, "VatInvoice").items():
            name = field_nodes[0].name.value
            if name == "__typename":
                pairs.append((key, sql_string("VatInvoice")))
                continue
            access = self.reads.get(item_code("VatInvoice", name))
            if name not in VAT_INVOICE_KEYS:
                raise Unsupported(f"VatInvoice.{name}")
            value = cast(self.dialect.json_text(column, VAT_INVOICE_KEYS[name]), String)
            if access is None:
                pairs.append((key, NULL))
                continue
            if access.audited:
                notes.append((f"VatInvoice.{name}", access.grant_id))
            pairs.append((key, value))
            if access.masked and access.mask != "NONE":
                steps[key] = Step(transform=lambda v, k=access.mask: mask(k, v))
        present = self.dialect.non_empty_object(column)  # VatInvoice(**invoice) when the invoice is a non-empty object
        if notes:
            self.audited.append(Reads(within(present), tuple(notes)))
        built = case((present, self.dialect.object(pairs)), else_=null())
        return self.dialect.nested(built), Step(child=Shape(steps=steps))

    def _rows(self, model: Any, prefix: str, conditions: Callable[[Any], list], correlate: Any,
              within: Within) -> tuple[Any, Select, Within]:
        """Rows of `model` that hang off the current row: an alias, the select of them (correlated to the current
        row), and how a condition on one of them is said of the root row (some such row meets it)."""
        alias = aliased(model, name=self.name(prefix))
        stmt = select(alias.id if hasattr(alias, "id") else alias.case_id).where(*conditions(alias))
        stmt = stmt.correlate(correlate) if correlate is not None else stmt

        def inner(condition: Any) -> Any:
            found = stmt.where(condition) if condition is not None else stmt
            return within(found.exists())

        return alias, stmt, inner

    def _one(self, nodes: list[FieldNode], model: Any, conditions: list, case_id: Any, correlate: Any,
             within: Within, build: Callable) -> Compiled:
        """The case's one applicant, agent or site (or none), as a scalar subquery."""
        alias, stmt, inner = self._rows(model, model.__tablename__, lambda a: [a.case_id == case_id], correlate,
                                        within)
        built = build(nodes, alias, inner)
        return Compiled(stmt.with_only_columns(built.expression).scalar_subquery(), built.shape)

    def _section(self, nodes: list[FieldNode], service: str, type_name: str, case_id: Any, correlate: Any,
                 within: Within) -> Compiled:
        """The case's section of one service: from that service's assignment, if the caller sees it."""
        alias, stmt, inner = self._rows(
            Assignment, service.lower(), lambda a: [a.case_id == case_id, a.service == sql_string(service),
                                                    *assignment_visible_within_case(self.lanes, a)], correlate, within)
        built = self._object(type_name, nodes, alias, {}, inner)
        return Compiled(stmt.with_only_columns(built.expression).scalar_subquery(), built.shape)

    def _scoped_case(self, nodes: list[FieldNode], case_id: Any, correlate: Any, within: Within) -> Compiled:
        """An assignment's case, if the caller's rows hold it (as the case loader reads it)."""
        alias, stmt, inner = self._rows(CaseRow, "case", lambda a: [a.id == case_id, scope_clause(self.rows, a)],
                                        correlate, within)
        built = self.case(nodes, alias, alias, inner)
        return Compiled(stmt.with_only_columns(built.expression).scalar_subquery(), built.shape)

    def _materials(self, nodes: list[FieldNode], case_id: Any, correlate: Any, within: Within) -> Compiled:
        """In the order they were presented (hub.materials.repository.insertion_position)."""
        alias, stmt, inner = self._rows(Material, "material", lambda a: [a.case_id == case_id], correlate, within)
        built = self._material(nodes, alias, inner)
        order = [alias.added_at, self.dialect.insertion_order(inspect(alias).name)]
        return Compiled(self.dialect.array(built.expression, stmt, order, correlate), built.shape)

    def _assignments(self, nodes: list[FieldNode], case_id: Any, correlate: Any, within: Within) -> Compiled:
        """The assignments of the case the caller sees (a utility: its own), by service."""
        alias, stmt, inner = self._rows(
            Assignment, "assignment",
            lambda a: [a.case_id == case_id, *assignment_visible_within_case(self.lanes, a)], correlate, within)
        built = self.assignment(nodes, alias, alias, inner)
        return Compiled(self.dialect.array(built.expression, stmt, [alias.service], correlate), built.shape)


def _and(first: Any, second: Any) -> Any:
    return second if first is None else first if second is None else and_(first, second)


SECTION_TYPES = frozenset(type_name for _, type_name in SECTIONS.values())


def _snake(name: str) -> str:
    """A form key from its API name: `capacityKw` → `capacity_kw`, `hourlyM3` → `hourly_m3`."""
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def _float(value: Any) -> Any:
    return None if value is None else float(value)


def _date(value: Any) -> Any:
    return date.fromisoformat(value).isoformat() if value else None
