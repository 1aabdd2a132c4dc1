"""The GraphQL endpoint over HTTP and WebSocket (graphql-transport-ws)."""

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from hub.audit.writer import AuditWriter
from hub.auth.middleware import bearer_token
from hub.auth.tokens import TokenService
from hub.clock import Clock
from hub.db import Database
from hub.observability.metrics import HubMetrics
from hub.errors import Unauthenticated
from hub.graphql.context import HubContext, MaterialFiles
from hub.graphql.schema import schema
from hub.policy.access import ensure_client_active
from hub.events.feed import EventFeed
from hub.policy.snapshot import PolicyStore


class HubGraphQL(GraphQL):
    def __init__(self, *, db: Database, tokens: TokenService, policies: PolicyStore, feed: EventFeed, clock: Clock,
                 metrics: HubMetrics, audit: AuditWriter, files: MaterialFiles):
        super().__init__(schema, subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL], graphql_ide=None)
        self.db = db
        self.tokens = tokens
        self.policies = policies
        self.feed = feed
        self.clock = clock
        self.metrics = metrics
        self.audit = audit
        self.files = files

    async def get_context(self, request: Request | WebSocket, response: object = None) -> HubContext:
        state = request.scope.get("state", {})
        return HubContext(request=request, response=response, db=self.db, policies=self.policies, feed=self.feed,
                          clock=self.clock, metrics=self.metrics, audit=self.audit, signing_key=self.tokens.key,
                          files=self.files,
                          principal=state.get("principal"), snapshot=state.get("policy"))

    async def on_ws_connect(self, context: HubContext):  # type: ignore[no-untyped-def, override]
        """Authenticate from connection_init's `Authorization` (or the upgrade request's header)."""
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization") or context.request.headers.get("authorization")
        try:
            context.principal = await self.tokens.verify(bearer_token(header))
            ensure_client_active(await self.policies.current(), context.principal)
        except Unauthenticated as error:
            raise ConnectionRejectionError({"reason": error.message}) from None
        return {"subject": context.principal.subject}
