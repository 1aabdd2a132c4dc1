"""How each database builds the response JSON, and what the fixed pass finishes in Python.

PostgreSQL builds every value exactly as the executor serialises it (timestamps as Python's `isoformat`,
global ids and cursors in base64). SQLite has no base64 and keeps timestamps as naive text, so there the
statement returns the stored value and the fixed pass (hub.graphql.compiled.shape) formats it with the same
Python functions the executor uses.
"""

import base64
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Select, Text, case, cast, func, literal_column, null, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from hub.assignments.repository import encode_cursor as assignment_cursor
from hub.cases.repository import encode_cursor as case_cursor
from hub.materials.repository import insertion_position

Transform = Callable[[Any], Any]


def sql_string(value: str) -> Any:
    """A constant known when the plan is made (a response key, a type name): inline, never a parameter."""
    return literal_column("'" + value.replace("'", "''") + "'", Text)


def global_id(type_name: str, node_id: str) -> str:
    """strawberry.relay's global id: base64 of `Type:id`."""
    return base64.b64encode(f"{type_name}:{node_id}".encode()).decode()


class Dialect:
    """One backend's JSON building; `formats` are the values the fixed pass finishes (none on PostgreSQL)."""

    name = ""
    max_object_keys = 50  # both backends take at most 100 arguments per function call

    def object(self, pairs: list[tuple[str, Any]]) -> Any:
        raise NotImplementedError

    def nested(self, expression: Any) -> Any:
        """An object or list built by a subquery or CASE, as a value of the enclosing object."""
        return expression

    def array(self, element: Any, stmt: Select, order: list, correlate: Any, objects: bool = True) -> Any:
        """The JSON array of `element` (JSON objects, or plain values) over the rows of `stmt`, in `order`
        ([] when there are none)."""
        raise NotImplementedError

    def text(self, expression: Any) -> Any:
        return expression

    def values(self, values: list[Any]) -> Any:
        """A JSON array of plain values (ids, flags)."""
        raise NotImplementedError

    def timestamp(self, column: Any) -> tuple[Any, Transform | None]:
        raise NotImplementedError

    def node_id(self, type_name: str, column: Any) -> tuple[Any, Transform | None]:
        raise NotImplementedError

    def cursor(self, kind: str, column: Any) -> tuple[Any, Transform | None]:
        raise NotImplementedError

    def row_id(self, value: Any) -> uuid.UUID:
        """A case or assignment id as the statement returns it."""
        raise NotImplementedError

    def json_text(self, column: Any, key: str) -> Any:
        """The string under `key` of a JSON object column."""
        raise NotImplementedError

    def non_empty_object(self, column: Any) -> Any:
        raise NotImplementedError

    def json_value(self, column: Any, key: str) -> Any:
        """The JSON value under `key` of a JSON object column, as JSON (null when absent)."""
        raise NotImplementedError

    def boolean(self, value: Any) -> tuple[Any, Transform | None]:
        """A boolean column or JSON value."""
        return value, None

    def insertion_order(self, alias_name: str) -> Any:
        raise NotImplementedError


