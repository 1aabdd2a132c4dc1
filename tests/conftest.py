"""Fixtures: one running hub per test session on the backend named by HUB_TEST_DATABASE."""

from pathlib import Path

import httpx
import pytest

from hub.auth import keys
from hub.config import Settings
from hub.enums import Role
from tests.harness import BACKEND, CHECKOUT, ENGLISH, ExternalIssuer, GraphQLClient, RunningHub, ServerThread, create_database, drop_database


def pytest_report_header() -> str:
    return f"hub test backend: {BACKEND}"


def _files(directory: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in directory.rglob("*") if p.is_file()}


CHECKOUT_VAR = CHECKOUT / "var"  # the embedded default's files when someone runs `make run` here
_VAR_BEFORE = _files(CHECKOUT_VAR)  # taken when the suite starts, before any hub runs


@pytest.fixture(scope="session", autouse=True)
def checkout_var_untouched():  # type: ignore[no-untyped-def]
    """Fails the run if anything in it — a hub, a subprocess, a CLI call — wrote into the checkout's var/."""
    yield
    changed = sorted(set(_files(CHECKOUT_VAR).items()) ^ set(_VAR_BEFORE.items()))
    assert not changed, f"the tests wrote into the checkout's var/: {sorted({path for path, _ in changed})}"


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory):  # type: ignore[no-untyped-def]
    url = await create_database(tmp_path_factory.mktemp("db"))
    yield url
    await drop_database(url)


@pytest.fixture(scope="session")
def sso():  # type: ignore[no-untyped-def]
    """An external OIDC issuer: a JWKS endpoint on loopback whose keys the tests can rotate."""
    issuer = ExternalIssuer()
    server = ServerThread(issuer.app()).start()
    issuer.jwks_url = f"{server.url}/jwks"
    yield issuer
    server.stop()


@pytest.fixture(scope="session")
def hub(database_url, tmp_path_factory, sso):  # type: ignore[no-untyped-def]
    data_dir = tmp_path_factory.mktemp("var")
    keys.generate(data_dir / "signing-key.json")  # an existing key: no demo tokens printed into test output
    settings = Settings(
        environment="embedded", database_url=database_url, data_dir=data_dir,
        oidc_issuers=[{"issuer": sso.issuer, "jwks_url": sso.jwks_url, "audience": "kaifeng-hub"}],
    )
    running = RunningHub(settings).start()
    yield running
    running.stop()


@pytest.fixture
async def own_hub(tmp_path):  # type: ignore[no-untyped-def]
    """A hub of its own on a fresh database, for tests that break the database (it reaches no other test).
    SQLite writes wait 0.3 s for a lock held elsewhere."""
    url = await create_database(tmp_path)
    keys.generate(tmp_path / "signing-key.json")
    running = RunningHub(Settings(environment="embedded", database_url=url, data_dir=tmp_path,
                                  sqlite_busy_timeout_seconds=0.3)).start()
    async with httpx.AsyncClient(headers=ENGLISH, base_url=running.url, timeout=30) as client:
        running.http = client
        yield running
    running.stop()
    await drop_database(url)


@pytest.fixture(scope="session")
async def http(hub):  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(headers=ENGLISH, base_url=hub.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def as_role(hub, http):  # type: ignore[no-untyped-def]
    """as_role(Role.UTILITY, "KF-WATER") → a GraphQL client holding that caller's token."""

    def make(role: Role, org: str | None = None, subject: str | None = None) -> GraphQLClient:
        return GraphQLClient(http, hub.token(role, org, subject))

    return make


@pytest.fixture(scope="session")
def as_roles(hub, http):  # type: ignore[no-untyped-def]
    """as_roles([Role.UTILITY, Role.PLATFORM], "KF-WATER") → a GraphQL client of a principal holding both roles."""

    def make(roles: list[Role], org: str | None = None, subject: str | None = None) -> GraphQLClient:
        return GraphQLClient(http, hub.roles_token(roles, org, subject))

    return make


@pytest.fixture(scope="session")
def clerk(as_role):  # type: ignore[no-untyped-def]
    return as_role(Role.CLERK, "KF-DATA", "clerk-wang")


@pytest.fixture(scope="session")
def utilities(as_role):  # type: ignore[no-untyped-def]
    return {
        service: as_role(Role.UTILITY, org, f"operator-{org.lower()}")
        for service, org in {
            "WATER": "KF-WATER", "ELECTRICITY": "KF-POWER", "GAS": "KF-GAS", "HEATING": "KF-HEAT", "TELECOM": "KF-TELECOM",
        }.items()
    }
