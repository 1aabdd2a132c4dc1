"""The GraphQL endpoint over HTTP and WebSocket (graphql-transport-ws).

Over HTTP it follows the GraphQL-over-HTTP spec: `application/graphql-response+json` when the caller's Accept
asks for it (a request refused before execution is then 400 without `data`), `application/json` otherwise;
request errors are JSON with a code, never plain text.
"""

import json
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from hub.audit.writer import AuditWriter
from hub.auth.middleware import bearer_token
from hub.auth.tokens import TokenService
from hub.clock import Clock
from hub.db import Database
from hub.observability.metrics import HubMetrics
from hub.errors import Unauthenticated
from hub.i18n import _l, negotiate, use_locale
from hub.graphql.compiled.runner import CompiledReads, RawData
from hub.graphql.context import HubContext, MaterialFiles
from hub.graphql.documents import DocumentRefused, PersistedDocuments, names_a_document, refused
from hub.graphql.http import GRAPHQL_RESPONSE_JSON, RequestError, request_error_response, response_media_type
from hub.graphql.limits import QueryLimits
from hub.graphql.schema import schema
from hub.graphql.ws import HubTransportWS
from hub.policy.access import ensure_client_active
from hub.events.feed import EventFeed
from hub.policy.snapshot import PolicyStore


