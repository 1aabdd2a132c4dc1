"""The file endpoints: `POST /files` (upload, bearer token) and `GET /files/{link}` (download by signed link).

A download answers 404 with the same body for a link that is malformed,
expired, forged, names a missing material, or names one the caller may not
have: nothing tells these apart. Every download, and every refused one whose
link was genuine, is audited like a read of personal data.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.clock import Clock
from hub.config import Settings
from hub.db import Database
from hub.errors import ErrorCode, HubError, InvalidInput
from hub.files import service
from hub.files.content import Received, TooLarge, receive
from hub.files.links import FileLinks
from hub.files.models import StoredFile
from hub.files.served import commit_audit, error_response, open_link, private_headers
from hub.files.store import FileStore
from hub.i18n import _l, localise
from hub.policy import access
from hub.policy import plan as policy_plan
from hub.policy.plan import AccessPlan, writes_of
from hub.policy.snapshot import PolicyStore

log = logging.getLogger("hub.files")
STATUS = {ErrorCode.FORBIDDEN: 403, ErrorCode.OUT_OF_RANGE: 413, ErrorCode.INVALID: 415}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@dataclass
class FileEndpoints:
    db: Database
    policies: PolicyStore
    clock: Clock
    store: FileStore
    links: FileLinks
    settings: Settings

    def routes(self) -> list[Route]:
        return [Route("/files", self.upload, methods=["POST"]),
                Route("/files/{link}", self.download, methods=["GET"])]

    async def upload(self, request: Request) -> Response:
        principal: Principal = request.state.principal  # set by the bearer-token middleware
        now = self.clock.now()
        plan = policy_plan.decide(request.state.policy, principal, now)
        limit = self.settings.file_max_bytes
        try:
            access.ensure_may_upload(writes_of(plan.lanes))  # before reading a byte of the body
            if request.headers.get("content-type", "").startswith("multipart/"):
                raise service.not_a_form()
            if int(request.headers.get("content-length") or 0) > limit:
                raise service.too_large(limit)
            try:
                received = await receive(request.stream(), limit)
            except TooLarge:
                raise service.too_large(limit) from None
            try:
                stored = await self._accept(principal, plan, received, now)
            finally:
                received.body.close()
        except HubError as error:
            await self._audit(principal, "uploadFile", "WRITE", now, outcome=error.code.value)
            return _refusal(error)
        return JSONResponse({"sha256": stored.sha256, "size": stored.size, "contentType": stored.content_type},
                            status_code=201)

    async def _accept(self, principal: Principal, plan: AccessPlan, received: Received, now: datetime) -> StoredFile:
        async with self.db.write() as session:
            stored = await service.accept_upload(
                session, self.store, principal=principal, plan=plan, received=received,
                allowed_types=list(self.settings.file_types),
                grace=timedelta(seconds=self.settings.file_upload_grace_seconds), now=now)
            await audit.append(session, [audit.entry(principal, kind="WRITE", operation="uploadFile", at=now,
                                                     outcome="OK")])
        return stored

    async def download(self, request: Request) -> Response:
        now = self.clock.now()
        opened = await open_link(self.links, self.policies, request.path_params["link"], now)
        if opened is None:
            return _not_found()
        link = opened.link
        plan = policy_plan.decide(opened.snapshot, link.principal, now)
        async with self.db.read() as session:
            found = await service.downloadable(session, plan, link.material_id)
        content = await self.store.open(found.material.file_sha256) if found else None
        if found and content is None:
            log.error("material %s names file %s, which the store does not have", found.material.id,
                      found.material.file_sha256)
        if content is None:
            await self._audit(link.principal, "downloadMaterialFile", "READ", now, outcome="NOT_FOUND")
            return _not_found()
        material = found.material
        try:
            await self._audit(link.principal, "downloadMaterialFile", "READ", now, outcome="OK",
                              case_id=material.case_id, items=[access.FILE_ITEM], grants=found.grants)
        except BaseException:
            await content.close()
            raise
        name = f"{material.file_sha256}.{EXTENSIONS.get(material.file_content_type, 'bin')}"
        return StreamingResponse(content.chunks(), media_type=material.file_content_type, headers={
            "Content-Length": str(material.file_size), **private_headers("attachment", name)})

    async def _audit(self, principal: Principal, operation: str, kind: str, now: datetime, **fields: object) -> None:
        await commit_audit(self.db, [audit.entry(principal, kind=kind, operation=operation, at=now, **fields)])


def _not_found() -> JSONResponse:
    """The one answer to every download that does not happen."""
    return error_response(404, "NOT_FOUND", _l("no such file"))


def _refusal(error: HubError) -> JSONResponse:
    if isinstance(error, InvalidInput):
        problems = [{"field": p.field, "code": p.code.value, "message": localise(p.message)} for p in error.problems]
    else:
        problems = [{"field": None, "code": error.code.value, "message": localise(error.message)}]
    return JSONResponse({"errors": problems}, status_code=STATUS.get(ErrorCode(problems[0]["code"]), 400))
