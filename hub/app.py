"""The Starlette application: lifespan (database, keys, embedded set-up), auth and routes."""

import contextlib
import logging
import os
from collections.abc import AsyncIterator
from datetime import timedelta

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from hub import console, demo, migrate, readiness
from hub.audit.checkpoints import checkpointer
from hub.audit.writer import AuditWriter
from hub.auth import keys
from hub.auth.middleware import BearerAuthMiddleware
from hub.auth.oauth import token_endpoint
from hub.auth.tokens import TokenService
from hub.config import Settings, get_settings
from hub.db import Database
from hub.faults import RETRY_AFTER, FaultMiddleware
from hub.i18n import LocaleMiddleware
from hub.events.feed import EventFeed
from hub.observability.logs import RequestIdMiddleware
from hub.observability.metrics import HubMetrics
from hub.observability.timing import ServerTimingMiddleware
from hub.notifications.senders import LogSender, Sender, WebhookSender
from hub.notifications.worker import OutboxWorker
from hub.graphql.compiled.runner import CompiledReads
from hub.graphql.context import MaterialFiles
from hub.graphql.documents import PersistedDocuments
from hub.graphql.http import BodyLimitMiddleware, GraphQLRequestLimits
from hub.graphql.limits import QueryLimits
from hub.graphql.schema import schema
from hub.graphql import ide
from hub.graphql.view import HubGraphQL
from hub.files.http import FileEndpoints
from hub.forms.http import FormEndpoints, form_links
from hub.files.links import FileLinks
from hub.files.service import FileCollector
from hub.files.store import build_store
from hub.catalogue.loader import load_sharing_catalogue
from hub.timelimits.loader import load_time_limits
from hub.timelimits.scheduler import TimeLimitScheduler
from hub.clock import clock_for
from hub.policy.freshness import PolicyWatch
from hub.policy.snapshot import PolicyStore
from hub.reference.loader import load_reference_data

log = logging.getLogger("hub")


def sms_sender(settings: Settings) -> Sender:
    if settings.sms_sender == "webhook":
        if not settings.sms_webhook_url:
            raise ValueError("HUB_SMS_SENDER=webhook needs HUB_SMS_WEBHOOK_URL")
        return WebhookSender(settings.sms_webhook_url, settings.sms_webhook_token)
    return LogSender(settings.sms_log_file or settings.data_dir / "sms.log")


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    clock = clock_for(settings)
    if settings.is_embedded:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    key, generated = keys.load_or_generate(settings.key_file, may_generate=settings.is_embedded)
    tokens = TokenService(key=key, issuer=settings.issuer, audience=settings.audience, trusted=settings.oidc_issuers)
    db = Database(settings.database_url, pool_size=settings.db_pool_size,
                  busy_timeout=settings.sqlite_busy_timeout_seconds)
    policies = PolicyStore(db)
    policy_watch = PolicyWatch(policies, poll_seconds=settings.policy_poll_seconds)
    feed = EventFeed(db, queue_size=settings.subscription_queue_size)
    policies.listeners.append(feed.policy_changed)
    metrics = HubMetrics()
    audit = AuditWriter(db)
    store = build_store(settings)
    links = FileLinks(key, settings.issuer, settings.audience, settings.file_url_ttl_seconds)
    collector = FileCollector(db, store, clock.now, interval=settings.file_gc_seconds)
    forms = form_links(key, settings.issuer, settings.audience, settings.file_url_ttl_seconds)
    files = MaterialFiles(links=links, form_links=forms, collector=collector,
                          retention=timedelta(days=settings.personal_data_retention_days))
    limits = QueryLimits.configured(settings, schema._schema)
    documents = PersistedDocuments(db, limits, frozenset(settings.registered_documents_only))
    compiled = CompiledReads(db, schema._schema, limits) if settings.compiled_reads else None
    graphql = HubGraphQL(db=db, tokens=tokens, policies=policies, feed=feed, clock=clock, metrics=metrics, audit=audit,
                         files=files, limits=limits, documents=documents, compiled=compiled)
    file_endpoints = FileEndpoints(db=db, policies=policies, clock=clock, store=store, links=links, settings=settings)
    form_endpoints = FormEndpoints(db=db, policies=policies, clock=clock, links=forms)
    outbox = OutboxWorker(db, sms_sender(settings), retry_base_seconds=settings.sms_retry_base_seconds,
                          max_attempts=settings.sms_max_attempts, now=clock.now)
    scheduler = TimeLimitScheduler(db, clock.now, scan_seconds=settings.time_limit_scan_seconds)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if settings.is_embedded:
            migrate.upgrade(settings.database_url)
            async with db.write() as session:
                await load_reference_data(session)
                await load_sharing_catalogue(session, clock.now())
                await load_time_limits(session, clock.now())
            if generated:
                demo.announce_tokens(tokens, settings)
        await feed.start()
        policy_watch.start()
        loops = [outbox.background(), scheduler.background(), collector.background(),
                 checkpointer(db, key, clock.now, settings.audit_checkpoint_seconds)]
        for loop in loops:
            loop.start()
        yield
        for loop in loops:
            await loop.stop()
        await audit.stop()
        await policy_watch.stop()
        await feed.stop()
        await db.dispose()

    async def jwks(_: Request) -> JSONResponse:
        return JSONResponse(keys.public_keyset(key))

    async def healthz(_: Request) -> JSONResponse:
        """The process is up (which one: `hub serve --workers N` runs several behind one port)."""
        return JSONResponse({"status": "ok", "process": os.getpid()})

    async def readyz(_: Request) -> JSONResponse:
        """The database answers, its schema is at the newest migration and the catalogue is loaded."""
        if reason := await readiness.unready_reason(db):
            return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503, headers=RETRY_AFTER)
        return JSONResponse({"status": "ready", "migration": migrate.head_revision(settings.database_url)})

    async def prometheus(_: Request) -> Response:
        body = await metrics.render(db, feed, clock.now())
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    app = Starlette(
        routes=[
            Route("/graphql", ide.GraphiQLPage(graphql, settings), methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/.well-known/jwks.json", jwks),
            Route("/oauth/token", token_endpoint(db, tokens, settings.client_token_ttl_seconds), methods=["POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", prometheus),
            *file_endpoints.routes(),
            *form_endpoints.routes(),
            *ide.routes(settings),
            *console.routes(settings),
        ],
        middleware=[
            Middleware(ServerTimingMiddleware),
            Middleware(RequestIdMiddleware),
            Middleware(LocaleMiddleware),  # outside the faults: their answers speak the caller's language too
            Middleware(FaultMiddleware),
            Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, own_limits=("/files",)),  # within: its refusal is no fault
            Middleware(GraphQLRequestLimits, limits=limits, metrics=metrics),  # refusals cost no token check
            Middleware(BearerAuthMiddleware, tokens=tokens, policies=policies),
        ],
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.tokens = tokens
    app.state.policies = policies
    app.state.outbox = outbox
    app.state.clock = clock
    app.state.scheduler = scheduler
    app.state.file_store = store
    app.state.file_collector = collector
    return app
