"""`HubClient`: GraphQL over HTTP for one utility — queries, the work queue and idempotent write-back (回传)."""

import hashlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import httpx

from kaifeng_hub_client.auth import TokenSource
from kaifeng_hub_client.errors import DownloadError, HubError, UserError, WriteRefused

JSON = dict[str, Any]
WriteAction = Literal["acknowledge", "accept", "request_materials", "complete", "reject", "confirm_preconditions"]

ASSIGNMENT_FIELDS = """
id version service status organisationCode accountNumber reason
result { accountNumber remarks }
createdAt updatedAt
materials { complete }
case { id number caseType status }
"""
"""The assignment fields `work_queue` and `assignment` select unless given others."""

_WRITE_PAYLOAD = ("assignment { id status version reason result { accountNumber remarks }"
                  " materialsOverride { reason overriddenBy overriddenAt } } errors { field code message }")
_KEY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:kaifeng-hub:idempotency-key")


def idempotency_key(assignment_id: str, action: WriteAction, expected_version: int) -> str:
    """The default idempotency key of a write (a UUID).

    The same assignment, action and expected version always give the same key, so blindly retrying a write
    whose answer was lost returns the first result instead of applying it twice; the next write of the same
    action (from a later version) gets a new key.
    """
    return str(uuid.uuid5(_KEY_NAMESPACE, f"{action}\n{expected_version}\n{assignment_id}"))


