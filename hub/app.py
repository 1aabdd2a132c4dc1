"""The Starlette application: lifespan (database, keys, embedded set-up), auth and routes."""

import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from hub import demo, migrate
from hub.auth import keys
from hub.auth.middleware import BearerAuthMiddleware
from hub.auth.oauth import token_endpoint
from hub.auth.tokens import TokenService
from hub.config import Settings, get_settings
from hub.db import Database
from hub.events.feed import EventFeed
from hub.observability.logs import RequestIdMiddleware
from hub.observability.metrics import HubMetrics
from hub.observability.timing import ServerTimingMiddleware
from hub.notifications.senders import LogSender, Sender, WebhookSender
from hub.notifications.worker import OutboxWorker
from hub.graphql.http import BodyLimitMiddleware, GraphQLRequestLimits
from hub.graphql.limits import QueryLimits
from hub.graphql.schema import schema
from hub.graphql.view import HubGraphQL
from hub.catalogue.loader import load_sharing_catalogue
from hub.timelimits.loader import load_time_limits
from hub.timelimits.scheduler import TimeLimitScheduler
from hub.clock import Clock, utcnow
from hub.policy.snapshot import PolicyStore
from hub.reference.loader import load_reference_data

log = logging.getLogger("hub")


def sms_sender(settings: Settings) -> Sender:
    if settings.sms_sender == "webhook":
        if not settings.sms_webhook_url:
            raise ValueError("HUB_SMS_SENDER=webhook needs HUB_SMS_WEBHOOK_URL")
        return WebhookSender(settings.sms_webhook_url, settings.sms_webhook_token)
    return LogSender(settings.sms_log_file or settings.data_dir / "sms.log")


async def _version(policies: PolicyStore) -> int:
    return (await policies.current()).version


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    if settings.is_embedded:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    key, generated = keys.load_or_generate(settings.key_file, may_generate=settings.is_embedded)
    tokens = TokenService(key=key, issuer=settings.issuer, audience=settings.audience, trusted=settings.oidc_issuers)
    db = Database(settings.database_url, pool_size=settings.db_pool_size)
    policies = PolicyStore(db)
    feed = EventFeed(db, queue_size=settings.subscription_queue_size)
    clock = Clock()
    metrics = HubMetrics()
    limits = QueryLimits.configured(settings, schema._schema)
    graphql = HubGraphQL(db=db, tokens=tokens, policies=policies, feed=feed, clock=clock, metrics=metrics,
                         limits=limits)
    outbox = OutboxWorker(db, sms_sender(settings), retry_base_seconds=settings.sms_retry_base_seconds,
                          max_attempts=settings.sms_max_attempts)
    scheduler = TimeLimitScheduler(db, clock.now, scan_seconds=settings.time_limit_scan_seconds)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if settings.is_embedded:
            migrate.upgrade(settings.database_url)
            async with db.write() as session:
                await load_reference_data(session)
                await load_sharing_catalogue(session, utcnow())
                await load_time_limits(session, utcnow())
            if generated:
                demo.announce_tokens(tokens, settings)
        await feed.start(policy_version=lambda: _version(policies))
        loops = [outbox.background(), scheduler.background()]
        for loop in loops:
            loop.start()
        yield
        for loop in loops:
            await loop.stop()
        await feed.stop()
        await db.dispose()

    async def jwks(_: Request) -> JSONResponse:
        return JSONResponse(keys.public_keyset(key))

    async def healthz(_: Request) -> JSONResponse:
        """The process is up."""
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        """The database answers and its schema is at the newest migration."""
        try:
            current = await migrate.current_revision(settings.database_url)
        except Exception as exc:  # noqa: BLE001  (any failure means not ready)
            return JSONResponse({"status": "unavailable", "reason": f"database: {type(exc).__name__}"}, status_code=503)
        head = migrate.head_revision(settings.database_url)
        if current != head:
            return JSONResponse({"status": "unavailable", "reason": f"migrations at {current}, head is {head}"},
                                status_code=503)
        return JSONResponse({"status": "ready", "migration": current})

    async def prometheus(_: Request) -> Response:
        body = await metrics.render(db, feed, clock.now())
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/.well-known/jwks.json", jwks),
            Route("/oauth/token", token_endpoint(db, tokens, settings.client_token_ttl_seconds), methods=["POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", prometheus),
        ],
        middleware=[
            Middleware(ServerTimingMiddleware),
            Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
            Middleware(RequestIdMiddleware),
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
    return app
