"""The audit: reads of personal items and every write are recorded, and tampering is detected."""

import asyncio
import subprocess
import sys
import uuid
from datetime import datetime, timezone

import httpx
from sqlalchemy import delete, update

from hub import migrate
from hub.audit import service as audit
from hub.audit.models import AuditRecord
from hub.auth.principal import Principal
from hub.config import Settings
from hub.db import Database
from hub.enums import Role
from tests import operations as ops
from tests.factories import individual_transfer
from tests.harness import ENGLISH, GraphQLClient, RunningHub, create_database, drop_database
from tests.steps import signed, submit
from tests.ws import Subscription

AUDIT = """query ($filter: AuditFilterInput) { auditRecords(filter: $filter, first: 50) {
  edges { node { kind operation subject organisation items grants outcome caseId } } hasNextPage } }"""
READ_APPLICANT = "query ReadApplicant($id: ID!) { case(id: $id) { applicant { name idNumber } water { accountNumber } } }"
READ_STATUS = "query ReadStatus($id: ID!) { case(id: $id) { status } }"
LATEST = "subscription { assignmentEvents { cursor } }"
WATCH = "subscription WatchWater($after: String) { assignmentEvents(after: $after) { cursor assignment { accountNumber } } }"
VERIFY = "{ verifyAuditChain { intact records firstBadId problem } }"


def water_only(**changes) -> dict:  # type: ignore[no-untyped-def]
    return individual_transfer(electricity=None, gas=None, heating=None, **changes)


async def _at_most(concurrency: int, jobs: list) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def gated(job):  # type: ignore[no-untyped-def]
        async with gate:
            return await job

    await asyncio.gather(*(gated(job) for job in jobs))


async def _records(governance: GraphQLClient, **flt) -> list[dict]:  # type: ignore[no-untyped-def]
    page = (await governance.run(AUDIT, {"filter": flt}))["auditRecords"]
    assert not page["hasNextPage"]
    return [e["node"] for e in page["edges"]]


async def test_personal_reads_and_writes_are_recorded(clerk, utilities, as_role):
    case = await submit(clerk, individual_transfer(electricity=None, gas=None, heating=None))
    await utilities["WATER"].run(READ_APPLICANT, {"id": case["id"]})
    await utilities["WATER"].run(READ_STATUS, {"id": case["id"]})  # nothing personal: no record
    governance = as_role(Role.GOVERNANCE, "KF-DATA")
    records = [e["node"] for e in (await governance.run(AUDIT, {"filter": {"caseId": case["id"]}}))["auditRecords"]["edges"]]
    reads = [r for r in records if r["kind"] == "READ" and r["organisation"] == "KF-WATER"]
    assert len(reads) == 1 and reads[0]["operation"] == "ReadApplicant"
    assert set(reads[0]["items"]) == {"Applicant.name", "Applicant.idNumber", "WaterSection.accountNumber",
                                      "Case.applicant", "Case.water"}
    assert reads[0]["grants"], "the grants the read relied on are recorded"
    writes = [r for r in records if r["kind"] == "WRITE"]
    assert [(w["operation"], w["subject"], w["outcome"]) for w in writes] == [("submitCase", "clerk-wang", "OK")]

    by_org = (await governance.run(AUDIT, {"filter": {"organisation": "KF-WATER", "kind": "READ"}}))["auditRecords"]
    assert all(e["node"]["organisation"] == "KF-WATER" for e in by_org["edges"])
    since = datetime.now(timezone.utc).isoformat()
    assert (await governance.run(AUDIT, {"filter": {"since": since}}))["auditRecords"]["edges"] == []


