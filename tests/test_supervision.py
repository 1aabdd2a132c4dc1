"""Supervisors' statistics checked against a fixture computed by hand; the operations endpoints."""

import os
from datetime import datetime

import pytest

from hub.clock import LOCAL
from hub.enums import Role
from tests import operations as ops
from tests.factories import individual_transfer
from tests.steps import by_service, move, submit, write

STATS = """query ($by: StatisticsGroup!) { timeLimitStatistics(groupBy: $by, submittedFrom: "2025-03-01T00:00:00+08:00",
  submittedBefore: "2025-04-01T00:00:00+08:00") { key total byStatus { status count } finished onTime onTimeRate
  medianWorkingDays p90WorkingDays correctionRounds } }"""


def connection(**sections) -> dict:  # type: ignore[no-untyped-def]
    data = individual_transfer(caseType="CONNECTION", previousHolder=None, vatInvoiceWanted=False,
                               **{"water": None, "electricity": None, "gas": None, "heating": None, **sections})
    data["materials"] = [{"typeCode": t, "verified": True} for t in ("RESIDENT_ID_CARD", "PROPERTY_CERTIFICATE", "OWNER_ID")]
    return data


@pytest.fixture
def clock(hub):  # type: ignore[no-untyped-def]
    yield hub.app.state.clock
    hub.app.state.clock.reset()


async def test_statistics_match_a_hand_computed_fixture(clock, clerk, utilities, as_role):
    at = lambda day, hour=9: clock.freeze_at(datetime(2025, 3, day, hour, 0, tzinfo=LOCAL))  # noqa: E731
    at(3)  # Monday 3 March 2025; no holidays that month
    water = [by_service(await submit(clerk, connection(water={"nature": "RESIDENTIAL", "category": "NEW"})))["WATER"]
             for _ in range(3)]
    gas_case = await submit(clerk, connection(gas={"households": 1, "hourlyM3": 2.5}))
    gas = by_service(gas_case)["GAS"]
    power = by_service(await submit(clerk, connection(electricity={"businessType": "NEW", "capacityKw": 8})))["ELECTRICITY"]

    async def finish(assignment: dict, day: int) -> None:
        at(day)
        for operation, extra in ((ops.ACKNOWLEDGE, {}), (ops.ACCEPT, {}), (ops.COMPLETE, {"result": {"accountNumber": "N"}})):
            assignment = await move(utilities["WATER"], operation, assignment, **extra)

    await finish(water[0], 4)   # 1 working day, on time
    await finish(water[1], 10)  # 5 working days: exactly the deadline, on time
    await finish(water[2], 12)  # 7 working days: late
    at(4)
    gas = await move(utilities["GAS"], ops.ACKNOWLEDGE, gas)
    gas = await move(utilities["GAS"], ops.REQUEST_MATERIALS, gas, reason="补充户型图")  # 1 day used, then paused
    at(6)
    current = (await clerk.run(ops.CASE, {"id": gas_case["id"]}))["case"]
    await write(clerk, ops.ADD_MATERIALS, caseId=gas_case["id"], expectedVersion=current["version"],
                materials=[{"typeCode": "SALE_CONTRACT", "verified": True}])
    at(7)
    gas = next(a for a in (await clerk.run(ops.CASE, {"id": gas_case["id"]}))["case"]["assignments"] if a["service"] == "GAS")
    await move(utilities["GAS"], ops.REJECT, gas, reason="管网未覆盖")  # 2 working days used in all
    await move(utilities["ELECTRICITY"], ops.ACKNOWLEDGE, power)

    supervisor = as_role(Role.SUPERVISOR, "KF-CGJ")
    rows = {r["key"]: r for r in (await supervisor.run(STATS, {"by": "UTILITY"}))["timeLimitStatistics"]}
    assert rows["KF-WATER"] == {
        "key": "KF-WATER", "total": 3, "byStatus": [{"status": "COMPLETED", "count": 3}], "finished": 3, "onTime": 2,
        "onTimeRate": pytest.approx(2 / 3), "medianWorkingDays": pytest.approx(5.0),
        "p90WorkingDays": pytest.approx(6.6), "correctionRounds": 0}
    assert rows["KF-GAS"] == {
        "key": "KF-GAS", "total": 1, "byStatus": [{"status": "REJECTED", "count": 1}], "finished": 1, "onTime": 1,
        "onTimeRate": 1.0, "medianWorkingDays": pytest.approx(2.0), "p90WorkingDays": pytest.approx(2.0),
        "correctionRounds": 1}
    assert rows["KF-POWER"]["byStatus"] == [{"status": "RECEIVED", "count": 1}]
    assert rows["KF-POWER"]["finished"] == 0 and rows["KF-POWER"]["onTimeRate"] is None
    by_channel = (await supervisor.run(STATS, {"by": "CHANNEL"}))["timeLimitStatistics"]
    assert [(r["key"], r["total"]) for r in by_channel] == [("CITIZEN_CENTRE_WINDOW", 5)]

    errors = await utilities["WATER"].errors(STATS, {"by": "UTILITY"})
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_operations_endpoints(http, clerk):
    health = (await http.get("/healthz")).json()
    assert health["status"] == "ok" and health["process"] == os.getpid()  # the test hub runs in this process
    ready = await http.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    response = await clerk.http.post("/graphql", json={"query": "query Me { viewer { subject } }"},
                                     headers={"Authorization": f"Bearer {clerk.token}", "X-Request-ID": "req-42"})
    assert response.headers["x-request-id"] == "req-42"
    metrics = (await http.get("/metrics")).text
    assert 'hub_graphql_operations_total{operation="Me",type="query"}' in metrics
    for name in ("hub_subscriptions_open", "hub_event_feed_lag_events", "hub_sms_outbox_backlog", "hub_assignments_overdue",
                 "hub_graphql_operation_seconds_bucket"):
        assert name in metrics
