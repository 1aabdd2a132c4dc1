"""The per-operation context: the caller, their row scope (decided once) and fresh loaders."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension

from hub.auth.principal import Principal
from hub.clock import utcnow
from hub.db import Database
from hub.errors import Unauthenticated
from hub.graphql.loaders import Loaders, build_loaders
from hub.policy.access import CaseScope, case_scope


@dataclass
class HubContext:
    request: Request | WebSocket
    response: object | None
    db: Database
    principal: Principal | None = None
    connection_params: dict | None = None  # set by the WebSocket transport at connection_init
    scope: CaseScope = field(init=False)
    loaders: Loaders = field(init=False)

    def begin_operation(self) -> None:
        """Decide row access once per operation and start with empty loader caches.

        On a WebSocket many operations share one context; caches must not outlive one.
        """
        if self.principal is None:
            raise Unauthenticated("no credentials")
        self.scope = case_scope(self.principal)
        self.loaders = build_loaders(self.db, self.scope)

    def now(self) -> datetime:
        return utcnow()


class OperationScope(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        self.execution_context.context.begin_operation()
        yield