async def test_refused_writes_are_recorded_too(as_role):
    water = as_role(Role.UTILITY, "KF-WATER", "water-bot")
    await water.run("mutation { submitCase(input: {caseType: TRANSFER, channel: MOBILE_APP, "
                    "applicant: {kind: INDIVIDUAL, name: \"x\"}, site: {address: \"x\", districtCode: \"410202\"}, "
                    "commitment: {version: \"x\", channel: ONLINE_CONSENT, identityVerification: REAL_NAME_LOGIN, "
                    "noticeSha256: \"x\"}}) "
                    "{ errors { code } } }")
    records = (await as_role(Role.GOVERNANCE, "KF-DATA").run(AUDIT, {"filter": {"subject": "water-bot"}}))["auditRecords"]
    assert [(e["node"]["operation"], e["node"]["outcome"]) for e in records["edges"]] == [("submitCase", "FORBIDDEN")]


async def test_the_live_chain_verifies(as_role):
    result = await as_role(Role.GOVERNANCE, "KF-DATA").run("{ verifyAuditChain { intact records problem } }")
    assert result["verifyAuditChain"]["intact"] is True and result["verifyAuditChain"]["records"] > 0


def _verify_cli(url: str) -> subprocess.CompletedProcess:
    env = {"HUB_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "hub.cli", "audit", "verify"], env=env, capture_output=True, text=True)


async def test_tampering_is_detected(tmp_path):
    url = await create_database(tmp_path)
    db = Database(url)
    try:
        migrate.upgrade(url)
        who = Principal(subject="auditor-test", organisation="KF-WATER", roles=frozenset({Role.UTILITY}))
        for n in range(5):
            async with db.write() as session:
                await audit.append(session, [audit.entry(who, kind="READ", operation=f"op{n}", outcome="OK",
                                                         at=datetime.now(timezone.utc), case_id=uuid.uuid4(),
                                                         items=["Applicant.idNumber"])])
        ok = _verify_cli(url)
        assert ok.returncode == 0 and "intact: 5 records" in ok.stdout

        async with db.write() as session:  # someone edits what was read
            await session.execute(update(AuditRecord).where(AuditRecord.id == 3).values(items=["Case.status"]))
        changed = _verify_cli(url)
        assert changed.returncode == 1 and "record 3" in changed.stdout and "changed" in changed.stdout
        async with db.write() as session:
            await session.execute(update(AuditRecord).where(AuditRecord.id == 3).values(items=["Applicant.idNumber"]))
        assert _verify_cli(url).returncode == 0

        async with db.write() as session:  # swap two records' order
            rows = {r.id: r for r in (await session.execute(AuditRecord.__table__.select())).all()}
            for target, source in ((2, 4), (4, 2)):
                src = rows[source]
                await session.execute(update(AuditRecord).where(AuditRecord.id == target).values(
                    operation=src.operation, case_id=src.case_id, at=src.at, prev_hash=src.prev_hash, hash=src.hash))
        reordered = _verify_cli(url)
        assert reordered.returncode == 1 and "record 2" in reordered.stdout

        async with db.write() as session:  # and one removed
            await session.execute(delete(AuditRecord).where(AuditRecord.id == 1))
        removed = _verify_cli(url)
        assert removed.returncode == 1 and "record 2" in removed.stdout
    finally:
        await db.dispose()
        await drop_database(url)


async def test_a_subscription_payload_is_audited_before_it_arrives_and_the_last_one_too(hub, clerk, as_role):
    governance = as_role(Role.GOVERNANCE, "KF-DATA")
    probe = await Subscription.open(hub.port, hub.token(Role.UTILITY, "KF-WATER"), LATEST)
    await submit(clerk, water_only())
    cursor = (await probe.next())["assignmentEvents"]["cursor"]  # nothing personal in it: no record
    await probe.close()
    subject = "operator-audit-live"
    sub = await Subscription.open(hub.port, hub.token(Role.UTILITY, "KF-WATER", subject), WATCH, {"after": cursor})
    case = await submit(clerk, water_only())
    assert (await sub.next())["assignmentEvents"]["assignment"]["accountNumber"] == "W-100231"

    reads = await _records(governance, subject=subject)  # no further event has happened
    assert [(r["kind"], r["operation"], r["caseId"], r["organisation"]) for r in reads] == \
        [("READ", "WatchWater", case["id"], "KF-WATER")]
    assert set(reads[0]["items"]) == {"Assignment.accountNumber"} and reads[0]["grants"]

    await sub.close()  # the payload received was the last one before the socket closed
    await asyncio.sleep(0.3)
    assert await _records(governance, subject=subject) == reads


async def test_a_query_sent_over_the_websocket_is_audited(hub, clerk, as_role):
    case = await submit(clerk, water_only())
    subject = "operator-audit-socket-query"
    over_socket = await Subscription.open(hub.port, hub.token(Role.UTILITY, "KF-WATER", subject), READ_APPLICANT,
                                          {"id": case["id"]})
    assert (await over_socket.next())["case"]["applicant"]["name"] == "张伟"
    reads = await _records(as_role(Role.GOVERNANCE, "KF-DATA"), subject=subject)
    assert [(r["operation"], r["caseId"]) for r in reads] == [("ReadApplicant", case["id"])]
    await over_socket.close()


async def test_reads_are_recorded_once_per_case_whatever_the_number_of_fields_and_rows(as_role):
    subject = "citizen-audit-pages"
    owner = as_role(Role.APPLICANT, None, subject)
    data = water_only(channel="MOBILE_APP")
    for material in data["materials"]:
        material["verified"] = False  # only a clerk verifies
    cases = [await submit(owner, data) for _ in range(3)]
    await owner.run("query MyPage { cases(first: 10) { edges { node { applicant { name phone } "
                    "materials { holder } water { accountNumber } } } } }")
    records = await _records(as_role(Role.GOVERNANCE, "KF-DATA"), subject=subject)
    reads = [r for r in records if r["operation"] == "MyPage"]
    assert sorted(r["caseId"] for r in reads) == sorted(c["id"] for c in cases)
    for record in reads:  # three materials, two holders: each item once
        assert set(record["items"]) == {"Case.applicant", "Applicant.name", "Applicant.phone", "Case.materials",
                                        "Material.holder", "Case.water", "WaterSection.accountNumber"}


async def test_two_instances_auditing_at_once_form_one_chain(hub, http, clerk, as_role, tmp_path):
    """Group commit is per process, the chain's lock is the database's: both instances' batches make one chain."""
    other = RunningHub(Settings(environment="production", database_url=hub.settings.database_url,
                                signing_key_file=hub.settings.key_file, data_dir=tmp_path, db_pool_size=4)).start()
    try:
        case = await submit(clerk, water_only())
        async with httpx.AsyncClient(headers=ENGLISH, base_url=other.url, timeout=60) as other_http:
            readers = [GraphQLClient(http, hub.token(Role.UTILITY, "KF-WATER", "reader-here")),
                       GraphQLClient(other_http, hub.token(Role.UTILITY, "KF-WATER", "reader-there"))]
            refused = [GraphQLClient(http, hub.token(Role.UTILITY, "KF-WATER", "refused-here")),
                       GraphQLClient(other_http, hub.token(Role.UTILITY, "KF-WATER", "refused-there"))]
            jobs = [c.run(READ_APPLICANT, {"id": case["id"]}) for c in readers for _ in range(25)]
            application = await signed(clerk, water_only())
            jobs += [c.run(ops.SUBMIT, {"input": application}) for c in refused for _ in range(10)]  # FORBIDDEN
            jobs += [submit(GraphQLClient(h, clerk.token), water_only()) for h in (http, other_http) for _ in range(5)]
            await _at_most(12, jobs)  # concurrent, within the test database's connection limit
        governance = as_role(Role.GOVERNANCE, "KF-DATA")
        for subject, kind, count in (("reader-here", "READ", 25), ("reader-there", "READ", 25),
                                     ("refused-here", "WRITE", 10), ("refused-there", "WRITE", 10)):
            assert [r["kind"] for r in await _records(governance, subject=subject)] == [kind] * count
        chain = (await governance.run(VERIFY))["verifyAuditChain"]
        assert chain["intact"] is True, chain
    finally:
        other.stop()
