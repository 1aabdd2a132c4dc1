"""Bounds on every GraphQL request, checked before anything is executed.

Three stages, cheapest first, so an oversized request costs the hub almost nothing:

1. `check_request`, before parsing: the document's size in bytes, its lexical
   tokens and how deep its brackets nest (a regular-expression scan, ~10x
   faster than graphql-core's pure-Python lexer, stopping at the first limit),
   and every list in the variables. Over HTTP this runs ahead of authentication
   (hub/graphql/http.py), on a WebSocket as each operation arrives
   (hub/graphql/ws.py); a document refused here never reaches the parser or
   its cache.
2. `check_document`, after parsing and before validation (whose
   overlapping-fields rule is quadratic in repeated fields): depth, aliases,
   fields, the cost estimate and every list written in the document
   (hub/graphql/document_cache.py runs it on every request).
3. Validation, then execution, as usual.

Each refusal is a GraphQL error whose `extensions.code` names the limit and
whose message states the value it was held to and the setting that sets it.
"""

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    ArgumentNode, DocumentNode, FieldNode, FragmentDefinitionNode, FragmentSpreadNode, GraphQLError, GraphQLList, GraphQLNamedType,
    GraphQLInputObjectType, GraphQLObjectType, GraphQLInterfaceType, GraphQLSchema, InlineFragmentNode, IntValueNode, ListValueNode,
    ObjectValueNode, OperationDefinitionNode, SelectionSetNode, ValueNode, VariableNode, get_named_type,
    Visitor, get_nullable_type, value_from_ast_untyped, visit,
)
from hub.config import Settings
from hub.i18n import _l

# Brackets may nest this much deeper than fields: the operation's own braces, argument parentheses, input
# objects and lists (the deepest input, submitCase's heating loads, needs five).
NESTING_MARGIN = 10


@dataclass(frozen=True)
class QueryLimits:
    max_document_bytes: int
    max_tokens: int
    max_depth: int
    max_aliases: int
    max_fields: int
    max_cost: int
    default_list_size: int
    max_list_length: int
    max_input_fields: int

    @classmethod
    def configured(cls, settings: Settings, schema: GraphQLSchema) -> "QueryLimits":
        """The HUB_* settings, and from the schema the most fields an input object may have: one with more than the
        widest input type can only be wrong, and graphql-core spends a spelling suggestion on each unknown field
        (about a second for 10,000). No input takes free-form objects (there is no JSON input scalar)."""
        return cls(
            max_document_bytes=settings.max_document_bytes, max_tokens=settings.max_tokens,
            max_depth=settings.max_query_depth, max_aliases=settings.max_aliases, max_fields=settings.max_fields,
            max_cost=settings.max_query_cost, default_list_size=settings.default_list_size,
            max_list_length=settings.max_list_length,
            max_input_fields=max(len(t.fields) for t in schema.type_map.values()
                                 if isinstance(t, GraphQLInputObjectType)),
        )


class LimitExceeded(GraphQLError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, extensions={"code": code})


# ---------------------------------------------------------------- stage 1: the request as sent

# One match per lexical token; comments and ignored characters (whitespace, commas, BOM) are skipped.
# Malformed text (an unterminated string, a stray character) still counts, a token per character run:
# the parser refuses it later, the count only has to be bounded. Strings match possessively, their closing
# quotes optional, so no input makes the scan backtrack: it reads each character once.
_TOKEN = re.compile(r'''
    (?P<ignored>[\s,\ufeff]+|\#[^\n\r]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | """(?:[^"\\]++|\\(?:""")?|"(?!""))*+(?:""")?
  | "(?:[^"\\\n\r]++|\\[^\n\r])*+"?
  | \.\.\.
  | [-0-9][0-9A-Za-z_.+-]*
  | [_A-Za-z][_0-9A-Za-z]*
  | [^\s,\ufeff]
''', re.VERBOSE)


def check_request(query: Any, variables: Any, limits: QueryLimits) -> None:
    """Refuse a document or variables beyond the limits, before the document is parsed."""
    if isinstance(query, str):
        _check_document_text(query, limits)
    if isinstance(variables, Mapping):
        _check_lists(variables, "$", limits, _l("variable"))


