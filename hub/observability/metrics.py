"""Prometheus metrics: operations, latency and errors from a schema extension; gauges read when scraped."""

import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select
from strawberry.extensions import SchemaExtension

from hub.assignments.models import Assignment
from hub.events.models import Event
from hub.notifications.models import Notification


class HubMetrics:
    """One registry per app, so several hubs in one process (tests) do not collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.operations = Counter("hub_graphql_operations_total", "GraphQL operations", ["operation", "type"],
                                  registry=self.registry)
        self.latency = Histogram("hub_graphql_operation_seconds", "GraphQL operation latency", ["operation"],
                                 registry=self.registry,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
        self.errors = Counter("hub_graphql_errors_total", "Errors returned, by code", ["code"], registry=self.registry)
        self.read_path = Counter("hub_graphql_read_path_total", "Operations over HTTP by who answered them: the "
                                 "compiled read path, or the executor", ["path"], registry=self.registry)
        self.subscriptions = Gauge("hub_subscriptions_open", "Live subscriptions on this instance", registry=self.registry)
        self.event_lag = Gauge("hub_event_feed_lag_events", "Committed events this instance has not yet dispatched",
                               registry=self.registry)
        self.outbox = Gauge("hub_sms_outbox_backlog", "SMS waiting to be sent", registry=self.registry)
        self.overdue = Gauge("hub_assignments_overdue", "Open assignments past their deadline", registry=self.registry)

    async def render(self, db, feed, now) -> bytes:  # type: ignore[no-untyped-def]
        """Refresh the gauges that live in the database, then the exposition text."""
        self.subscriptions.set(len(feed.subscribers))
        async with db.read() as session:
            newest = await session.scalar(select(func.max(Event.id))) or 0
            self.event_lag.set(max(newest - feed.position, 0))
            self.outbox.set(await session.scalar(select(func.count()).select_from(Notification).where(
                Notification.status.in_(("PENDING", "SENDING")))))
            self.overdue.set(await session.scalar(select(func.count()).select_from(Assignment).where(
                Assignment.finished_at.is_(None), Assignment.deadline_at <= now)))
        return generate_latest(self.registry)


class OperationMetrics(SchemaExtension):
    """Counts and times each operation by name; counts errors by code (the app's HubMetrics is on the context)."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        ctx = self.execution_context
        metrics: HubMetrics = ctx.context.metrics
        name = ctx.operation_name or "anonymous"
        kind = ctx.operation_type.value if ctx.operation_type else "unknown"
        metrics.operations.labels(name, kind).inc()
        metrics.latency.labels(name).observe(time.perf_counter() - started)
        for error in (ctx.result.errors if ctx.result else None) or []:
            metrics.errors.labels((error.extensions or {}).get("code", "GRAPHQL")).inc()