class PostgreSQL(Dialect):
    name = "postgresql"

    def object(self, pairs: list[tuple[str, Any]]) -> Any:
        return func.json_build_object(*(part for key, value in pairs for part in (sql_string(key), value)))

    def array(self, element: Any, stmt: Select, order: list, correlate: Any, objects: bool = True) -> Any:
        aggregated = func.coalesce(func.json_agg(aggregate_order_by(element, *order)), literal_column("'[]'::json"))
        inner = stmt.with_only_columns(aggregated, maintain_column_froms=True)
        return (inner.correlate(correlate) if correlate is not None else inner).scalar_subquery()

    def text(self, expression: Any) -> Any:
        return cast(expression, Text)

    def values(self, values: list[Any]) -> Any:
        return func.json_build_array(*values)

    def timestamp(self, column: Any) -> tuple[Any, Transform | None]:
        """`datetime.isoformat()` of the UTC value: microseconds only when not zero, offset +00:00."""
        utc = func.timezone(sql_string("UTC"), column)
        micro = func.to_char(utc, sql_string("US"))
        fraction = case((micro == sql_string("000000"), sql_string("")), else_=sql_string(".").concat(micro))
        return func.to_char(utc, sql_string('YYYY-MM-DD"T"HH24:MI:SS')).concat(fraction).concat(
            sql_string("+00:00")), None

    def _base64(self, prefix: str, column: Any) -> Any:
        raw = func.convert_to(sql_string(prefix).concat(cast(column, Text)), sql_string("UTF8"))
        return func.encode(raw, sql_string("base64"))  # under 57 bytes: one line, as Python's b64encode

    def node_id(self, type_name: str, column: Any) -> tuple[Any, Transform | None]:
        return self._base64(f"{type_name}:", column), None

    def cursor(self, kind: str, column: Any) -> tuple[Any, Transform | None]:
        return func.translate(self._base64(f"{kind}:", column), sql_string("+/"), sql_string("-_")), None

    def row_id(self, value: Any) -> uuid.UUID:
        return uuid.UUID(value)

    def json_text(self, column: Any, key: str) -> Any:
        return column.op("->>")(sql_string(key))

    def json_value(self, column: Any, key: str) -> Any:
        return column.op("->")(sql_string(key))

    def non_empty_object(self, column: Any) -> Any:
        return (func.json_typeof(column) == sql_string("object")) & (cast(column, Text) != sql_string("{}"))

    def insertion_order(self, alias_name: str) -> Any:
        return insertion_position(False, alias_name)


class SQLite(Dialect):
    name = "sqlite"

    def object(self, pairs: list[tuple[str, Any]]) -> Any:
        return func.json_object(*(part for key, value in pairs for part in (sql_string(key), value)))

    def nested(self, expression: Any) -> Any:
        return func.json(expression)  # keeps it JSON (not a string) inside the enclosing object

    def values(self, values: list[Any]) -> Any:
        return func.json_array(*values)

    def array(self, element: Any, stmt: Select, order: list, correlate: Any, objects: bool = True) -> Any:
        # SQLite before 3.44 has no ORDER BY inside an aggregate: aggregate an ordered derived table.
        inner = stmt.with_only_columns(element.label("element"), maintain_column_froms=True).order_by(*order)
        rows = (inner.correlate(correlate) if correlate is not None else inner).subquery()
        value = func.json(rows.c.element) if objects else rows.c.element
        return func.coalesce(select(func.json_group_array(value)).scalar_subquery(),
                             sql_string("[]"))

    def timestamp(self, column: Any) -> tuple[Any, Transform | None]:
        return column, _sqlite_timestamp

    def node_id(self, type_name: str, column: Any) -> tuple[Any, Transform | None]:
        return column, lambda value: None if value is None else global_id(type_name, str(uuid.UUID(value)))

    def cursor(self, kind: str, column: Any) -> tuple[Any, Transform | None]:
        encode = case_cursor if kind == "case" else assignment_cursor
        return column, lambda value: encode(uuid.UUID(value))

    def row_id(self, value: Any) -> uuid.UUID:
        return uuid.UUID(value)

    def json_text(self, column: Any, key: str) -> Any:
        return func.json_extract(column, sql_string(f"$.{key}"))

    def json_value(self, column: Any, key: str) -> Any:
        return func.json(column.op("->")(sql_string(f"$.{key}")))

    def boolean(self, value: Any) -> tuple[Any, Transform | None]:
        return value, lambda v: None if v is None else bool(v)  # SQLite keeps booleans as 0 and 1

    def non_empty_object(self, column: Any) -> Any:
        return (func.json_type(column) == sql_string("object")) & (column != sql_string("{}"))

    def insertion_order(self, alias_name: str) -> Any:
        return insertion_position(True, alias_name)


def _sqlite_timestamp(value: str | None) -> str | None:
    """SQLite keeps UTC timestamps as naive text; the API shows them as the executor does (isoformat, UTC)."""
    if value is None:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=timezone.utc).isoformat()


def for_backend(sqlite: bool) -> Dialect:
    return SQLite() if sqlite else PostgreSQL()


NULL = null()