class HubClient:
    """One utility's connection to the hub. Use `async with HubClient(...) as hub:` or call `aclose()`.

    `base_url` is the hub's root, e.g. `https://hub.example.cn`; the API is at `<base_url>/graphql`.
    """

    def __init__(self, base_url: str, auth: TokenSource, *, timeout: float = 30.0,
                 transport: httpx.AsyncBaseTransport | None = None, language: str | None = None):
        """`language`: of the hub's messages, sent as Accept-Language (e.g. "en"); without it they are in
        Simplified Chinese. Codes and field paths are the same in every language."""
        self.auth = auth
        self.headers = {"Accept-Language": language} if language else {}
        root = httpx.URL(base_url)
        path = root.path.rstrip("/") + "/graphql"
        self.graphql_url = str(root.copy_with(path=path))
        self.ws_url = str(root.copy_with(scheme={"https": "wss"}.get(root.scheme, "ws"), path=path))
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport, headers=self.headers)

    async def __aenter__(self) -> "HubClient":
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def query(self, document: str, variables: Mapping[str, Any] | None = None) -> JSON:
        """Run a query or mutation and return its `data`; raises `HubError` if the answer has `errors`.

        An HTTP 401 (token expired or revoked) makes the token source renew the token, once.
        """
        body = {"query": document, "variables": dict(variables or {})}
        token = await self.auth.token()
        response = await self._post(body, token)
        if response.status_code == 401 and self.auth.expire(token):
            response = await self._post(body, await self.auth.token())
        return _data(response)

    async def work_queue(self, statuses: Iterable[str] | None = None, service: str | None = None, first: int = 50,
                         fields: str = ASSIGNMENT_FIELDS) -> AsyncIterator[JSON]:
        """Yield this organisation's assignments, oldest first, fetching `first` per page."""
        flt: JSON = {}
        if statuses is not None:
            flt["statuses"] = list(statuses)
        if service is not None:
            flt["service"] = service
        document = (
            "query($filter: WorkQueueFilterInput, $first: Int!, $after: String) {"
            " workQueue(filter: $filter, first: $first, after: $after) {"
            f" edges {{ cursor node {{ {fields} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
        )
        after: str | None = None
        while True:
            page = (await self.query(document, {"filter": flt or None, "first": first, "after": after}))["workQueue"]
            for edge in page["edges"]:
                yield edge["node"]
            if not page["pageInfo"]["hasNextPage"]:
                return
            after = page["pageInfo"]["endCursor"]

    async def assignment(self, id: str, fields: str = ASSIGNMENT_FIELDS) -> JSON | None:
        """One assignment by global id; None if it does not exist or is not this organisation's."""
        document = f"query($id: ID!) {{ node(id: $id) {{ ... on Assignment {{ {fields} }} }} }}"
        node = (await self.query(document, {"id": id}))["node"]
        return node if node and "id" in node else None  # a case's id matches no fragment: {}

    async def acknowledge(self, assignment_id: str, expected_version: int, idempotency_key: str | None = None) -> JSON:
        """PENDING → RECEIVED. Returns the assignment as written."""
        return await self._write("acknowledge", "acknowledgeAssignment", "AssignmentWriteInput",
                                 assignment_id, expected_version, idempotency_key, {})

    async def accept(self, assignment_id: str, expected_version: int, idempotency_key: str | None = None) -> JSON:
        """受理: RECEIVED → ACCEPTED."""
        return await self._write("accept", "acceptAssignment", "AssignmentWriteInput",
                                 assignment_id, expected_version, idempotency_key, {})

    async def request_materials(self, assignment_id: str, expected_version: int, reason: str,
                                idempotency_key: str | None = None) -> JSON:
        """补正: RECEIVED or ACCEPTED → NEEDS_MATERIALS, telling the applicant why."""
        return await self._write("request_materials", "requestMaterials", "AssignmentReasonInput",
                                 assignment_id, expected_version, idempotency_key, {"reason": reason})

    async def complete(self, assignment_id: str, expected_version: int, account_number: str,
                       remarks: str | None = None, idempotency_key: str | None = None,
                       override_incomplete_materials: str | None = None) -> JSON:
        """办结: ACCEPTED → COMPLETED with the new or transferred 户号.

        With materials incomplete (材料齐全即时办理) the hub refuses (`ValidationError` on `input`, naming what is
        missing) unless `override_incomplete_materials` says why you complete anyway (at most 500 characters), e.g.
        "房产证原件已在营业厅核验，复印件次日补交"; the reason is kept on the assignment (`materialsOverride`) and in
        the audit. An override where nothing is missing is refused (`overrideIncompleteMaterials` INVALID).
        """
        extra: JSON = {"result": {"accountNumber": account_number, "remarks": remarks}}
        if override_incomplete_materials is not None:
            extra["overrideIncompleteMaterials"] = {"reason": override_incomplete_materials}
        return await self._write("complete", "completeAssignment", "CompleteAssignmentInput",
                                 assignment_id, expected_version, idempotency_key, extra)

    async def confirm_preconditions(self, assignment_id: str, expected_version: int, met_on: Mapping[str, str],
                                    idempotency_key: str | None = None) -> JSON:
        """State that preconditions of the catalogue were met, code → ISO day (a gas transfer:
        `{"GAS_SAFETY_CHECK_DONE": "2026-11-20", "GAS_FEES_SETTLED": "2026-11-21"}`); completing needs them all."""
        items = [{"code": code, "on": day} for code, day in met_on.items()]
        return await self._write("confirm_preconditions", "confirmPreconditions", "ConfirmPreconditionsInput",
                                 assignment_id, expected_version, idempotency_key, {"preconditions": items})

    async def reject(self, assignment_id: str, expected_version: int, reason: str,
                     idempotency_key: str | None = None) -> JSON:
        """Refuse any open assignment, saying why."""
        return await self._write("reject", "rejectAssignment", "AssignmentReasonInput",
                                 assignment_id, expected_version, idempotency_key, {"reason": reason})

    async def download_file(self, file: Mapping[str, Any] | None, path: str | os.PathLike[str]) -> Path:
        """Save a material's scan to `path` and return it. `file` is the material's `file` as read, selected with
        `downloadUrl` (a short-lived link needing no token) and `sha256` (checked when selected).

        Raises `DownloadError` when there is no link (no file, or not granted to you), the hub refuses the link
        (404: it expired — read the material again for a fresh one — or the material is no longer yours to read),
        or the bytes are not the file's; `path` is then left as it was. The file appears at `path` whole or not at all.
        """
        url = (file or {}).get("downloadUrl")
        if not url:
            raise DownloadError("the material has no file you may download (no downloadUrl)")
        target = Path(path)
        handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                digest = await self._fetch(url, out)
            expected = (file or {}).get("sha256")
            if expected and digest != expected:
                raise DownloadError(f"the file downloaded has SHA-256 {digest}, not the material's {expected}")
            os.replace(partial, target)
        except BaseException:
            os.unlink(partial)
            raise
        return target

    async def _fetch(self, url: str, out: Any) -> str:
        """Stream `url` into `out`; the SHA-256 of what was written."""
        digest = hashlib.sha256()
        async with self._http.stream("GET", url) as response:
            if response.status_code != 200:
                raise DownloadError(f"the hub refused the download link (HTTP {response.status_code}); read the "
                                    "material again for a fresh one", response.status_code)
            async for chunk in response.aiter_bytes():
                digest.update(chunk)
                out.write(chunk)
        return digest.hexdigest()

    async def _write(self, action: WriteAction, mutation: str, input_type: str, assignment_id: str,
                     expected_version: int, key: str | None, extra: JSON) -> JSON:
        """Run one write-back mutation; raises the `WriteRefused` subclass matching its errors."""
        fields = {
            "assignmentId": assignment_id,
            "expectedVersion": expected_version,
            "idempotencyKey": key or idempotency_key(assignment_id, action, expected_version),
            **extra,
        }
        document = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ {_WRITE_PAYLOAD} }} }}"
        payload = (await self.query(document, {"input": fields}))[mutation]
        if payload["errors"]:
            raise WriteRefused.of(mutation, [UserError(e.get("field"), e["code"], e["message"])
                                             for e in payload["errors"]])
        written: JSON = payload["assignment"]
        return written

    async def _post(self, body: JSON, token: str) -> httpx.Response:
        return await self._http.post(self.graphql_url, json=body, headers={"Authorization": f"Bearer {token}"})


def _data(response: httpx.Response) -> JSON:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("errors"):
        messages = "; ".join(str(e.get("message", e)) for e in body["errors"])
        raise HubError(messages, body["errors"])
    response.raise_for_status()
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise HubError(f"unexpected answer from the hub (HTTP {response.status_code})")
    return data
