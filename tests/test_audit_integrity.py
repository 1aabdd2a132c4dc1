"""The audit chain's end is anchored: removed newest records, a rewritten head, forged checkpoints are found;
and a failure to write the audit withholds the data and tells the caller nothing of the database."""

import asyncio
import json
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from hub import migrate
from hub.audit import checkpoints
from hub.audit import service as audit
from hub.audit.models import AuditCheckpoint, AuditHead, AuditRecord
from hub.auth import keys
from hub.auth.principal import Principal
from hub.config import Settings
from hub.db import Database
from hub.enums import Role
from tests import operations as ops
from tests.factories import individual_transfer
from tests.harness import ENGLISH, GraphQLClient, RunningHub, create_database, drop_database
from tests.steps import signed, submit
from tests.ws import Subscription

VERIFY = "{ verifyAuditChain { intact records firstBadId problem checkpoints } }"
READ_APPLICANT = "query ReadApplicant($id: ID!) { case(id: $id) { applicant { name idNumber } } }"
WHO = Principal(subject="auditor-test", organisation="KF-WATER", roles=frozenset({Role.UTILITY}))
T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)


class Chain:
    """A database with a six-record audit chain, a signing key, and the means to tamper like its superuser."""

    def __init__(self, url: str, db: Database, key_file):  # type: ignore[no-untyped-def]
        self.url, self.db, self.key_file = url, db, key_file
        self.key = keys.load(key_file)

    async def build(self, n: int = 6) -> None:
        for i in range(n):
            async with self.db.write() as session:
                await audit.append(session, [audit.entry(WHO, kind="READ", operation=f"op{i}", outcome="OK",
                                                         at=T0 + timedelta(minutes=i), case_id=uuid.uuid4(),
                                                         items=["Applicant.idNumber"])])

    async def checkpoint(self, *, store: bool = True) -> str:
        async with self.db.write() as session:
            token = await checkpoints.take(session, self.key, T0 + timedelta(hours=1), always=True)
            if not store:
                await session.execute(delete(AuditCheckpoint).where(AuditCheckpoint.token == token))
        return token

    async def execute(self, *statements) -> None:  # type: ignore[no-untyped-def]
        async with self.db.write() as session:
            for statement in statements:
                await session.execute(statement)

    async def rows(self) -> list[dict]:
        async with self.db.read() as session:
            return [dict(r._mapping) for r in await session.execute(select(AuditRecord.__table__).order_by(AuditRecord.id))]

    async def truncate_like_a_superuser(self, keep: int) -> None:
        """Remove every record after `keep` and set the head to match, as only the database's owner could."""
        last = next(r for r in await self.rows() if r["id"] == keep)
        await self.execute(delete(AuditRecord).where(AuditRecord.id > keep),
                           update(AuditHead).values(last_id=keep, last_hash=last["hash"]))

    def verify(self, *saved: str, tmp=None) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
        env = {"HUB_DATABASE_URL": self.url, "HUB_SIGNING_KEY_FILE": str(self.key_file), "PATH": "/usr/bin:/bin"}
        args = [sys.executable, "-m", "hub.cli", "audit", "verify"]
        if saved:
            path = self.key_file.parent / "saved-checkpoints.txt"
            path.write_text("".join(f"2026-11-27 audit checkpoint {token}\n" for token in saved))
            args += ["--checkpoints", str(path)]
        return subprocess.run(args, env=env, capture_output=True, text=True)


@pytest.fixture
async def chain(tmp_path):  # type: ignore[no-untyped-def]
    url = await create_database(tmp_path)
    db = Database(url)
    migrate.upgrade(url)
    key_file = tmp_path / "signing-key.json"
    keys.generate(key_file)
    made = Chain(url, db, key_file)
    await made.build()
    yield made
    await db.dispose()
    await drop_database(url)


def broken(result: subprocess.CompletedProcess, *words: str) -> bool:
    return result.returncode == 1 and all(w in result.stdout for w in words)


async def test_removing_the_newest_records_or_all_of_them_is_found(chain):
    intact = chain.verify()
    assert intact.returncode == 0 and "intact: 6 records" in intact.stdout
    saved = await chain.rows()

    await chain.execute(delete(AuditRecord).where(AuditRecord.id == 6))
    assert broken(chain.verify(), "record 6", "newest records were removed")
    await chain.execute(delete(AuditRecord).where(AuditRecord.id >= 4))
    assert broken(chain.verify(), "record 6", "chain ends at record 3")
    await chain.execute(delete(AuditRecord))
    assert broken(chain.verify(), "record 6", "every record was removed")

    async with chain.db.write() as session:  # put them back: intact again
        await session.execute(insert(AuditRecord.__table__), saved)
    assert chain.verify().returncode == 0


