"""Documents parsed once and validated once, kept by the SHA-256 of their text (a bounded LRU, one per process).

A request whose text was seen before skips the parser and validation: it costs a hash of the text (a few
microseconds per kilobyte) and a dictionary lookup. strawberry's own ParserCache and ValidationCache key by the
text and by the parsed document; the latter hashes the whole syntax tree (frozen dataclasses, hashed field by
field) on every request: hundreds of microseconds for a large document, for a lookup.

The request limits on the parsed document (hub/graphql/limits.py) are checked before validation; their outcome
depends on the limits and on nothing of the request but the values of the variables given as `first`, so it is
kept too, for a few such values per document. Only documents within the limits of stage 1 reach the cache; at
HUB_MAX_TOKENS=1000 a parsed document takes up to ~0.4 MB, so 128 entries hold at most ~50 MB.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from hub.graphql.limits import LimitExceeded, QueryLimits, check_document, first_variables

BOUNDS_KEPT = 16  # outcomes of the limits per document: page sizes a client uses (more are measured each time)
_ABSENT = object()


@dataclass
class CachedDocument:
    document: DocumentNode
    first_variables: tuple[str, ...]
    digest: str  # sha256 of the text, hex: also the compiled read path's plan key
    errors: dict[tuple[Any, ...], list[GraphQLError]] = field(default_factory=dict)  # by the validation rules
    bounds: dict[tuple[Any, ...], tuple[str, str] | None] = field(default_factory=dict)  # refusal's code, message


class DocumentCache:
    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[bytes, CachedDocument] = OrderedDict()
        self._lock = threading.Lock()  # one per process, shared by every app in it (each on its own thread)

    def parsed(self, text: str, options: dict[str, Any]) -> CachedDocument:
        """The parsed document of `text` (the schema's parse options never change); raises GraphQLError for a
        syntax error, which is not kept."""
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
        with self._lock:
            if (entry := self._entries.get(key)) is not None:
                self._entries.move_to_end(key)
                return entry
        document = parse(text, **options)
        entry = CachedDocument(document, tuple(sorted(first_variables(document))), key.hex())
        with self._lock:
            self._entries[key] = entry
            if len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return entry

    @staticmethod
    def refusal(entry: CachedDocument, schema: GraphQLSchema, variables: Any, limits: QueryLimits) -> LimitExceeded | None:
        """The document held to the limits with these variables (hub.graphql.limits.check_document)."""
        given = variables if isinstance(variables, dict) else {}
        values = (given.get(name, _ABSENT) for name in entry.first_variables)
        key: tuple[Any, ...] | None = (limits, *((type(value), value) for value in values))
        try:
            outcome = entry.bounds.get(key, _ABSENT)  # type: ignore[arg-type]
        except TypeError:  # a value that cannot be a key (a list where a number belongs): measured, not kept
            key, outcome = None, _ABSENT
        if outcome is _ABSENT:
            outcome = _measured(entry.document, schema, variables, limits)
            if key is not None and len(entry.bounds) < BOUNDS_KEPT:
                entry.bounds[key] = outcome
        return None if outcome is None else LimitExceeded(*outcome)

    @staticmethod
    def validated(entry: CachedDocument, schema: GraphQLSchema, rules: tuple[Any, ...]) -> list[GraphQLError]:
        if (errors := entry.errors.get(rules)) is None:
            errors = entry.errors[rules] = validate_document(schema, entry.document, rules)
        return list(errors)


def _measured(document: DocumentNode, schema: GraphQLSchema, variables: Any, limits: QueryLimits) -> tuple[str, str] | None:
    try:
        check_document(document, schema, variables, limits)
    except LimitExceeded as refused:
        return refused.extensions["code"], refused.message
    return None


DOCUMENTS = DocumentCache(maxsize=128)


class CachedDocuments(SchemaExtension):
    """Parse (cached), the limits on the parsed document, then validation (cached) only if they passed."""

    def __init__(self, cache: DocumentCache = DOCUMENTS) -> None:
        self.cache = cache
        self.entry: CachedDocument | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None:
            try:
                self.entry = self.cache.parsed(context.query, context.parse_options)
                context.graphql_document = self.entry.document
            except GraphQLError:
                pass  # strawberry parses it again and answers the syntax error as usual
        yield

    def on_validate(self) -> Iterator[None]:
        context, schema = self.execution_context, self.execution_context.schema._schema
        if self.entry is None:  # not parsed here (a syntax error): strawberry answers it
            yield
            return
        if refusal := self.cache.refusal(self.entry, schema, context.variables, context.context.limits):
            context.pre_execution_errors = [refusal]
        else:
            context.pre_execution_errors = self.cache.validated(self.entry, schema, context.validation_rules)
        yield