def _check_document_text(query: str, limits: QueryLimits) -> None:
    # Characters never outnumber UTF-8 bytes: only a document that might fit is encoded to be measured.
    if len(query) > limits.max_document_bytes or len(query.encode("utf-8", "surrogatepass")) > limits.max_document_bytes:
        raise LimitExceeded("DOCUMENT_TOO_LARGE", _l("the document is larger than {limit} bytes (HUB_MAX_DOCUMENT_BYTES)",
                                                     limit=limits.max_document_bytes))
    max_nesting = limits.max_depth + NESTING_MARGIN
    tokens = nesting = 0
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind == "ignored":
            continue
        tokens += 1
        if tokens > limits.max_tokens:
            raise LimitExceeded("TOO_MANY_TOKENS", _l("the document has more than {limit} tokens (HUB_MAX_TOKENS)",
                                                      limit=limits.max_tokens))
        if kind == "open":
            nesting += 1
            if nesting > max_nesting:
                raise LimitExceeded("QUERY_TOO_DEEP", _l("the document's brackets nest more than {limit} deep; "
                                                         "the limit is HUB_MAX_QUERY_DEPTH + {margin}",
                                                         limit=max_nesting, margin=NESTING_MARGIN))
        elif kind == "close":
            nesting -= 1


def _check_lists(value: Any, path: str, limits: QueryLimits, what: str) -> None:
    """Every list and object in a JSON value, walked without recursion (the value may nest deeply)."""
    pending: list[tuple[str, Any]] = [(path, value)]
    while pending:
        where, item = pending.pop()
        if isinstance(item, Mapping):
            if where != "$":  # the variables themselves: undeclared ones are never read
                _check_object_size(what, where, len(item), limits)
            pending.extend((f"{where}.{key}" if where != "$" else f"${key}", v) for key, v in item.items())
        elif isinstance(item, list):
            if len(item) > limits.max_list_length:
                raise _list_too_long(what, where, len(item), limits)
            pending.extend((f"{where}[{i}]", v) for i, v in enumerate(item))


def _list_too_long(what: str, where: str, length: int, limits: QueryLimits) -> LimitExceeded:
    return LimitExceeded("LIST_TOO_LONG", _l("{what} {where} has {length} items; the limit is {limit} "
                                             "(HUB_MAX_LIST_LENGTH)", what=what, where=where, length=length,
                                             limit=limits.max_list_length))


def _check_object_size(what: str, where: str, size: int, limits: QueryLimits) -> None:
    if size > limits.max_input_fields:
        raise LimitExceeded("INPUT_TOO_LARGE", _l("{what} {where} has {size} fields; no input type has more than "
                                                  "{limit}", what=what, where=where, size=size,
                                                  limit=limits.max_input_fields))


# ---------------------------------------------------------------- stage 2: the parsed document

@dataclass(frozen=True)
class _Size:
    """What a selection set asks for, its fragments expanded."""

    depth: int = 0
    aliases: int = 0
    fields: int = 0
    cost: int = 0

    def __add__(self, other: "_Size") -> "_Size":
        return _Size(max(self.depth, other.depth), self.aliases + other.aliases, self.fields + other.fields,
                     self.cost + other.cost)