async def test_a_rewritten_end_and_records_past_the_head_are_found(chain):
    rows = await chain.rows()
    await chain.execute(update(AuditHead).values(last_id=5, last_hash=rows[4]["hash"]))  # head set back
    assert broken(chain.verify(), "record 6", "past the chain head")
    with pytest.raises(IntegrityError):  # and the hub does not fork the chain there: appends fail
        await chain.build(1)

    forged = audit.entry(WHO, kind="READ", operation="op5", outcome="OK", at=T0, items=[])  # the last record replaced
    rehashed = audit.digest(rows[4]["hash"], audit.content(forged))
    await chain.execute(update(AuditRecord).where(AuditRecord.id == 6).values(**forged, hash=rehashed),
                        update(AuditHead).values(last_id=6, last_hash=rows[5]["hash"]))
    assert broken(chain.verify(), "record 6", "does not match the chain head")

    await chain.execute(delete(AuditHead))
    assert broken(chain.verify(), "head (audit_head) is missing")
    with pytest.raises(audit.ChainHeadMissing):  # and nothing more is appended until it is restored: fail closed
        await chain.build(1)


async def test_signed_checkpoints_catch_a_superuser_who_rewrites_the_head_too(chain):
    await chain.checkpoint()  # signed at record 6, kept in the database
    await chain.truncate_like_a_superuser(keep=4)
    assert broken(chain.verify(), "record 6", "checkpoint 1 (signed", "newest records were removed")


async def test_what_a_superuser_can_hide_from_the_database_alone_a_saved_checkpoint_shows(chain):
    kept_elsewhere = await chain.checkpoint(store=False)  # e.g. from the log or `hub audit checkpoint`
    await chain.truncate_like_a_superuser(keep=4)  # and no checkpoint in the database names a later record
    assert chain.verify().returncode == 0, "from the database alone a consistent truncation cannot be told"
    assert broken(chain.verify(kept_elsewhere), "record 6", "saved checkpoint 1", "newest records were removed")


async def test_a_rewritten_middle_under_a_checkpoint_is_found(chain):
    await chain.checkpoint()  # signed at record 6
    rows = await chain.rows()
    previous = rows[1]["hash"]  # rewrite records 3..6 and re-chain them consistently, head included
    for row in rows[2:]:
        changed = {**audit.content(row), "items": ["Case.status"]}
        hashed = audit.digest(previous, changed)
        await chain.execute(update(AuditRecord).where(AuditRecord.id == row["id"])
                            .values(items=changed["items"], prev_hash=previous, hash=hashed))
        previous = hashed
    await chain.execute(update(AuditHead).values(last_hash=previous))
    assert broken(chain.verify(), "record 6", "does not match checkpoint 1", "rewritten")


async def test_a_forged_or_altered_checkpoint_is_refused(chain):
    token = await chain.checkpoint()
    header, _, signature = token.split(".")
    other = keys.generate(chain.key_file.parent / "someone-elses-key.json")
    altered = ".".join((header, checkpoints.sign(chain.key, 4, "0" * 64, T0).split(".")[1], signature))
    await chain.execute(update(AuditCheckpoint).values(token=altered))
    assert broken(chain.verify(), "checkpoint 1", "forged or altered")
    await chain.execute(update(AuditCheckpoint).values(token=checkpoints.sign(other, 6, "0" * 64, T0)))
    assert broken(chain.verify(), "checkpoint 1", "forged or altered")


@pytest.fixture
async def own_hub(tmp_path):  # type: ignore[no-untyped-def]
    """A hub on its own database (these tests break its audit on purpose)."""
    url = await create_database(tmp_path)
    keys.generate(tmp_path / "signing-key.json")
    running = RunningHub(Settings(environment="embedded", database_url=url, data_dir=tmp_path,
                                  audit_checkpoint_seconds=0.2)).start()
    async with httpx.AsyncClient(headers=ENGLISH, base_url=running.url, timeout=30) as http:
        yield running, http
    running.stop()
    await drop_database(url)


def _client(running: RunningHub, http: httpx.AsyncClient, role: Role, org: str | None, subject: str) -> GraphQLClient:
    return GraphQLClient(http, running.token(role, org, subject))


async def test_verify_audit_chain_finds_removed_newest_records_and_the_hub_signs_checkpoints(own_hub):
    running, http = own_hub
    clerk = _client(running, http, Role.CLERK, "KF-DATA", "clerk-li")
    water = _client(running, http, Role.UTILITY, "KF-WATER", "operator-water")
    governance = _client(running, http, Role.GOVERNANCE, "KF-DATA", "auditor")
    case = await submit(clerk, individual_transfer(electricity=None, gas=None, heating=None))
    for _ in range(3):
        await water.run(READ_APPLICANT, {"id": case["id"]})
    before = (await governance.run(VERIFY))["verifyAuditChain"]
    assert before["intact"] is True and before["records"] >= 4

    db = Database(running.settings.database_url)
    try:
        for _ in range(100):  # the hub's own checkpointer signs the head within moments
            async with db.read() as session:
                head = await session.get(AuditHead, 1)
                signed = await session.scalar(select(AuditCheckpoint.last_id).order_by(AuditCheckpoint.id.desc()).limit(1))
            if signed == head.last_id:
                break
            await asyncio.sleep(0.1)
        assert signed == head.last_id
        async with db.write() as session:  # the newest record removed in the database
            await session.execute(delete(AuditRecord).where(AuditRecord.id == head.last_id))
    finally:
        await db.dispose()
    after = (await governance.run(VERIFY))["verifyAuditChain"]
    assert after["intact"] is False and after["firstBadId"] == str(head.last_id)
    assert "newest records were removed" in after["problem"]


