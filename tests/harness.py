"""Runs the real hub on a real port in a background thread, against a throw-away database."""

import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import uvicorn
from sqlalchemy.engine import make_url

from hub.app import create_app
from hub.config import Settings
from hub.enums import Role

BACKEND = os.environ.get("HUB_TEST_DATABASE", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get("HUB_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
# The suite's callers read the hub's messages in English; Chinese, the default, is tested in test_messages_locale.py.
ENGLISH = {"Accept-Language": "en"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_database(tmp: Path, backend: str = BACKEND) -> str:
    """A fresh, empty database of the backend under test; returns its SQLAlchemy URL."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp / f'hub-{uuid.uuid4().hex[:8]}.sqlite3'}"
    name = f"hub_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


async def drop_database(url: str) -> None:
    if make_url(url).get_backend_name() == "sqlite":
        return
    name = make_url(url).database
    conn = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


class ServerThread:
    """An ASGI app served by uvicorn on a free loopback port, in its own thread and event loop."""

    def __init__(self, app, **options):  # type: ignore[no-untyped-def]
        self.app = app
        self.port = free_port()
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on",
                                **options)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):  # type: ignore[no-untyped-def]
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("hub did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


CHECKOUT = Path(__file__).resolve().parent.parent


def outside_checkout(settings: Settings) -> Settings:
    """Tests keep their files in tmp_path: a hub whose key, data or SMS log would land in the checkout is a
    test mistake (a Settings without data_dir writes to ./var)."""
    for path in (settings.data_dir, settings.key_file, settings.sms_log_file or settings.data_dir / "sms.log"):
        if path.resolve().is_relative_to(CHECKOUT):
            raise AssertionError(f"test hub would write {path} into the checkout: pass data_dir=tmp_path")
    return settings


class RunningHub(ServerThread):
    """The real hub, like a deployment: HTTP and WebSocket on a real port."""

    def __init__(self, settings: Settings):
        self.settings = outside_checkout(settings)
        self.http: httpx.AsyncClient | None = None  # set by fixtures that give the hub its own client
        super().__init__(create_app(settings), ws_max_size=settings.max_body_bytes)  # as `hub serve` runs it

    def client(self, role: Role, org: str | None = None, subject: str | None = None) -> "GraphQLClient":
        assert self.http is not None
        return GraphQLClient(self.http, self.token(role, org, subject))

    def token(self, role: Role, org: str | None = None, subject: str | None = None, ttl: int = 4 * 3600) -> str:
        """Session fixtures hold these for the whole run: they must outlive a slow run on a busy machine."""
        return self.roles_token([role], org, subject, ttl)

    def roles_token(self, roles: list[Role], org: str | None = None, subject: str | None = None,
                    ttl: int = 4 * 3600) -> str:
        """A token for a principal holding several roles at once (as an OIDC user or an OAuth client may)."""
        name = "+".join(r.value.lower() for r in roles)
        return self.app.state.tokens.issue(subject=subject or f"{name}-{org or 'x'}", organisation=org, roles=roles,
                                           ttl_seconds=ttl)


@dataclass
class GraphQLClient:
    """Speaks GraphQL over HTTP as one caller."""

    http: httpx.AsyncClient
    token: str | None

    async def raw(self, query: str, variables: dict | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    async def run(self, query: str, variables: dict | None = None) -> dict:
        """The `data` of a successful response; fails the test on transport or GraphQL errors."""
        response = await self.raw(query, variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert not body.get("errors"), body["errors"]
        return body["data"]

    async def errors(self, query: str, variables: dict | None = None) -> list[dict]:
        response = await self.raw(query, variables)
        assert response.status_code == 200, response.text
        return response.json().get("errors") or []


class ExternalIssuer:
    """A stand-in single-sign-on issuer: signs tokens and publishes its public keys as JWKS."""

    issuer = "https://sso.kaifeng.test"

    def __init__(self) -> None:
        self.jwks_url = ""
        self.fetches = 0
        self.rotate()

    def rotate(self) -> None:
        from joserfc.jwk import RSAKey

        self.key = RSAKey.generate_key(2048, parameters={"kid": uuid.uuid4().hex[:8], "use": "sig"}, private=True)

    def app(self):  # type: ignore[no-untyped-def]
        from starlette.applications import Starlette
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        async def jwks(_request):  # type: ignore[no-untyped-def]
            self.fetches += 1
            return JSONResponse({"keys": [self.key.as_dict(private=False)]})

        return Starlette(routes=[Route("/jwks", jwks)])

    def token(self, *, subject: str, roles: list[str], org: str | None = None, audience: str = "kaifeng-hub",
              ttl: int = 300, key=None) -> str:  # type: ignore[no-untyped-def]
        from joserfc import jwt

        key = key or self.key
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": audience, "sub": subject, "iat": now, "exp": now + ttl, "roles": roles}
        if org:
            claims["org"] = org
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
