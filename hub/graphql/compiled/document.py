"""Documents parsed and validated once, kept by the hash of their text; the operation a request runs; the
fields each selection set asks for, merged by response key as the executor merges them."""

from dataclasses import dataclass
from typing import Any

from graphql import (
    BooleanValueNode, DocumentNode, FieldNode, FragmentDefinitionNode, FragmentSpreadNode, GraphQLError,
    GraphQLSchema, InlineFragmentNode, OperationDefinitionNode, OperationType, SelectionSetNode, VariableNode,
    specified_rules,
)

from hub.graphql.document_cache import DOCUMENTS, CachedDocument


class Unsupported(Exception):
    """The compiled path does not take this request; the executor answers it."""


@dataclass(frozen=True)
class Document:
    digest: str  # sha256 of the text: the plan cache's key
    node: DocumentNode | None  # None: the text does not parse (the executor says why)
    fragments: dict[str, FragmentDefinitionNode]
    entry: CachedDocument | None  # the shared cache's entry (limits' verdicts, validation)

    def operation(self, name: str | None) -> OperationDefinitionNode:
        """The query the request runs; anything else (a mutation, an ambiguous or unknown name) is not ours."""
        operations = [d for d in self.node.definitions if isinstance(d, OperationDefinitionNode)] if self.node else []
        if name is None:
            chosen = operations if len(operations) == 1 else []
        else:
            chosen = [o for o in operations if o.name is not None and o.name.value == name]
        if len(chosen) != 1 or chosen[0].operation != OperationType.QUERY:
            raise Unsupported("not a single query")
        return chosen[0]

    def label(self, provided: str | None) -> str:
        """The audit's name for the operation (hub.graphql.field_policy.operation_label): the name given, or the
        document's first operation's, else its top-level fields."""
        first = next((d for d in self.node.definitions if isinstance(d, OperationDefinitionNode)), None)
        if provided is not None:
            return provided
        if first is None:
            return ""
        if first.name is not None:
            return first.name.value
        return ",".join(s.name.value for s in first.selection_set.selections if isinstance(s, FieldNode))

    def provided_name(self, provided: str | None) -> str | None:
        """The operation name the executor's metrics use."""
        if provided is not None:
            return provided
        first = next((d for d in self.node.definitions if isinstance(d, OperationDefinitionNode)), None)
        return first.name.value if first is not None and first.name is not None else None


class Documents:
    """The compiled path's view of the parsed documents both paths share (hub.graphql.document_cache): one parse
    and one validation per text. Validation is asked for separately, after the request's limits passed
    (hub.graphql.limits): its overlapping-fields rule is quadratic, and a document over the limits is never
    validated."""

    RULES = tuple(specified_rules)

    def __init__(self, schema: GraphQLSchema):
        self.schema = schema

    @staticmethod
    def get(text: str) -> Document:
        try:
            entry = DOCUMENTS.parsed(text, {})
        except GraphQLError:
            return Document("", None, {}, None)
        fragments = {d.name.value: d for d in entry.document.definitions if isinstance(d, FragmentDefinitionNode)}
        return Document(entry.digest, entry.document, fragments, entry)

    def valid(self, document: Document) -> bool:
        return not DOCUMENTS.validated(document.entry, self.schema, self.RULES)


Fields = dict[str, list[FieldNode]]


INTERFACES = {"Case": {"Case", "Node"}, "Assignment": {"Assignment", "Node"}}  # what a fragment on Node reaches


def collect(selection_sets: list[SelectionSetNode], type_name: str, fragments: dict[str, FragmentDefinitionNode],
            variables: dict[str, Any]) -> Fields:
    """The fields of one object type the selection sets ask for, by response key, in the executor's order.
    A fragment applies when it names the type or an interface of it, and is passed over otherwise; @skip and
    @include are honoured; any other directive is not ours."""
    fields: Fields = {}
    applies = INTERFACES.get(type_name, {type_name})
    for selection_set in selection_sets:
        _collect(selection_set, applies, fragments, variables, fields, set())
    return fields


def _collect(selection_set: SelectionSetNode, applies: set[str], fragments: dict[str, FragmentDefinitionNode],
             variables: dict[str, Any], fields: Fields, visited: set[str]) -> None:
    for selection in selection_set.selections:
        if not _included(selection, variables):
            continue
        if isinstance(selection, FieldNode):
            fields.setdefault((selection.alias or selection.name).value, []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            if selection.type_condition is None or selection.type_condition.name.value in applies:
                _collect(selection.selection_set, applies, fragments, variables, fields, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments[name]
            if name not in visited and fragment.type_condition.name.value in applies:
                visited.add(name)
                _collect(fragment.selection_set, applies, fragments, variables, fields, visited)


def _included(selection: Any, variables: dict[str, Any]) -> bool:
    included = True
    for directive in selection.directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            raise Unsupported(f"directive @{name}")
        value = directive.arguments[0].value
        flag = variables.get(value.name.value) if isinstance(value, VariableNode) else (
            value.value if isinstance(value, BooleanValueNode) else None)
        if not isinstance(flag, bool):
            raise Unsupported("a directive argument that is not a boolean")
        included = included and (flag if name == "include" else not flag)
    return included


def sub_selections(nodes: list[FieldNode]) -> list[SelectionSetNode]:
    return [node.selection_set for node in nodes if node.selection_set is not None]
