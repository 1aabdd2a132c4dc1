"""An in-memory stand-in for the hub's utility-facing contract, to test the client without the hub.

It keeps assignments with the hub's state machine, versions and idempotency keys, an event log with
cursors, the token endpoint, and the `graphql-transport-ws` subscription with scriptable misbehaviour
(dropping the connection after some events, refusing tokens, sending pings).
"""

import copy
import json
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

MOVES = {
    "acknowledgeAssignment": ({"PENDING"}, "RECEIVED"),
    "acceptAssignment": ({"RECEIVED"}, "ACCEPTED"),
    "requestMaterials": ({"RECEIVED", "ACCEPTED"}, "NEEDS_MATERIALS"),
    "completeAssignment": ({"ACCEPTED"}, "COMPLETED"),
    "rejectAssignment": ({"PENDING", "RECEIVED", "ACCEPTED", "NEEDS_MATERIALS"}, "REJECTED"),
}


class FakeHub:
    def __init__(self) -> None:
        self.assignments: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.writes: list[tuple[str, dict[str, Any]]] = []  # applied writes: (mutation, input)
        self.replays = 0  # writes answered from an idempotency key
        self._by_key: dict[str, dict[str, Any]] = {}
        self.valid_tokens = {"good"}
        self.issued = 0  # tokens issued by /oauth/token
        # subscription behaviour, per connection in order
        self.close_after: list[tuple[int, int]] = []  # (events to send, close code)
        self.inits: list[str] = []  # Authorization of each connection_init
        self.subscribed_after: list[str | None] = []
        self.pongs = 0

    # -- the record ------------------------------------------------------------------------------

    def add_assignment(self, number: str, service: str = "WATER") -> str:
        assignment_id = f"QXNzaWdubWVudDo{len(self.assignments) + 1}"
        self.assignments[assignment_id] = {
            "id": assignment_id, "version": 1, "service": service, "status": "PENDING", "reason": None,
            "result": None, "accountNumber": "W-100231", "materials": {"complete": True},
            "case": {"id": f"Q2FzZTo{number}", "number": number, "caseType": "TRANSFER",
                     "applicant": {"name": "张伟", "phone": "13800138000"}},
        }
        self.emit("ASSIGNMENT_CREATED", assignment_id)
        return assignment_id

    def supply_materials(self, assignment_id: str) -> None:
        """The applicant adds materials to a NEEDS_MATERIALS assignment (补正): back to RECEIVED."""
        assignment = self.assignments[assignment_id]
        assert assignment["status"] == "NEEDS_MATERIALS"
        assignment.update(status="RECEIVED", reason=None, version=assignment["version"] + 1)
        self.emit("MATERIALS_SUPPLIED", assignment_id)

    def add_materials(self, assignment_id: str) -> None:
        """Materials added while the assignment is open: only its version moves."""
        self.assignments[assignment_id]["version"] += 1
        self.emit("MATERIALS_ADDED", assignment_id)

    def emit(self, kind: str, assignment_id: str) -> None:
        self.events.append({"cursor": str(len(self.events) + 1), "kind": kind, "assignmentId": assignment_id})

    def event(self, cursor: str) -> dict[str, Any]:
        """The event as the subscription delivers it: with the assignment as it is now."""
        event = next(e for e in self.events if e["cursor"] == cursor)
        assignment = self.assignments[event["assignmentId"]]
        return {"cursor": cursor, "kind": event["kind"], "occurredAt": "2026-11-27T09:30:00+08:00",
                "assignment": {"id": assignment["id"], "service": assignment["service"],
                               "status": assignment["status"], "version": assignment["version"],
                               "case": {"number": assignment["case"]["number"]}}}

    # -- GraphQL over HTTP -----------------------------------------------------------------------

    def execute(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        if "node(" in query:
            node = self.assignments.get(variables["id"])
            return {"data": {"node": copy.deepcopy(node)}}
        for mutation in MOVES:
            if f"{mutation}(" in query:
                return {"data": {mutation: self._write(mutation, variables["input"])}}
        raise AssertionError(f"the fake hub does not know {query}")

    def _write(self, mutation: str, fields: dict[str, Any]) -> dict[str, Any]:
        key = fields.get("idempotencyKey")
        if key in self._by_key:
            self.replays += 1
            return copy.deepcopy(self._by_key[key])
        assignment = self.assignments.get(fields["assignmentId"])
        allowed, to = MOVES[mutation]
        if assignment is None:
            return _refused("NOT_FOUND", "no such assignment")
        if assignment["version"] != fields["expectedVersion"]:
            return _refused("CONFLICT", f"the assignment is at version {assignment['version']}")
        if assignment["status"] not in allowed:
            return _refused("ILLEGAL_TRANSITION", f"cannot move an assignment that is {assignment['status']}")
        assignment.update(status=to, version=assignment["version"] + 1,
                          reason=fields.get("reason") if to in ("NEEDS_MATERIALS", "REJECTED") else None)
        if to == "COMPLETED":
            assignment["result"] = dict(fields["result"])
        self.writes.append((mutation, fields))
        self.emit({"RECEIVED": "ASSIGNMENT_RECEIVED", "ACCEPTED": "ASSIGNMENT_ACCEPTED",
                   "NEEDS_MATERIALS": "MATERIALS_REQUESTED", "COMPLETED": "ASSIGNMENT_COMPLETED",
                   "REJECTED": "ASSIGNMENT_REJECTED"}[to], assignment["id"])
        payload = {"assignment": copy.deepcopy(assignment), "errors": []}
        if key:
            self._by_key[key] = payload
        return copy.deepcopy(payload)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """One GraphQL request over HTTP."""
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.valid_tokens:
            return httpx.Response(401, json={"errors": [{"message": "token expired"}]})
        body = json.loads(request.content)
        return httpx.Response(200, json=self.execute(body["query"], body["variables"]))

    def transport(self) -> httpx.MockTransport:
        """For `HubClient(..., transport=hub.transport())`: GraphQL over HTTP without a socket."""
        return httpx.MockTransport(self.handle)

    # -- served: HTTP, the token endpoint, and the subscription -----------------------------------

    def app(self) -> Starlette:
        async def graphql(request: Request) -> JSONResponse:
            if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.valid_tokens:
                return JSONResponse({"errors": [{"message": "token expired"}]}, status_code=401)
            body = await request.json()
            return JSONResponse(self.execute(body["query"], body["variables"]))

        async def token(request: Request) -> JSONResponse:
            self.issued += 1
            issued = f"token-{self.issued}"
            self.valid_tokens.add(issued)
            return JSONResponse({"access_token": issued, "token_type": "Bearer", "expires_in": 900, "scope": "UTILITY"})

        return Starlette(routes=[
            Route("/graphql", graphql, methods=["POST"]),
            WebSocketRoute("/graphql", self._subscription),
            Route("/oauth/token", token, methods=["POST"]),
        ])

    async def _subscription(self, ws: WebSocket) -> None:
        await ws.accept(subprotocol="graphql-transport-ws")
        init = await ws.receive_json()
        assert init["type"] == "connection_init"
        self.inits.append(init["payload"]["Authorization"])
        if init["payload"]["Authorization"].removeprefix("Bearer ") not in self.valid_tokens:
            await ws.close(4403, "Forbidden")
            return
        await ws.send_json({"type": "connection_ack"})
        subscribe = await ws.receive_json()
        assert subscribe["type"] == "subscribe" and subscribe["id"] == "1"
        await ws.send_json({"type": "ping"})
        if (await ws.receive_json())["type"] == "pong":
            self.pongs += 1
        after = subscribe["payload"]["variables"]["after"]
        self.subscribed_after.append(after)
        # after null: live events only, and this fake makes none while a subscription is open
        pending = [e["cursor"] for e in self.events if after is not None and int(e["cursor"]) > int(after)]
        limit, code = self.close_after.pop(0) if self.close_after else (len(pending), None)
        for cursor in pending[:limit]:
            payload = {"data": {"assignmentEvents": self.event(cursor)}}
            await ws.send_json({"id": "1", "type": "next", "payload": payload})
        if code is not None:
            await ws.close(code, "test")
            return
        try:
            while True:  # hold the subscription open, as the hub does
                await ws.receive_json()
        except WebSocketDisconnect:
            pass


def _refused(code: str, message: str) -> dict[str, Any]:
    return {"assignment": None, "errors": [{"field": None, "code": code, "message": message}]}
