"""The per-operation context: the caller, their access plan (decided once) and fresh loaders."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension

from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.clock import Clock
from hub.db import Database
from hub.errors import Unauthenticated
from hub.graphql.limits import QueryLimits
from hub.graphql.loaders import Loaders, build_loaders
from hub.policy import plan as policy_plan
from hub.policy.access import ensure_client_active
from hub.policy.plan import AccessPlan
from hub.policy.snapshot import PolicySnapshot, PolicyStore


@dataclass
class HubContext:
    request: Request | WebSocket
    response: object | None
    db: Database
    policies: PolicyStore
    feed: object  # hub.events.feed.EventFeed
    clock: Clock
    metrics: object  # hub.observability.metrics.HubMetrics
    limits: QueryLimits
    principal: Principal | None = None
    snapshot: PolicySnapshot | None = None
    connection_params: dict | None = None  # set by the WebSocket transport at connection_init
    plan: AccessPlan = field(init=False)
    loaders: Loaders = field(init=False)
    audit_reads: audit.ReadLog = field(init=False)
    started_at: datetime = field(init=False)

    async def begin_operation(self) -> None:
        """Decide access once per operation and start with empty caches.

        On a WebSocket many operations share one context: the policy is re-read
        for each, so a revoked grant or client takes effect there too.
        """
        if self.principal is None:
            raise Unauthenticated("no credentials")
        if self.snapshot is None or isinstance(self.request, WebSocket):
            self.snapshot = await self.policies.current()
            ensure_client_active(self.snapshot, self.principal)
        self.started_at = self.clock.now()
        self.plan = policy_plan.decide(self.snapshot, self.principal, self.started_at)
        self.loaders = build_loaders(self.db, self.plan)
        self.audit_reads = audit.ReadLog()

    def now(self) -> datetime:
        return self.clock.now()

    async def flush_audit(self, operation: str) -> None:
        """Write what was read so far (a subscription does this after each delivered event)."""
        records = self.audit_reads.records(self.principal, operation, self.started_at)
        self.audit_reads = audit.ReadLog()
        if records:
            async with self.db.write() as session:
                await audit.append(session, records)

    def use(self, snapshot: PolicySnapshot) -> None:
        """Re-decide access with a newer policy (long-lived subscriptions, before each delivery)."""
        self.snapshot = snapshot
        self.started_at = self.clock.now()
        self.plan = policy_plan.decide(snapshot, self.principal, self.started_at)
        self.loaders = build_loaders(self.db, self.plan)

    @property
    def scope(self):  # type: ignore[no-untyped-def]
        return self.plan.rows


class OperationScope(SchemaExtension):
    """Opens each operation with its plan and closes it by writing the audit of what was read."""

    async def on_operation(self) -> AsyncIterator[None]:
        ctx = self.execution_context.context
        await ctx.begin_operation()
        yield
        await ctx.flush_audit(self.execution_context.operation_name or "")
