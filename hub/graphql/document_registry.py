"""Governance of persisted documents: register a manifest, list what is registered (GOVERNANCE)."""

import base64
from datetime import datetime

import strawberry
from strawberry import relay
from graphql import GraphQLError, GraphQLSchema, OperationDefinitionNode, parse, specified_rules
from strawberry.schema.schema import validate_document
from strawberry.types import Info

from hub.documents import repository as document_repository
from hub.documents import service as document_service
from hub.documents.manifest import PREFIX
from hub.errors import HubError
from hub.graphql import resolvers as r
from hub.graphql.errors import UserError, graphql_error
from hub.graphql.limits import QueryLimits, check_document, check_request
from hub.policy import access
from hub.i18n import _l


def inspect_document(text: str, schema: GraphQLSchema, limits: QueryLimits) -> tuple[str, ...]:
    """The names of the document's operations; ValueError saying why the hub could not serve it (over the
    request limits, not GraphQL, or not valid against the schema now)."""
    try:
        check_request(text, None, limits)
        document = parse(text)
        check_document(document, schema, None, limits)
    except GraphQLError as error:
        raise ValueError(error.message) from None
    if errors := validate_document(schema, document, tuple(specified_rules)):
        raise ValueError(_l("does not validate against the schema: {errors}",
                            errors="; ".join(e.message for e in errors[:3])))
    return tuple(d.name.value for d in document.definitions if isinstance(d, OperationDefinitionNode) and d.name)


@strawberry.type(description="A registered GraphQL document, called by its id (persisted documents).")
class PersistedDocument:
    id: str = strawberry.field(description='"sha256:" and the SHA-256 of the text\'s UTF-8 bytes, in hex: the '
                                           "`documentId` to send.")
    document: str
    operation_names: list[str]
    registered_at: datetime
    registered_by: str
    client_name: str | None
    client_version: str | None

    @classmethod
    def from_row(cls, row) -> "PersistedDocument":  # type: ignore[no-untyped-def]
        return cls(id=PREFIX + row.sha256, document=row.document, operation_names=list(row.operation_names),
                   registered_at=row.registered_at, registered_by=row.registered_by, client_name=row.client_name,
                   client_version=row.client_version)


@strawberry.type
class PersistedDocumentEdge:
    cursor: str
    node: PersistedDocument


@strawberry.type
class PersistedDocumentConnection:
    edges: list[PersistedDocumentEdge]
    page_info: relay.PageInfo

    @classmethod
    def of(cls, edges: list[PersistedDocumentEdge], more: bool, after: str | None) -> "PersistedDocumentConnection":
        page = relay.PageInfo(has_next_page=more, has_previous_page=after is not None,
                              start_cursor=edges[0].cursor if edges else None,
                              end_cursor=edges[-1].cursor if edges else None)
        return cls(edges=edges, page_info=page)


@strawberry.input
class RegisterDocumentsInput:
    manifest: str = strawberry.field(description='The manifest file\'s JSON text: an object mapping "sha256:<hex>" '
                                                 "(or the bare hex) to each document's exact text, as the "
                                                 "TypeScript client's persisted-documents.json.")
    client_name: str | None = strawberry.field(default=None, description="The client the documents belong to.")
    client_version: str | None = None


@strawberry.type
class RegisterDocumentsPayload:
    added: list[PersistedDocument] = strawberry.field(description="The documents registered now.")
    already_registered: int | None = strawberry.field(description="Documents of the manifest registered before.")
    errors: list[UserError]


def _cursor(row) -> str:  # type: ignore[no-untyped-def]
    return base64.urlsafe_b64encode(f"doc:{row.registered_at.isoformat()}|{row.sha256}".encode()).decode()


def _after(cursor: str) -> tuple[datetime, str]:
    prefix, _, rest = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
    at, sha = rest.split("|")
    if prefix != "doc":
        raise ValueError("not a cursor of this list")
    return datetime.fromisoformat(at), sha


@strawberry.type
class DocumentQuery:
    @strawberry.field(description="Registered persisted documents, newest first (GOVERNANCE).")
    async def persisted_documents(self, info: Info, client_name: str | None = None, first: int = 50,
                                  after: str | None = None) -> PersistedDocumentConnection:
        try:
            access.ensure_governance(info.context.principal)
        except HubError as error:
            raise graphql_error(error) from None
        async with info.context.db.read() as session:
            rows = await document_repository.page(session, first=r.check_page_size(first), after=r.decode(after, _after),
                                                  client_name=client_name)
        edges = [PersistedDocumentEdge(cursor=_cursor(row), node=PersistedDocument.from_row(row)) for row in rows[:first]]
        return PersistedDocumentConnection.of(edges, len(rows) > first, after)


@strawberry.type
class DocumentMutation:
    @strawberry.mutation(description="Register the documents of a manifest (GOVERNANCE); each hash is checked "
                                     "against its text, and each document must be valid now. All or nothing.")
    async def register_persisted_documents(self, info: Info, input: RegisterDocumentsInput) -> RegisterDocumentsPayload | None:
        schema, limits = info.schema._schema, info.context.limits
        done, errors = await r.write(info, document_service.register, documents=input.manifest,
                                     client_name=input.client_name, client_version=input.client_version,
                                     inspect=lambda text: inspect_document(text, schema, limits))
        if done is None:
            return RegisterDocumentsPayload(added=[], already_registered=None, errors=errors)
        return RegisterDocumentsPayload(added=[PersistedDocument.from_row(row) for row in done.added],
                                        already_registered=done.already_registered, errors=[])