class HubGraphQL(GraphQL):
    graphql_transport_ws_handler_class = HubTransportWS

    def __init__(self, *, db: Database, tokens: TokenService, policies: PolicyStore, feed: EventFeed, clock: Clock,
                 metrics: HubMetrics, audit: AuditWriter, files: MaterialFiles, limits: QueryLimits,
                 documents: PersistedDocuments, compiled: CompiledReads | None = None):
        super().__init__(schema, subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL], graphql_ide=None)
        self.db = db
        self.tokens = tokens
        self.policies = policies
        self.feed = feed
        self.clock = clock
        self.metrics = metrics
        self.audit = audit
        self.files = files
        self.limits = limits
        self.documents = documents
        self.compiled = compiled  # hot reads as one statement (hub.graphql.compiled); None: the executor only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            response = request_error_response(error, response_media_type(request.headers.get("accept")))
        await response(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: object = None) -> HubContext:
        state = request.scope.get("state", {})
        return HubContext(request=request, response=response, db=self.db, policies=self.policies, feed=self.feed,
                          clock=self.clock, metrics=self.metrics, audit=self.audit, signing_key=self.tokens.key,
                          files=self.files, limits=self.limits,
                          principal=state.get("principal"), snapshot=state.get("policy"))

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = response_media_type(request.headers.get("accept"))
        return sub_response

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        if sub_response.status_code == 400:  # graphql-response+json, execution never started: no data entry
            response_data.pop("data", None)
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = sub_response.media_type
        return response

    async def execute_single(self, request: Request, request_adapter: Any, sub_response: Response, context: HubContext,
                             root_value: Any, request_data: Any) -> ExecutionResult:
        """A query (GET or POST) or a mutation (POST); subscriptions are for the WebSocket. The document and
        variables are already within the limits (GraphQLRequestLimits, ahead of authentication)."""
        allowed = {OperationType.QUERY} | ({OperationType.MUTATION} if request_adapter.method == "POST" else set())
        try:
            # first: which document (a registered one, or text this caller may send), for either path
            request_data = await self.documents.resolve_http(request, request_data, context.principal)
            if self.compiled is not None and not set(request_data.extensions or {}) - {"persistedQuery"}:
                compiled = await self.compiled.answer(request_data.query, request_data.variables,
                                                      request_data.operation_name, context)
                if compiled is not None:
                    return compiled
            result = await self.schema.execute(
                request_data.query, root_value=root_value, variable_values=request_data.variables,
                context_value=context, operation_name=request_data.operation_name, allowed_operation_types=allowed,
                operation_extensions=request_data.extensions)
        except InvalidOperationTypeError as error:
            raise _operation_type_refusal(error.operation_type) from None
        except CannotGetOperationTypeError as error:
            raise RequestError(400, "BAD_REQUEST", _l("Can't get GraphQL operation type") if error.operation_name is None
                               else _l('Unknown operation named "{name}".', name=error.operation_name)) from None
        except MissingQueryError:
            raise RequestError(400, "BAD_REQUEST", _l("No GraphQL query found in the request")) from None
        except DocumentRefused as refusal:
            result = refused(refusal, self.metrics)
        if not _executed(result) and sub_response.media_type == GRAPHQL_RESPONSE_JSON:
            sub_response.status_code = 400
        return result

    def should_render_graphql_ide(self, request: Any) -> bool:
        """A GET without `query` that names a persisted document is a request, not a page (GraphiQL's page is
        answered in front of this view, hub/graphql/ide.py)."""
        return super().should_render_graphql_ide(request) and not names_a_document(request.query_params)

    async def parse_http_body(self, request: Any) -> Any:
        data = await super().parse_http_body(request)
        if not isinstance(data.operation_name, str | None):
            raise RequestError(400, "BAD_REQUEST", _l("The GraphQL operation's `operationName` must be a string or "
                                                      "null, if provided."))
        return data

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return self.decode_json(data)
        except json.JSONDecodeError as error:
            raise RequestError(400, "BAD_REQUEST", _l("the request is not valid JSON: {reason}", reason=error.msg)) from None

    def encode_json(self, data: object) -> str:
        """Chinese text as UTF-8, not `\\u` escapes (over HTTP and WebSocket); a compiled read's `data` is JSON
        text already (hub.graphql.compiled.runner.RawData)."""
        if isinstance(data, dict) and isinstance(data.get("data"), RawData) and len(data) == 1:
            return '{"data":' + data["data"] + "}"
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    def decode_json(self, data: str | bytes) -> object:
        """JSON nested beyond the interpreter's recursion limit is malformed input like any other (400 over HTTP,
        4400 on a WebSocket), not an internal error."""
        try:
            return json.loads(data)
        except RecursionError:
            raise json.JSONDecodeError("nested too deeply", "", 0) from None

    async def on_ws_connect(self, context: HubContext):  # type: ignore[no-untyped-def, override]
        """Authenticate from connection_init's `Authorization` (or the upgrade request's header), and answer in the
        language its `Accept-Language` asks for (or the upgrade request's)."""
        params = context.connection_params or {}
        language = params.get("Accept-Language") or params.get("accept-language")
        if isinstance(language, str):
            use_locale(negotiate(language))  # this connection's task: its operations start from it
        header = params.get("Authorization") or params.get("authorization") or context.request.headers.get("authorization")
        try:
            context.principal = await self.tokens.verify(bearer_token(header))
            ensure_client_active(await self.policies.current(), context.principal)
        except Unauthenticated as error:
            raise ConnectionRejectionError({"reason": error.message}) from None
        return {"subject": context.principal.subject}


def _executed(result: ExecutionResult) -> bool:
    """Whether execution started: not refused in parsing, validation, a limit or variable coercion (those errors
    carry no path, and leave no data)."""
    if isinstance(result, PreExecutionError):
        return False
    return result.data is not None or not result.errors or any(error.path for error in result.errors)


def _operation_type_refusal(operation_type: OperationType) -> RequestError:
    """A subscription sent over HTTP, or a mutation sent with GET, answered with what to do instead."""
    if operation_type == OperationType.SUBSCRIPTION:
        return RequestError(400, "SUBSCRIPTION_NEEDS_WEBSOCKET",
                            _l("subscriptions are served over WebSocket: connect to /graphql with the "
                               "graphql-transport-ws subprotocol"))
    return RequestError(405, "METHOD_NOT_ALLOWED", _l("mutations need POST"), headers={"Allow": "POST"})