async def test_when_the_audit_cannot_be_written_nothing_personal_is_delivered_and_no_driver_text_leaks(own_hub):
    running, http = own_hub
    clerk = _client(running, http, Role.CLERK, "KF-DATA", "clerk-li")
    water = _client(running, http, Role.UTILITY, "KF-WATER", "operator-water")
    case = await submit(clerk, individual_transfer(electricity=None, gas=None, heating=None))
    db = Database(running.settings.database_url)
    try:
        async with db.write() as session:
            await session.execute(text("ALTER TABLE audit_records RENAME TO audit_records_away"))

        response = await water.raw(READ_APPLICANT, {"id": case["id"]})
        body = response.json()
        assert response.status_code == 200 and body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["INTERNAL"]
        assert "audit_records" not in response.text and "internal error (incident" in body["errors"][0]["message"]

        assert (await water.run("query { case(id: \"%s\") { status } }" % case["id"]))["case"]["status"]  # nothing personal

        socket = await Subscription.open(running.port, running.token(Role.UTILITY, "KF-WATER", "operator-water"),
                                         READ_APPLICANT, {"id": case["id"]})
        message = await socket.first_message()
        assert message["type"] == "next" and message["payload"]["data"] is None
        assert [e["extensions"]["code"] for e in message["payload"]["errors"]] == ["INTERNAL"]
        assert "audit_records" not in str(message)
        await socket.close()

        application = await signed(clerk, individual_transfer(electricity=None, gas=None, heating=None))
        refused = await clerk.raw(ops.SUBMIT, {"input": application})
        assert "audit_records" not in refused.text and refused.json()["errors"][0]["extensions"]["code"] == "INTERNAL"
        cases = (await clerk.run("{ cases(first: 100) { edges { node { id } } } }"))["cases"]["edges"]
        assert [e["node"]["id"] for e in cases] == [case["id"]], "a write whose audit failed is not written either"
    finally:
        async with db.write() as session:
            await session.execute(text("ALTER TABLE audit_records_away RENAME TO audit_records"))
        await db.dispose()
    assert (await water.run(READ_APPLICANT, {"id": case["id"]}))["case"]["applicant"]["name"] == "张伟"


@pytest.mark.parametrize("record", [
    audit.content(audit.entry(WHO, kind="READ", operation="MyCases", at=T0, outcome="OK", case_id=uuid.uuid4(),
                              items=["Applicant.idNumber", "Applicant.phone"], grants=["g-1", "g-2"])),
    audit.content(audit.entry(Principal(subject="窗口-张三", organisation=None, roles=frozenset({Role.CLERK})),
                              kind="WRITE", operation='名称 "带引号" \\ 与换行\n', at=T0 + timedelta(microseconds=7),
                              outcome="REFUSED", reason="理由：override")),
    {"at": T0, "case_id": None, "items": [], "grants": [], "nested": [{"b": 1, "a": [None, True, 1.5]}]},
])
def test_a_records_hashed_text_is_its_content_as_sorted_compact_json(record):
    """Records already in the chain verify only if the hashed text never changes: it is the content as
    `json.dumps` writes it with sorted keys, compactly, ids and times as text."""
    expected = json.dumps({k: str(v) if isinstance(v, (uuid.UUID, datetime)) else v for k, v in record.items()},
                          sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert audit.canonical(record) == expected


def test_a_batchs_texts_are_each_records_own_text():
    """The appender makes a batch's texts around what its records share; each must be the record's own text,
    also when a shared value looks like the stand-ins used to find the shared parts."""
    odd = Principal(subject="\x00grants", organisation="KF-WATER", roles=frozenset({Role.UTILITY}), client_id='c"1')
    records = [audit.entry(who, kind=kind, operation=operation, at=T0, outcome="OK", case_id=case, items=items,
                           grants=grants, reason=reason)
               for who, kind, operation, case, items, grants, reason in [
                   (WHO, "READ", "MyCases", uuid.uuid4(), ["Applicant.name", "Applicant.phone"], ["g-1"], None),
                   (WHO, "READ", "MyCases", uuid.uuid4(), ["Applicant.name", "Applicant.phone"], ["g-1"], None),
                   (WHO, "READ", "MyCases", uuid.uuid4(), ["Case.status"], [], None),
                   (WHO, "WRITE", "SubmitCase", None, [], [], "理由"),
                   (odd, "READ", "\x00case", uuid.uuid4(), ['a\n"'], ["\x00items"], None)]]
    assert audit.canonical_texts(records) == [audit.canonical(audit.content(record)) for record in records]
