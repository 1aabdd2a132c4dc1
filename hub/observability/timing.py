"""`Server-Timing: app;dur=<ms>` on every HTTP response: the time from the request reaching the hub to its answer
starting (a client can tell the hub's own time from the network's)."""

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ServerTimingMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        arrived = time.perf_counter()

        async def send_with_timing(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = (time.perf_counter() - arrived) * 1000
                message.setdefault("headers", []).append((b"server-timing", f"app;dur={took:.2f}".encode()))
            await send(message)

        await self.app(scope, receive, send_with_timing)
