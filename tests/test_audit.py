"""The audit: reads of personal items and every write are recorded, and tampering is detected."""

import subprocess
import sys
import uuid
from datetime import datetime, timezone

from sqlalchemy import delete, update

from hub import migrate
from hub.audit import service as audit
from hub.audit.models import AuditRecord
from hub.auth.principal import Principal
from hub.db import Database
from hub.enums import Role
from tests.factories import individual_transfer
from tests.harness import create_database, drop_database
from tests.steps import submit

AUDIT = """query ($filter: AuditFilterInput) { auditRecords(filter: $filter, first: 50) {
  edges { node { kind operation subject organisation items grants outcome caseId } } hasNextPage } }"""
READ_APPLICANT = "query ReadApplicant($id: ID!) { case(id: $id) { applicant { name idNumber } water { accountNumber } } }"
READ_STATUS = "query ReadStatus($id: ID!) { case(id: $id) { status } }"


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
                    "applicant: {kind: INDIVIDUAL, name: \"x\"}, site: {address: \"x\", districtCode: \"410202\"}}) "
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
