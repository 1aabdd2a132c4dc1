"""The per-operation context: the caller, their access plan (decided once) and fresh loaders."""

import copy
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from graphql import ExecutionResult as GraphQLExecutionResult
from joserfc.jwk import ECKey
from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension

from hub.audit.writer import AuditWriter
from hub.auth.principal import Principal
from hub.clock import Clock
from hub.db import Database
from hub.errors import HubError, Unauthenticated
from hub.graphql.errors import answer_unavailable, fault_error
from hub.files.links import FileLinks
from hub.files.service import FileCollector
from hub.graphql.limits import QueryLimits
from hub.graphql.loaders import Loaders, build_loaders
from hub.i18n import _l
from hub.policy import plan as policy_plan
from hub.policy.access import ensure_client_active
from hub.policy.plan import AccessPlan
from hub.policy.snapshot import PolicySnapshot, PolicyStore


@dataclass(frozen=True)
class MaterialFiles:
    """What the API needs of the file side: signed download links (of material files and of printed
    application forms), removal of files erasure frees, and the retention period after which a finished
    case's personal data may be erased."""

    links: FileLinks
    form_links: FileLinks
    collector: FileCollector
    retention: timedelta


@dataclass
class HubContext:
    request: Request | WebSocket
    response: object | None
    db: Database
    policies: PolicyStore
    feed: object  # hub.events.feed.EventFeed
    clock: Clock
    metrics: object  # hub.observability.metrics.HubMetrics
    audit: AuditWriter
    signing_key: ECKey  # checks the audit's signed checkpoints
    files: MaterialFiles
    limits: QueryLimits
    principal: Principal | None = None
    snapshot: PolicySnapshot | None = None
    connection_params: dict | None = None  # set by the WebSocket transport at connection_init
    plan: AccessPlan = field(init=False)
    loaders: Loaders = field(init=False)
    started_at: datetime = field(init=False)

    async def begin_operation(self) -> None:
        """Decide access once per operation and start with empty caches.

        On a WebSocket many operations share one context: the policy is re-read
        for each, so a revoked grant or client takes effect there too.
        """
        if self.principal is None:
            raise Unauthenticated(_l("no credentials"))
        if self.snapshot is None or isinstance(self.request, WebSocket):
            self.snapshot = await self.policies.current()
            ensure_client_active(self.snapshot, self.principal)
        self.started_at = self.clock.now()
        self.plan = policy_plan.decide(self.snapshot, self.principal, self.started_at)
        self.loaders = build_loaders(self.db, self.plan)

    def now(self) -> datetime:
        return self.clock.now()

    def use(self, snapshot: PolicySnapshot, *, results: bool = False) -> None:
        """Re-decide access with a newer policy (long-lived subscriptions, before each delivery); `results`:
        for the results feed (hub.policy.plan.RESULTS_LANE)."""
        self.snapshot = snapshot
        self.started_at = self.clock.now()
        self.plan = policy_plan.decide(snapshot, self.principal, self.started_at, results=results)
        self.loaders = build_loaders(self.db, self.plan)

    @property
    def scope(self):  # type: ignore[no-untyped-def]
        return self.plan.rows


class OperationScope(SchemaExtension):
    """Opens each operation with its plan (the reads it delivers are audited by FieldPolicy).

    Reading the policy touches the database; a failure there is the hub's fault and is answered like any
    other (UNAVAILABLE or INTERNAL with an incident), never with the driver's message.
    """

    async def on_operation(self) -> AsyncIterator[None]:
        ctx = self.execution_context.context
        if isinstance(ctx.request, WebSocket):
            # Operations on one socket share the connection's context: each gets its own copy, so one
            # operation's plan (e.g. the platform's results plan) never serves another running beside it.
            ctx = self.execution_context.context = copy.copy(ctx)
        try:
            await ctx.begin_operation()
        except HubError:
            raise  # the caller's credentials: answered as they are
        except Exception as error:  # noqa: BLE001  (masked below)
            fault = fault_error(error, "the start of an operation")
            answer_unavailable(ctx, GraphQLExecutionResult(data=None, errors=[fault]))
            raise fault from None
        yield
