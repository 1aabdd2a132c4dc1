"""Ready-made tokens for a newcomer on the embedded default (never in production)."""

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
    lines = ["# Demo tokens (embedded default only). In GraphiQL, add the header:",
             '#   {"Authorization": "Bearer <token>"}']
    for subject, org, role in DEMO_PRINCIPALS:
        token = tokens.issue(subject=subject, organisation=org, roles=[role], ttl_seconds=settings.demo_token_ttl_seconds)
        lines.append(f"{role.value:<11} {org or '-':<11} {token}")
    text = "\n".join(lines) + "\n"
    path = settings.data_dir / "demo-tokens.txt"
    path.write_text(text)
    print(text + f"# (saved to {path})", flush=True)
