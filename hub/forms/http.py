"""The printed application form as a PDF:

- `GET /cases/{number}/application-form.pdf` with the caller's bearer token (a window's or a system's);
- `GET /forms/{link}` by the short-lived signed link `Case.applicationFormUrl` gives (a browser, no token).

Either way the policy in force decides, and the print is audited. A case the caller does not see, an unknown
number, and an expired, forged or foreign link all answer the same 404.
"""

import logging
import uuid
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.audit import service as audit
from hub.audit.service import ReadLog
from hub.auth.principal import Principal
from hub.clock import Clock
from hub.db import Database
from hub.errors import Forbidden
from hub.files.links import FileLinks
from hub.files.served import commit_audit, error_response, open_link, private_headers
from hub.forms import service
from hub.i18n import _l
from hub.policy import plan as policy_plan
from hub.policy.snapshot import PolicySnapshot, PolicyStore

log = logging.getLogger("hub.forms")
OPERATION = "printApplicationForm"


@dataclass
class FormEndpoints:
    db: Database
    policies: PolicyStore
    clock: Clock
    links: FileLinks

    def routes(self) -> list[Route]:
        return [Route("/cases/{number}/application-form.pdf", self.by_number, methods=["GET"]),
                Route(f"/{self.links.route}/{{link}}", self.by_link, methods=["GET"])]

    async def by_number(self, request: Request) -> Response:
        principal: Principal = request.state.principal  # set by the bearer-token middleware
        return await self._print(principal, request.state.policy, number=request.path_params["number"])

    async def by_link(self, request: Request) -> Response:
        opened = await open_link(self.links, self.policies, request.path_params["link"], self.clock.now())
        if opened is None:
            return _not_found()
        return await self._print(opened.link.principal, opened.snapshot, case_id=opened.link.material_id)

    async def _print(self, principal: Principal, snapshot: PolicySnapshot, *, number: str | None = None,
                     case_id: uuid.UUID | None = None) -> Response:
        now = self.clock.now()
        plan = policy_plan.decide(snapshot, principal, now)
        reads = ReadLog()
        try:
            async with self.db.read() as session:
                printed = await service.print_form(session, plan, reads, now=now, case_id=case_id, number=number)
        except Forbidden as error:
            await commit_audit(self.db, [audit.entry(principal, kind="READ", operation=OPERATION, at=now,
                                                     outcome="FORBIDDEN")])
            return error_response(403, "FORBIDDEN", error.message)
        if printed is None:
            await commit_audit(self.db, [audit.entry(principal, kind="READ", operation=OPERATION, at=now,
                                                     outcome="NOT_FOUND")])
            return _not_found()
        await commit_audit(self.db, reads.take(principal, OPERATION, now) or [
            audit.entry(principal, kind="READ", operation=OPERATION, at=now, case_id=printed.case_id, outcome="OK")])
        return Response(printed.pdf, media_type="application/pdf",
                        headers=private_headers("inline", f"{printed.number}-{printed.form.lower()}.pdf"))


def form_links(key, issuer: str, audience: str, ttl_seconds: int) -> FileLinks:  # type: ignore[no-untyped-def]
    return FileLinks(key, issuer, audience, ttl_seconds, kind="application-form", route="forms")


def _not_found() -> JSONResponse:
    """The one answer to a form that is not printed: unknown, not yours, or a bad link."""
    return error_response(404, "NOT_FOUND", _l("no such case"))
