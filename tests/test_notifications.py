"""SMS to applicants through the outbox: what is said, to whom, and delivery that survives a down gateway
and a restart without sending anything twice."""

import asyncio
import json
from collections import Counter

import httpx
from sqlalchemy import select

from hub.auth import keys
from hub.config import Settings
from hub.db import Database
from hub.enums import Role
from hub.notifications.models import Notification
from tests import operations as ops
from tests.factories import enterprise_connection, individual_transfer
from tests.harness import ENGLISH, GraphQLClient, RunningHub, ServerThread, create_database, drop_database
from tests.steps import by_service, move, submit


async def _sms_for(hub, number: str, count: int, timeout: float = 8.0) -> list[dict]:  # type: ignore[no-untyped-def]
    log_file = hub.settings.data_dir / "sms.log"
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        lines = [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines()] if log_file.exists() else []
        found = [m for m in lines if number in m["text"]]
        if len(found) >= count or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.2)


async def test_submission_tells_the_applicant_and_the_agent(hub, clerk):
    case = await submit(clerk, enterprise_connection())
    messages = await _sms_for(hub, case["number"], 2)
    assert sorted(m["to"] for m in messages) == ["13600136000", "13912345678"]  # agent, enterprise contact
    assert all(m["kind"] == "CASE_SUBMITTED" and m["text"].startswith("【开封一件事】") and "报装" in m["text"]
               for m in messages)


async def test_materials_requests_rejections_and_completion_are_told(hub, clerk, utilities):
    case = await submit(clerk, individual_transfer(gas=None, heating=None))
    assignments = by_service(case)
    water = await move(utilities["WATER"], ops.ACKNOWLEDGE, assignments["WATER"])
    await move(utilities["WATER"], ops.REQUEST_MATERIALS, water, reason="请补充购房发票")
    power = await move(utilities["ELECTRICITY"], ops.REJECT, assignments["ELECTRICITY"], reason="户号不存在")
    messages = await _sms_for(hub, case["number"], 3)
    texts = {m["kind"]: m["text"] for m in messages}
    assert "供水业务需补正材料：请补充购房发票" in texts["MATERIALS_REQUESTED"]
    assert "供电业务未予办理，原因：户号不存在" in texts["ASSIGNMENT_REJECTED"]
    assert power["status"] == "REJECTED"


class Gateway:
    """An SMS gateway stand-in that can be down (503) and counts accepted messages by idempotency key."""

    def __init__(self) -> None:
        self.up = False
        self.accepted: Counter = Counter()
        self.refused = 0

    def app(self):  # type: ignore[no-untyped-def]
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        async def sms(request: Request) -> JSONResponse:
            if not self.up:
                self.refused += 1
                return JSONResponse({"error": "maintenance"}, status_code=503)
            body = await request.json()
            assert request.headers["idempotency-key"] == body["id"]
            self.accepted[body["id"]] += 1
            return JSONResponse({"accepted": True})

        return Starlette(routes=[Route("/sms", sms, methods=["POST"])])


async def test_a_down_gateway_then_a_restart_delivers_everything_exactly_once(tmp_path):
    gateway = Gateway()
    server = ServerThread(gateway.app()).start()
    url = await create_database(tmp_path)
    key_file = tmp_path / "key.json"
    keys.generate(key_file)
    settings = Settings(environment="embedded", database_url=url, data_dir=tmp_path, signing_key_file=key_file,
                        sms_sender="webhook", sms_webhook_url=f"{server.url}/sms", sms_retry_base_seconds=0.2)
    first = RunningHub(settings).start()
    try:
        async with httpx.AsyncClient(headers=ENGLISH, base_url=first.url, timeout=30) as http:
            clerk = GraphQLClient(http, first.token(Role.CLERK, "KF-DATA", "clerk-sms"))
            cases = [await submit(clerk, enterprise_connection()) for _ in range(3)]
        for _ in range(150):
            if gateway.refused >= 12:
                break
            await asyncio.sleep(0.1)
        assert gateway.refused >= 6 and not gateway.accepted  # retried while the gateway was down
    finally:
        first.stop()  # "restart": the first process goes away with messages still pending

    gateway.up = True
    second = RunningHub(settings).start()
    db = Database(url)
    try:
        for _ in range(100):
            async with db.read() as session:
                statuses = Counter((await session.scalars(select(Notification.status))).all())
            if statuses == Counter({"SENT": 6}):
                break
            await asyncio.sleep(0.1)
        assert statuses == Counter({"SENT": 6})  # 3 cases × (contact + agent)
        assert sorted(gateway.accepted.values()) == [1] * 6, "a message was accepted twice"
    finally:
        second.stop()
        server.stop()
        await db.dispose()
        await drop_database(url)
    assert len(cases) == 3