class _Measurer:
    """Sizes one operation in one pass; each fragment is sized once per list size it is spread under."""

    def __init__(self, document: DocumentNode, schema: GraphQLSchema, variables: Mapping[str, Any] | None,
                 limits: QueryLimits) -> None:
        self.schema = schema
        self.limits = limits
        self.variables = dict(variables or {})
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.sized: dict[tuple[str, int | None], _Size] = {}
        self.sizing: set[str] = set()

    def operation(self, operation: OperationDefinitionNode) -> _Size:
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if definition.default_value is not None:
                self._check_literal_lists(definition.default_value, f"${name}")
                self.variables.setdefault(name, value_from_ast_untyped(definition.default_value))
        return self.selections(operation.selection_set, self.schema.get_root_type(operation.operation), None)

    def selections(self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None, page: int | None) -> _Size:
        """`page` is the size of the lists directly inside (a connection's edges), set by the field's `first`."""
        size = _Size()
        names: Counter[str] = Counter()
        for selection, parent_type in self._flatten(selection_set, parent):
            if isinstance(selection, FragmentSpreadNode):
                size += self._fragment(selection.name.value, page)
            else:
                names[(selection.alias or selection.name).value] += 1
                size += self._field(selection, parent_type, page)
        # Validation compares every pair of fields sharing a response name: a name repeated k times weighs k².
        return size + _Size(fields=sum(k * k - k for k in names.values()))

    def _flatten(self, selection_set: SelectionSetNode,
                 parent: GraphQLNamedType | None) -> Iterator[tuple[FieldNode | FragmentSpreadNode, Any]]:
        """Fields and spreads of one selection set, with those of its inline fragments (as validation merges them)."""
        for selection in selection_set.selections:
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                yield from self._flatten(selection.selection_set,
                                         self.schema.get_type(condition.name.value) if condition else parent)
            else:
                yield selection, parent  # type: ignore[misc]

    def _fragment(self, name: str, page: int | None) -> _Size:
        key = (name, page)
        if key not in self.sized:
            fragment = self.fragments.get(name)
            if fragment is None or name in self.sizing:  # unknown or cyclic: validation refuses the document
                return _Size()
            self.sizing.add(name)
            self.sized[key] = self.selections(fragment.selection_set,
                                              self.schema.get_type(fragment.type_condition.name.value), page)
            self.sizing.discard(name)
        return self.sized[key]

    def _field(self, node: FieldNode, parent: Any, page: int | None) -> _Size:
        for argument in node.arguments or ():
            self._check_literal_lists(argument.value, f"{node.name.value}({argument.name.value})")
        has_fields = isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType))
        definition = parent.fields.get(node.name.value) if has_fields else None
        is_list = definition is not None and isinstance(get_nullable_type(definition.type), GraphQLList)
        first = self._first(node, definition)
        if first is not None:  # paginated: `first` sizes the list itself, or the edges of the connection it returns
            items, inner_page = (first, None) if is_list else (1, first)
        else:
            items = (self.limits.default_list_size if page is None else page) if is_list else 1
            inner_page = None
        inner = _Size()
        if node.selection_set is not None:
            inner_type = get_named_type(definition.type) if definition is not None else None
            inner = self.selections(node.selection_set, inner_type, inner_page)
        return _Size(depth=1 + inner.depth, aliases=inner.aliases + (node.alias is not None),
                     fields=1 + inner.fields, cost=1 + items * inner.cost)

    def _first(self, node: FieldNode, definition: Any) -> int | None:
        if definition is None or "first" not in definition.args:
            return None
        value: Any = definition.args["first"].default_value
        for argument in node.arguments or ():
            if argument.name.value == "first":
                given = argument.value
                if isinstance(given, IntValueNode):
                    value = int(given.value)
                elif isinstance(given, VariableNode):
                    value = self.variables.get(given.name.value, value)
        return max(value, 0) if isinstance(value, int) and not isinstance(value, bool) else self.limits.default_list_size

    def _check_literal_lists(self, value: ValueNode, where: str) -> None:
        if isinstance(value, ListValueNode):
            if len(value.values) > self.limits.max_list_length:
                raise _list_too_long(_l("argument"), where, len(value.values), self.limits)
            for i, item in enumerate(value.values):
                self._check_literal_lists(item, f"{where}[{i}]")
        elif isinstance(value, ObjectValueNode):
            _check_object_size(_l("argument"), where, len(value.fields), self.limits)
            for field in value.fields:
                self._check_literal_lists(field.value, f"{where}.{field.name.value}")


def check_document(document: DocumentNode, schema: GraphQLSchema, variables: Mapping[str, Any] | None,
                   limits: QueryLimits) -> None:
    """Refuse a parsed document beyond the limits. Aliases and fields are counted over the whole document
    (all of it is validated; the count stops at the operation that passes the limit), depth and cost per
    operation."""
    given = variables if isinstance(variables, Mapping) else None
    aliases = fields = 0
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        size = _Measurer(document, schema, given, limits).operation(operation)
        aliases, fields = aliases + size.aliases, fields + size.fields
        if size.depth > limits.max_depth:
            raise LimitExceeded("QUERY_TOO_DEEP", _l("the operation nests fields {depth} deep; the limit is {limit} "
                                                     "(HUB_MAX_QUERY_DEPTH)", depth=size.depth, limit=limits.max_depth))
        if size.cost > limits.max_cost:
            raise LimitExceeded("QUERY_TOO_COMPLEX", _l("the operation's estimated cost is {cost} fields resolved "
                                                        "(each list counted at its `first` or "
                                                        "HUB_DEFAULT_LIST_SIZE={list_size} items); the limit is "
                                                        "{limit} (HUB_MAX_QUERY_COST)", cost=_shown(size.cost),
                                                        list_size=limits.default_list_size, limit=limits.max_cost))
        if aliases > limits.max_aliases:
            raise LimitExceeded("TOO_MANY_ALIASES", _l("the document has {aliases} aliases; the limit is {limit} "
                                                       "(HUB_MAX_ALIASES)", aliases=aliases, limit=limits.max_aliases))
        if fields > limits.max_fields:
            raise LimitExceeded("TOO_MANY_FIELDS", _l("the document selects {fields} fields (a field repeated k times "
                                                      "in one selection counted k² times); the limit is {limit} "
                                                      "(HUB_MAX_FIELDS)", fields=fields, limit=limits.max_fields))


def first_variables(document: DocumentNode) -> frozenset[str]:
    """The only variables `check_document` reads: those given as a `first` argument anywhere in the document (the
    cost estimate sizes lists by them). With the same values, a document measures the same."""
    names = set()

    class Finder(Visitor):
        def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
            if node.name.value == "first" and isinstance(node.value, VariableNode):
                names.add(node.value.name.value)

    visit(document, Finder())
    return frozenset(names)


def _shown(number: int) -> str:
    """Fragments spread inside each other can multiply a cost past any printable size."""
    return str(number) if number < 10**15 else _l("more than 10^15")
