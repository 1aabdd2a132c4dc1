"""Serves small Starlette apps on loopback for the tests, in a thread with its own event loop; and the real hub,
on the backend named by HUB_TEST_DATABASE, for the tests of what the client does with it."""

import asyncio
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.types import ASGIApp

from hub.auth import keys
from hub.config import Settings

CHECKOUT = Path(__file__).resolve().parents[3]
if str(CHECKOUT) not in sys.path:  # run on their own, these tests still find the hub's harness in tests/
    sys.path.append(str(CHECKOUT))

from tests.harness import RunningHub, create_database, drop_database  # noqa: E402


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


@pytest.fixture(scope="module")
def real_hub(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The hub itself on a database of its own (embedded set-up: migrations, reference data, catalogue), served
    from its own thread; synchronous, so that it serves whichever event loop the tests run on."""
    tmp = tmp_path_factory.mktemp("hub")
    url = asyncio.run(create_database(tmp))
    keys.generate(tmp / "signing-key.json")  # an existing key: no demo tokens printed into test output
    running = RunningHub(Settings(environment="embedded", database_url=url, data_dir=tmp)).start()
    yield running
    running.stop()
    asyncio.run(drop_database(url))
