"""Persisted documents on the request path: a document named by its SHA-256 instead of (or besides) its text.

Two conventions, over HTTP (POST body or GET parameters) and in a WebSocket `subscribe` payload:

- `documentId: "sha256:<hex>"` (GraphQL over HTTP, persisted documents): a document registered by governance
  (hub/documents). Unknown: PERSISTED_DOCUMENT_NOT_FOUND.
- `extensions.persistedQuery: {version: 1, sha256Hash: "<hex>"}` (Apollo's automatic persisted queries): a
  registered document, or one this process was sent with its hash before. Unknown: `PersistedQueryNotFound`
  (code PERSISTED_QUERY_NOT_FOUND), and the client sends the text with the hash once; the hash is checked and
  the text kept in this process's memory only (nothing is written, nothing is registered).

A hash given with a text must be the text's (PERSISTED_DOCUMENT_HASH_MISMATCH). A caller held to registered
documents (HUB_REGISTERED_DOCUMENTS_ONLY) is served registered documents only, however named: any other text is
PERSISTED_DOCUMENT_REQUIRED, and its APQ hashes register nothing.
"""

import json
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from strawberry.http import GraphQLRequestData
from strawberry.types.execution import PreExecutionError

from hub.auth.principal import Principal
from hub.db import Database
from hub.documents.manifest import PREFIX, hex_of, sha256_hex
from hub.documents.registry import DocumentRegistry
from hub.enums import Role
from hub.graphql.errors import localise_error, log_refusals
from hub.graphql.http import RequestError
from hub.graphql.limits import LimitExceeded, QueryLimits, check_request
from hub.i18n import _l
from hub.policy.access import registered_documents_only

APQ_VERSION = 1
APQ_MEMORY = 128  # documents sent with their hash, per process (each at most HUB_MAX_DOCUMENT_BYTES)


