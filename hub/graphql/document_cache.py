"""Documents parsed once and validated once, kept by the SHA-256 of their text (a bounded LRU, one per process).

A request whose text was seen before skips the parser and validation: it costs a hash of the text (a few
microseconds per kilobyte) and a dictionary lookup. strawberry's own ParserCache and ValidationCache key by the
text and by the parsed document; the latter hashes the whole syntax tree (frozen dataclasses, hashed field by
field) on every request, which costs more than the lookup saves for a large document.

The request limits on the parsed document (hub/graphql/limits.py) depend on the variables (`first: $n`), so
they are checked for every request, before the cached validation. Only documents within the limits of stage 1
reach the cache; at HUB_MAX_TOKENS=1000 a parsed document takes up to ~0.4 MB, so 128 entries hold at most
~50 MB.
"""

import hashlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from hub.graphql.limits import LimitExceeded, check_document


@dataclass
class CachedDocument:
    document: DocumentNode
    errors: dict[tuple[Any, ...], list[GraphQLError]] = field(default_factory=dict)  # by the validation rules


class DocumentCache:
    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[bytes, CachedDocument] = OrderedDict()

    def parsed(self, text: str, options: dict[str, Any]) -> CachedDocument:
        """The parsed document of `text` (the schema's parse options never change); raises GraphQLError for a
        syntax error, which is not kept."""
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
        if (entry := self._entries.get(key)) is not None:
            self._entries.move_to_end(key)
            return entry
        entry = CachedDocument(parse(text, **options))
        self._entries[key] = entry
        if len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)
        return entry

    @staticmethod
    def validated(entry: CachedDocument, schema: GraphQLSchema, rules: tuple[Any, ...]) -> list[GraphQLError]:
        if (errors := entry.errors.get(rules)) is None:
            errors = entry.errors[rules] = validate_document(schema, entry.document, rules)
        return list(errors)


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
        context = self.execution_context
        try:
            check_document(context.graphql_document, context.schema._schema, context.variables, context.context.limits)
        except LimitExceeded as refusal:
            context.pre_execution_errors = [refusal]
            yield
            return
        if self.entry is not None:
            context.pre_execution_errors = self.cache.validated(self.entry, context.schema._schema,
                                                                context.validation_rules)
        yield
