"""Serves small Starlette apps on loopback for the tests, in a thread with its own event loop."""

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import uvicorn
from starlette.types import ASGIApp


class LocalServer:
    """An ASGI app served by uvicorn on a free 127.0.0.1 port."""

    def __init__(self, app: ASGIApp):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "LocalServer":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def serve() -> Iterator[Callable[[ASGIApp], str]]:
    """serve(app) → the base URL of `app`, running until the test ends."""
    servers: list[LocalServer] = []

    def start(app: ASGIApp) -> str:
        servers.append(LocalServer(app).start())
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()