class DocumentRefused(GraphQLError):
    """A request whose document cannot be served as named; answered like any refusal before execution."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, extensions={"code": code})
        self.code = code


@dataclass(frozen=True)
class Named:
    """How a request names its document: its text, and the hash it claims with the convention claiming it."""

    text: str | None
    sha256: str | None = None
    by: str | None = None  # "documentId" or "extensions.persistedQuery.sha256Hash"


def named(text: str | None, document_id: Any, extensions: Any) -> Named:
    """Read `documentId` and `extensions.persistedQuery` as sent; RequestError (400) for a malformed one."""
    claims: dict[str, str] = {}
    if document_id is not None:
        digits = hex_of(document_id) if isinstance(document_id, str) and document_id.startswith(PREFIX) else None
        if digits is None:
            raise RequestError(400, "BAD_REQUEST", _l('`documentId` must be "sha256:" followed by the 64 hexadecimal '
                                                      "digits of the document's SHA-256"))
        claims["documentId"] = digits
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    if persisted is not None:
        claims["extensions.persistedQuery.sha256Hash"] = _apq_hash(persisted)
    if len(set(claims.values())) > 1:
        raise DocumentRefused("PERSISTED_DOCUMENT_HASH_MISMATCH", _l("`documentId` and `extensions.persistedQuery` "
                                                                    "name different documents"))
    by, digits = next(iter(claims.items()), (None, None))
    return Named(text, digits, by)


def _apq_hash(persisted: Any) -> str:
    if not isinstance(persisted, dict) or persisted.get("version") != APQ_VERSION:
        raise RequestError(400, "BAD_REQUEST", _l("`extensions.persistedQuery` must be {{version: 1, sha256Hash: …}}"))
    sha = persisted.get("sha256Hash")
    digits = hex_of(sha) if isinstance(sha, str) and len(sha) == 64 else None
    if digits is None:
        raise RequestError(400, "BAD_REQUEST", _l("`extensions.persistedQuery.sha256Hash` must be the 64 hexadecimal "
                                                  "digits of the document's SHA-256"))
    return digits


class PersistedDocuments:
    """Turns a document named by hash into its text, and holds callers to registered documents where required."""

    def __init__(self, db: Database, limits: QueryLimits, restricted_roles: frozenset[Role]) -> None:
        self.registry = DocumentRegistry(db, admit=lambda text: _within(text, limits))
        self.restricted_roles = restricted_roles
        self._sent: OrderedDict[str, str] = OrderedDict()  # APQ: hash → text sent with it, by anyone not restricted

    async def text(self, wanted: Named, principal: Principal) -> str | None:
        """The document to run (None if the request names none: strawberry answers that); DocumentRefused when
        it cannot be served (nothing ran)."""
        restricted = registered_documents_only(principal, self.restricted_roles)
        if wanted.text is not None:
            return await self._sent_text(wanted, restricted)
        if wanted.sha256 is None:
            return None
        found = self._sent.get(wanted.sha256) if wanted.by != "documentId" and not restricted else None
        found = found or await self.registry.text(wanted.sha256)
        if found is not None:
            return found
        if wanted.by == "documentId" or restricted:
            raise DocumentRefused("PERSISTED_DOCUMENT_NOT_FOUND", _l("no document is registered as {id}",
                                                                     id=PREFIX + wanted.sha256))
        raise DocumentRefused("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")  # APQ clients match this text

    async def _sent_text(self, wanted: Named, restricted: bool) -> str:
        text = wanted.text
        if wanted.sha256 is None and not restricted:
            return text  # the common case: plain text, nothing to look up
        actual = sha256_hex(text)
        if wanted.sha256 is not None and actual != wanted.sha256:
            raise DocumentRefused("PERSISTED_DOCUMENT_HASH_MISMATCH", _l("the document's SHA-256 is {actual}, not the "
                                                                         "{given} given in `{by}`", actual=actual,
                                                                         given=wanted.sha256, by=wanted.by))
        if restricted:
            if await self.registry.text(actual) is None:
                raise DocumentRefused("PERSISTED_DOCUMENT_REQUIRED", _l("only registered documents are accepted from "
                                      "your role (HUB_REGISTERED_DOCUMENTS_ONLY): send the `documentId` of a "
                                      "registered document"))
        elif wanted.by == "extensions.persistedQuery.sha256Hash":
            self._remember(actual, text)
        return text

    def _remember(self, sha256: str, text: str) -> None:
        self._sent[sha256] = text
        self._sent.move_to_end(sha256)
        if len(self._sent) > APQ_MEMORY:
            self._sent.popitem(last=False)

    async def resolve_http(self, request: Request, data: GraphQLRequestData, principal: Principal) -> GraphQLRequestData:
        """The request with the text of the document it names (GET parameter or JSON body `documentId`)."""
        wanted = named(data.query, await _document_id(request), data.extensions)
        return replace(data, query=await self.text(wanted, principal))

    async def resolve_payload(self, payload: dict, principal: Principal) -> None:
        """A WebSocket `subscribe` payload, its `query` filled in from the document it names."""
        wanted = named(payload.get("query"), payload.get("documentId"), payload.get("extensions"))
        payload["query"] = await self.text(wanted, principal)


def _within(text: str, limits: QueryLimits) -> None:
    """A registered document was checked against the limits of its day; it is held to this hub's, like a text
    sent now (once per process: the registry keeps what it admitted)."""
    try:
        check_request(text, None, limits)
    except LimitExceeded as refusal:
        raise DocumentRefused(refusal.extensions["code"], refusal.message) from None


async def _document_id(request: Request) -> Any:
    if request.method == "GET":
        return request.query_params.get("documentId")
    body = await request.body()  # read once already: starlette keeps it
    if b"documentId" not in body:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data.get("documentId") if isinstance(data, dict) else None


def names_a_document(params: Any) -> bool:
    """Whether GET parameters (or a payload) name a document by hash: such a request is for the API, not a page."""
    return params.get("documentId") is not None or params.get("extensions") is not None


def refused(refusal: DocumentRefused, metrics: Any) -> PreExecutionError:
    """Counted and logged like every refusal before execution."""
    metrics.errors.labels(refusal.code).inc()
    log_refusals([refusal])
    return PreExecutionError(data=None, errors=[localise_error(refusal)])
