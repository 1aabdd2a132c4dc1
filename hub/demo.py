"""Ready-made tokens for a newcomer on the embedded default (never in production)."""

import ipaddress
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from hub.auth.tokens import TokenService
from hub.config import Settings
from hub.enums import Role

DEMO_PRINCIPALS = [
    ("demo-applicant", None, Role.APPLICANT),
    ("demo-clerk", "KF-DATA", Role.CLERK),
    ("demo-platform", "KF-DATA", Role.PLATFORM),
    ("demo-water", "KF-WATER", Role.UTILITY),
    ("demo-power", "KF-POWER", Role.UTILITY),
    ("demo-gas", "KF-GAS", Role.UTILITY),
    ("demo-heat", "KF-HEAT", Role.UTILITY),
    ("demo-telecom", "KF-TELECOM", Role.UTILITY),
    ("demo-governance", "KF-DATA", Role.GOVERNANCE),
    ("demo-supervisor", "KF-CGJ", Role.SUPERVISOR),
]


def announce_tokens(tokens: TokenService, settings: Settings) -> None:
    """Print a token per role and keep them in <data_dir>/demo-tokens.txt."""
    if not settings.is_embedded:
        raise RuntimeError("demo tokens exist only on the embedded default")
    lines = ["# Demo tokens (embedded default only). GraphiQL at /graphql and the console at /console/ offer them;",
             "# other clients send the header  Authorization: Bearer <token>"]
    for subject, org, role in DEMO_PRINCIPALS:
        token = tokens.issue(subject=subject, organisation=org, roles=[role], ttl_seconds=settings.demo_token_ttl_seconds)
        lines.append(f"{role.value:<11} {org or '-':<11} {token}")
    text = "\n".join(lines) + "\n"
    path = tokens_file(settings)
    path.write_text(text)
    print(text + f"# (saved to {path})", flush=True)


def tokens_file(settings: Settings) -> Path:
    return settings.data_dir / "demo-tokens.txt"


def read_tokens(settings: Settings) -> list[dict[str, str | None]]:
    """The demo tokens saved on first start, as `{role, organisation, token}`; none if the file is absent."""
    if not settings.is_embedded:
        raise RuntimeError("demo tokens exist only on the embedded default")
    path = tokens_file(settings)
    lines = path.read_text().splitlines() if path.exists() else []
    found = []
    for line in lines:
        if line.strip() and not line.startswith("#"):
            role, org, token = line.split()
            found.append({"role": role, "organisation": None if org == "-" else org, "token": token})
    return found


LOOPBACK_NAMES = {"localhost"}


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def offered(settings: Settings) -> bool:
    """Demo tokens exist only on the embedded default, and are offered only when nothing but this machine can ask."""
    return settings.is_embedded and is_loopback(settings.host)


def tokens_endpoint(settings: Settings):  # type: ignore[no-untyped-def]
    """The saved demo tokens for a page of this hub (GraphiQL, the console)."""
    async def demo_tokens(request: Request) -> Response:
        # A page of another site (even one whose name resolves to 127.0.0.1) must not read them: loopback only,
        # by the peer's address and by the name it asked for.
        if not (is_loopback(request.client.host if request.client else None) and is_loopback(request.url.hostname)):
            return PlainTextResponse("Not Found", status_code=404)
        return JSONResponse(read_tokens(settings), headers={"Cache-Control": "no-store"})

    return demo_tokens
