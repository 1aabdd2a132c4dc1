"""Where SMS go: a log file the operator can read (embedded default) or an HTTP gateway (webhook).

Each message carries its id as an idempotency key. The log sender skips ids it
has already written; a gateway is expected to do the same with the
`Idempotency-Key` header, which makes a resend after a crash harmless.
"""

import json
from pathlib import Path
from typing import Protocol

import httpx

from hub.notifications.models import Notification


class SendFailed(Exception):
    pass


class Sender(Protocol):
    async def send(self, message: Notification) -> None: ...


class LogSender:
    """Appends one JSON line per message to a file (default var/sms.log)."""

    def __init__(self, path: Path):
        self.path = path
        self._sent: set[str] | None = None

    def _known(self) -> set[str]:
        if self._sent is None:
            self._sent = set()
            if self.path.exists():
                for line in self.path.read_text(encoding="utf-8").splitlines():
                    self._sent.add(json.loads(line)["id"])
        return self._sent

    async def send(self, message: Notification) -> None:
        if str(message.id) in self._known():
            return
        line = json.dumps({"id": str(message.id), "to": message.recipient, "text": message.text,
                           "kind": message.kind}, ensure_ascii=False)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
        self._sent.add(str(message.id))  # type: ignore[union-attr]


class WebhookSender:
    """POSTs {id, to, text, kind} to an SMS gateway; any 2xx counts as accepted."""

    def __init__(self, url: str, token: str | None = None, timeout: float = 10.0):
        self.url, self.token, self.timeout = url, token, timeout

    async def send(self, message: Notification) -> None:
        headers = {"Idempotency-Key": str(message.id)}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = {"id": str(message.id), "to": message.recipient, "text": message.text, "kind": message.kind}
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as http:
                response = await http.post(self.url, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise SendFailed(f"gateway unreachable: {type(exc).__name__}") from None
        if not response.is_success:
            raise SendFailed(f"gateway answered {response.status_code}")
