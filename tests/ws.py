"""A graphql-transport-ws client for tests: one subscription per socket."""

import asyncio
import json

import websockets

from tests.harness import ENGLISH


class Subscription:
    def __init__(self, socket):  # type: ignore[no-untyped-def]
        self.socket = socket

    @classmethod
    async def open(cls, port: int, token: str, query: str | None, variables: dict | None = None,
                   **payload: object) -> "Subscription":
        """`payload`: more of the subscribe payload, e.g. `documentId` (then `query` may be None)."""
        socket = await websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"],
                                          additional_headers=ENGLISH,
                                          max_queue=None)
        await socket.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        ack = json.loads(await socket.recv())
        assert ack["type"] == "connection_ack", ack
        await socket.send(json.dumps({"id": "1", "type": "subscribe",
                                      "payload": {"query": query, "variables": variables or {}, **payload}}))
        return cls(socket)

    async def next(self, timeout: float = 10.0) -> dict:
        """The next payload's data; raises on GraphQL errors, on completion and on timeout."""
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            if message["type"] == "ping":
                await self.socket.send(json.dumps({"type": "pong"}))
                continue
            if message["type"] == "next":
                assert not message["payload"].get("errors"), message["payload"]["errors"]
                return message["payload"]["data"]
            raise AssertionError(f"subscription ended: {message}")

    async def first_message(self, timeout: float = 10.0) -> dict:
        return json.loads(await asyncio.wait_for(self.socket.recv(), timeout))

    async def closed_with(self, timeout: float = 10.0) -> int:
        """Read until the server closes the socket; its close code."""
        try:
            while True:
                await asyncio.wait_for(self.socket.recv(), timeout)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else closed.code

    async def close(self) -> None:
        await self.socket.close()
