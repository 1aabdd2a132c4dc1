"""Every string argument of every operation is checked once, before anything runs.

A string the database cannot store (hub.validation.text) in any argument — written inline or sent as a
variable, at any depth of an input object or list — refuses the whole operation with one INVALID error per
offending value, naming the argument path the caller wrote (e.g. `input.applicant.name`). Nothing executes,
so nothing is written, and the answer does not depend on the backend.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, ListValueNode, Node, ObjectValueNode, StringValueNode, VariableNode
from graphql import Visitor, parse, visit
from graphql.language import ArgumentNode, FieldNode, OperationDefinitionNode, VariableDefinitionNode
from strawberry.extensions import SchemaExtension

from hub.errors import ErrorCode
from hub.i18n import localise
from hub.validation.text import unstorable


class StorableText(SchemaExtension):
    """Runs with validation: its errors are validation errors (no data, nothing executed)."""

    def on_validate(self) -> Iterator[None]:
        ec = self.execution_context
        if ec.graphql_document is not None:
            sites = _cached_sites(ec.query) if ec.query else _sites(ec.graphql_document)
            refused = [problem.error() for problem in problems(sites, ec.variables or {})]
            if refused:
                ec.pre_execution_errors = (ec.pre_execution_errors or []) + refused
        yield


@dataclass(frozen=True)
class Site:
    """One argument of the document: where its value sits and which root field it belongs to."""

    argument: ArgumentNode
    root_field: str | None  # response key, when the argument's field is at the root of an operation


@dataclass(frozen=True)
class Problem:
    path: str
    reason: str
    site: Site

    def error(self) -> GraphQLError:
        path = [self.site.root_field] if self.site.root_field else None
        return GraphQLError(f"{self.path}: {localise(self.reason)}", nodes=[self.site.argument], path=path,
                            extensions={"code": ErrorCode.INVALID.value, "field": self.path})


def problems(sites: tuple[tuple[Site, ...], dict[str, Node]], variables: dict[str, Any]) -> list[Problem]:
    arguments, defaults = sites
    found = []
    for site in arguments:
        for path, reason in _in_literal(site.argument.value, site.argument.name.value, variables, defaults):
            found.append(Problem(path, reason, site))
    return found


@lru_cache(maxsize=512)
def _cached_sites(query: str) -> tuple[tuple[Site, ...], dict[str, Node]]:
    """The document's arguments, found once per distinct document text (walking every field costs more than
    checking the values)."""
    return _sites(parse(query))


def _sites(document: DocumentNode) -> tuple[tuple[Site, ...], dict[str, Node]]:
    finder = _Finder()
    visit(document, finder)
    return tuple(finder.sites), finder.defaults


class _Finder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.sites: list[Site] = []
        self.defaults: dict[str, Node] = {}

    def enter_variable_definition(self, node: VariableDefinitionNode, *_: Any) -> None:
        if node.default_value is not None:
            self.defaults[node.variable.name.value] = node.default_value

    def enter_argument(self, node: ArgumentNode, _key: Any, _parent: Any, _path: Any, ancestors: Any) -> None:
        self.sites.append(Site(node, _root_field(ancestors)))


def _root_field(ancestors: Any) -> str | None:
    """The response key of the field owning an argument when that field is at the root of an operation (where
    the response path is certain); None for nested fields, fragment definitions and directives."""
    fields = [a for a in ancestors if isinstance(a, FieldNode)]
    at_root = any(isinstance(a, OperationDefinitionNode) for a in ancestors)
    if not at_root or len(fields) != 1 or ancestors[-1] is not fields[0]:
        return None
    return (fields[0].alias or fields[0].name).value


def _in_literal(value: Node, path: str, variables: dict[str, Any], defaults: dict[str, Node]) -> Iterator[tuple[str, str]]:
    if isinstance(value, StringValueNode):
        if reason := unstorable(value.value):
            yield path, reason
    elif isinstance(value, ObjectValueNode):
        for item in value.fields:
            yield from _in_literal(item.value, f"{path}.{item.name.value}", variables, defaults)
    elif isinstance(value, ListValueNode):
        for index, item in enumerate(value.values):
            yield from _in_literal(item, f"{path}[{index}]", variables, defaults)
    elif isinstance(value, VariableNode):
        name = value.name.value
        if name in variables:
            if _any_unstorable(variables[name]):
                yield from _in_value(variables[name], path)
        elif name in defaults:
            yield from _in_literal(defaults[name], path, variables, defaults)


def _any_unstorable(value: Any) -> bool:
    """The quick pass over a variable, without building paths (almost every request is clean)."""
    if isinstance(value, str):
        return unstorable(value) is not None
    if isinstance(value, dict):
        return any(_any_unstorable(item) for item in value.values())
    if isinstance(value, list):
        return any(_any_unstorable(item) for item in value)
    return False


def _in_value(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """A variable's value as sent (JSON): strings, objects and lists at any depth."""
    if isinstance(value, str):
        if reason := unstorable(value):
            yield path, reason
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _in_value(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _in_value(item, f"{path}[{index}]")
