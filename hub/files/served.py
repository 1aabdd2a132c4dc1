"""What the endpoints that hand out a record share: a material's file (`GET /files/{link}`) and a printed
application form (`GET /forms/{link}`, `GET /cases/{number}/application-form.pdf`).

- A signed link is honoured only while it is valid and current and the client it was made for is still
  active under the policy in force; anything else is answered like a record that does not exist.
- Errors have the API's shape (`{"errors": [{field, code, message}]}`), the message in the caller's language.
- The audit records are committed before the content leaves the hub.
- The content is private: never cached, never sniffed.
"""

from dataclasses import dataclass
from datetime import datetime

from starlette.responses import JSONResponse

from hub.audit import service as audit
from hub.db import Database
from hub.errors import Unauthenticated
from hub.files.links import FileLinks, Link
from hub.i18n import localise
from hub.policy import access
from hub.policy.snapshot import PolicySnapshot, PolicyStore


@dataclass(frozen=True)
class Opened:
    link: Link
    snapshot: PolicySnapshot  # the policy in force, which decides access again


async def open_link(links: FileLinks, policies: PolicyStore, token: str, now: datetime) -> Opened | None:
    """The record and caller a link names, with the policy in force; None for a link that is malformed,
    expired, forged or of another kind, or whose client has since been disabled or its secret rotated."""
    link = links.verify(token, now)
    if link is None:
        return None
    snapshot = await policies.current()
    try:
        access.ensure_client_active(snapshot, link.principal)
    except Unauthenticated:
        return None
    return Opened(link, snapshot)


def error_response(status: int, code: str, message: str) -> JSONResponse:
    """One error in the API's shape; `message` is localised for the caller."""
    return JSONResponse({"errors": [{"field": None, "code": code, "message": localise(message)}]}, status_code=status)


async def commit_audit(db: Database, records: list[dict]) -> None:
    """Committed before the answer leaves the hub: no content without its audit record."""
    async with db.write() as session:
        await audit.append(session, records)


def private_headers(disposition: str, filename: str) -> dict[str, str]:
    """`disposition`: `inline` (shown in the browser) or `attachment` (saved)."""
    return {
        "Content-Disposition": f'{disposition}; filename="{filename}"',
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
