"""Material files (电子材料共享互认) through the real app over HTTP, on the local disk and on an S3-compatible
store (moto's server, started here as its own process), each with two hub instances sharing one database,
one key and one store: what one instance takes in, the other serves."""

import asyncio
import hashlib
import json
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import boto3
import httpx
import pytest

from hub.auth import keys
from hub.config import Settings
from hub.enums import Role
from hub.files.store import object_name
from tests import operations as ops
from tests.factories import individual_transfer
from tests.harness import ENGLISH, GraphQLClient, RunningHub, create_database, drop_database, free_port
from tests.steps import by_service, finish, move, submit, submit_errors, upload, uploaded, write

LIMIT = 64 * 1024
GRACE = timedelta(hours=1)
RETENTION_DAYS = 30

FILES = """query ($id: ID!) { case(id: $id) { status personalDataErasedAt
  applicant { name phone idNumber } site { address districtCode }
  water { accountNumber } assignments { service status result { accountNumber remarks } }
  materials { typeCode number holder file { sha256 size contentType uploadedBy uploadedAt downloadUrl } } } }"""
AUDIT = """query ($filter: AuditFilterInput) { auditRecords(filter: $filter, first: 50) {
  edges { node { kind operation subject organisation caseId items grants outcome reason } } } }"""
ERASE = """mutation ($input: ErasePersonalDataInput!) { erasePersonalData(input: $input) {
  erasure { caseId erasedAt items filesRemoved } errors { field code message } } }"""


def pdf(tag: str = "") -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Title (" + (tag or uuid.uuid4().hex).encode() + b") >>\n%%EOF\n"


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + uuid.uuid4().bytes


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + uuid.uuid4().bytes


@pytest.fixture(scope="module")
def s3_endpoint():  # type: ignore[no-untyped-def]
    """An S3-compatible server on loopback: moto's standalone server in a process of its own."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.TransportError:
            if server.poll() is not None:
                raise RuntimeError("moto server did not start") from None
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=15)


@dataclass
class Hubs:
    """Two instances of the hub on one database and one store."""

    first: RunningHub
    second: RunningHub
    http: tuple[httpx.AsyncClient, httpx.AsyncClient]
    store: str
    bucket: str | None
    s3: object | None

    def caller(self, role: Role, org: str | None, subject: str, on: int = 0) -> GraphQLClient:
        hub = (self.first, self.second)[on]
        return GraphQLClient(self.http[on], hub.token(role, org, subject))

    def objects(self) -> set[str]:
        """What the store holds, listed directly (not through the hub)."""
        if self.s3 is not None:
            listed = self.s3.list_objects_v2(Bucket=self.bucket)  # type: ignore[attr-defined]
            return {item["Key"] for item in listed.get("Contents", [])}
        root = Path(self.first.settings.data_dir) / "files"
        return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")}

    def freeze(self, moment) -> None:  # type: ignore[no-untyped-def]
        for hub in (self.first, self.second):
            hub.app.state.clock.freeze_at(moment)

    def reset_clocks(self) -> None:
        for hub in (self.first, self.second):
            hub.app.state.clock.reset()

    def now(self):  # type: ignore[no-untyped-def]
        return self.first.app.state.clock.now()


@pytest.fixture(scope="module", params=["local", "s3"])
async def hubs(request, tmp_path_factory):  # type: ignore[no-untyped-def]
    url = await create_database(tmp_path_factory.mktemp("db"))
    key_file = tmp_path_factory.mktemp("key") / "signing-key.json"
    keys.generate(key_file)
    common = {"environment": "embedded", "database_url": url, "signing_key_file": key_file, "file_max_bytes": LIMIT,
              "file_upload_grace_seconds": GRACE.total_seconds(), "file_gc_seconds": 0.2,
              "personal_data_retention_days": RETENTION_DAYS}
    bucket, s3 = None, None
    shared_dir = tmp_path_factory.mktemp("var")
    if request.param == "s3":
        endpoint = request.getfixturevalue("s3_endpoint")
        bucket = f"hub-{uuid.uuid4().hex[:8]}"
        credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
        s3 = boto3.client("s3", endpoint_url=endpoint, **credentials)
        s3.create_bucket(Bucket=bucket)
        common.update(file_store="s3", s3_endpoint_url=endpoint, s3_bucket=bucket, s3_region="us-east-1",
                      s3_access_key_id="test", s3_secret_access_key="test")
    first = RunningHub(Settings(**common, data_dir=shared_dir)).start()
    # On S3 the second instance has a disk of its own: only the bucket is shared.
    second_dir = shared_dir if request.param == "local" else tmp_path_factory.mktemp("var-b")
    second = RunningHub(Settings(**common, data_dir=second_dir)).start()
    async with httpx.AsyncClient(headers=ENGLISH, base_url=first.url, timeout=30) as a, \
            httpx.AsyncClient(headers=ENGLISH, base_url=second.url, timeout=30) as b:
        yield Hubs(first, second, (a, b), request.param, bucket, s3)
    second.stop()
    first.stop()
    await drop_database(url)


@pytest.fixture
async def clocks(hubs):  # type: ignore[no-untyped-def]
    """Both instances' clocks, put back afterwards; a collector pass still running with the moved clock could
    otherwise judge the next test's fresh uploads expired (time does not run backwards outside tests)."""
    yield hubs
    hubs.reset_clocks()
    await asyncio.sleep(1.0)


async def eventually(check, seconds: float = 15.0):  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.1)):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition not reached in time")


def with_file(data: dict, index: int, sha256: str) -> dict:
    data["materials"][index]["file"] = {"sha256": sha256}
    return data


async def test_the_type_comes_from_the_bytes_and_each_content_is_kept_once(hubs):
    clerk_a = hubs.caller(Role.CLERK, "KF-DATA", "clerk-li", on=0)
    clerk_b = hubs.caller(Role.CLERK, "KF-DATA", "clerk-li", on=1)
    content = pdf()
    response = await upload(clerk_a, content, "image/png")  # the declared type is not believed
    assert response.status_code == 201
    assert response.json() == {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content),
                               "contentType": "application/pdf"}
    assert (await uploaded(clerk_a, png()))["contentType"] == "image/png"
    assert (await uploaded(clerk_a, jpeg()))["contentType"] == "image/jpeg"
    before = hubs.objects()
    again = await uploaded(clerk_b, content)  # the same scan, through the other instance
    assert again["sha256"] == response.json()["sha256"]
    assert hubs.objects() == before
    assert object_name(again["sha256"]) in before


async def test_uploads_refused_with_the_field_and_reason_and_nothing_kept(hubs):
    clerk = hubs.caller(Role.CLERK, "KF-DATA", "clerk-li")
    before = hubs.objects()
    cases = [
        (b"just text, named scan.pdf", 415, "INVALID"),
        (b"<html><body>%PDF-1.4 hidden later</body></html>", 415, "INVALID"),
        (b"GIF89a" + uuid.uuid4().bytes, 415, "INVALID"),
        (b"", 400, "REQUIRED"),
        (pdf() + b"0" * LIMIT, 413, "OUT_OF_RANGE"),
    ]
    for content, status, code in cases:
        response = await upload(clerk, content, "application/pdf")
        assert response.status_code == status, (content[:20], response.text)
        [error] = response.json()["errors"]
        assert (error["field"], error["code"]) == ("body", code)
    for role, org in ((Role.UTILITY, "KF-WATER"), (Role.GOVERNANCE, "KF-DATA"), (Role.SUPERVISOR, "KF-CGJ")):
        response = await upload(hubs.caller(role, org, f"{role.value}-x"), pdf())
        assert response.status_code == 403
        assert response.json()["errors"][0]["code"] == "FORBIDDEN"
    form = await hubs.http[0].post("/files", files={"file": ("scan.pdf", pdf(), "application/pdf")},
                                   headers={"Authorization": f"Bearer {clerk.token}"})
    assert form.status_code == 415 and "--data-binary" in form.json()["errors"][0]["message"]
    assert (await upload(GraphQLClient(hubs.http[0], None), pdf())).status_code == 401
    assert hubs.objects() == before


async def test_a_scan_taken_once_is_shared_with_the_utilities_granted_it(hubs):
    clerk = hubs.caller(Role.CLERK, "KF-DATA", "clerk-li", on=0)
    scan = pdf()
    file = await uploaded(clerk, scan)
    case = await submit(hubs.caller(Role.CLERK, "KF-DATA", "clerk-li", on=1),
                        with_file(individual_transfer(), 1, file["sha256"]))
    seen = (await clerk.run(FILES, {"id": case["id"]}))["case"]
    attached = seen["materials"][1]["file"]
    assert {k: attached[k] for k in ("sha256", "size", "contentType", "uploadedBy")} == {
        "sha256": file["sha256"], "size": len(scan), "contentType": "application/pdf", "uploadedBy": "clerk-li"}
    assert seen["materials"][0]["file"] is None

    for service, org in (("WATER", "KF-WATER"), ("GAS", "KF-GAS")):
        utility = hubs.caller(Role.UTILITY, org, f"operator-{org}", on=1)
        view = (await utility.run(FILES, {"id": case["id"]}))["case"]["materials"][1]["file"]
        assert view["uploadedBy"] is None  # intake-side account: not shared
        response = await hubs.http[1].get(view["downloadUrl"])
        assert response.status_code == 200 and response.content == scan
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["cache-control"] == "private, no-store"
        other_instance = view["downloadUrl"].replace(hubs.second.url, hubs.first.url)
        assert (await hubs.http[0].get(other_instance)).content == scan

    supervisor = hubs.caller(Role.SUPERVISOR, "KF-CGJ", "inspector")
    assert all(m["file"] is None for m in (await supervisor.run(FILES, {"id": case["id"]}))["case"]["materials"])

    governance = hubs.caller(Role.GOVERNANCE, "KF-DATA", "gov")
    records = (await governance.run(AUDIT, {"filter": {"caseId": case["id"], "organisation": "KF-WATER"}}))
    downloads = [e["node"] for e in records["auditRecords"]["edges"] if e["node"]["operation"] == "downloadMaterialFile"]
    assert len(downloads) == 2  # one per instance
    assert all(d["kind"] == "READ" and d["items"] == ["Material.file"] and d["grants"] and d["outcome"] == "OK"
               and d["subject"] == "operator-KF-WATER" for d in downloads)


async def test_unknown_forged_expired_and_forbidden_downloads_answer_alike(hubs, clocks):
    clerk = hubs.caller(Role.CLERK, "KF-DATA", "clerk-li")
    file = await uploaded(clerk, jpeg())
    case = await submit(clerk, with_file(individual_transfer(electricity=None, gas=None, heating=None), 0, file["sha256"]))
    water = hubs.caller(Role.UTILITY, "KF-WATER", "operator-w")
    url = (await water.run(FILES, {"id": case["id"]}))["case"]["materials"][0]["file"]["downloadUrl"]
    assert (await hubs.http[0].get(url)).status_code == 200
    base, link = url.rsplit("/", 1)

    async def answer(target: str) -> tuple[int, bytes]:
        response = await hubs.http[0].get(target)
        return response.status_code, response.content

    unknown = await answer(f"{base}/{uuid.uuid4().hex}")
    assert unknown[0] == 404
    tampered = link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB")
    assert await answer(f"{base}/{tampered}") == unknown
    assert await answer(f"{base}/{water.token}") == unknown  # an access token is not a link
    assert (await hubs.http[0].post("/graphql", json={"query": "{ viewer { subject } }"},
                                    headers={"Authorization": f"Bearer {link}"})).status_code == 401  # nor the reverse
    assert (await hubs.http[0].get("/files")).status_code in (401, 405)  # no listing

    clocks.freeze(clocks.now() + timedelta(seconds=clocks.first.settings.file_url_ttl_seconds + 31))
    assert await answer(url) == unknown  # expired
    clocks.reset_clocks()

    governance = hubs.caller(Role.GOVERNANCE, "KF-DATA", "gov")
    grants = await governance.run("""query { sharingGrants(itemCode: "Material.file", organisation: "KF-WATER") { id } }""")
    [grant] = grants["sharingGrants"]
    revoked = await write(governance, "mutation ($input: RevokeGrantInput!) { revokeGrant(input: $input) { errors { code } } }",
                          grantId=grant["id"], reason="测试撤销")
    assert revoked["errors"] == []
    try:
        assert await answer(url) == unknown  # minted while allowed, refused once the grant is gone
        assert (await water.run(FILES, {"id": case["id"]}))["case"]["materials"][0]["file"] is None
    finally:
        restored = await write(governance, """mutation ($input: GrantAccessInput!) { grantAccess(input: $input) {
            errors { message } } }""", itemCodes=["Material.file"], grantee={"organisation": "KF-WATER"},
                               access="READ_FULL", purpose="水务集团办理用水过户/报装")
        assert restored["errors"] == []
    records = (await governance.run(AUDIT, {"filter": {"subject": "operator-w"}}))["auditRecords"]["edges"]
    refused = [e["node"] for e in records if e["node"]["operation"] == "downloadMaterialFile"
               and e["node"]["outcome"] == "NOT_FOUND"]
    assert refused and all(r["caseId"] is None and r["items"] == [] for r in refused)  # nothing learnt, even there


async def test_only_the_uploader_attaches_a_file_and_only_within_the_grace_period(hubs, clocks):
    owner = hubs.caller(Role.APPLICANT, None, "citizen-owner")
    other = hubs.caller(Role.APPLICANT, None, "citizen-other")
    file = await uploaded(owner, pdf())
    app_case = individual_transfer(channel="MOBILE_APP", electricity=None, gas=None, heating=None)
    for material in app_case["materials"]:
        material["verified"] = False

    errors = await submit_errors(other, with_file(json.loads(json.dumps(app_case)), 0, file["sha256"]))
    assert errors == [{"field": "materials[0].file.sha256", "code": "NOT_FOUND", "message": errors[0]["message"]}]
    assert (await other.run(ops.CASES, {"first": 5}))["cases"]["edges"] == []  # nothing written
    malformed = await submit_errors(owner, with_file(json.loads(json.dumps(app_case)), 0, "not-a-hash"))
    assert [(e["field"], e["code"]) for e in malformed] == [("materials[0].file.sha256", "INVALID")]

    case = await submit(owner, with_file(json.loads(json.dumps(app_case)), 0, file["sha256"].upper()))
    assert (await owner.run(FILES, {"id": case["id"]}))["case"]["materials"][0]["file"]["sha256"] == file["sha256"]

    # 补正 from the app: the utility asks, the applicant uploads and adds the missing proof.
    water = by_service(case)["WATER"]
    utility = hubs.caller(Role.UTILITY, "KF-WATER", "operator-w")
    water = await move(utility, ops.ACKNOWLEDGE, water)
    await move(utility, ops.REQUEST_MATERIALS, water, reason="请上传购房发票")
    invoice = await uploaded(owner, jpeg())
    version = (await owner.run("query ($id: ID!) { case(id: $id) { version } }", {"id": case["id"]}))["case"]["version"]
    added = await write(owner, ops.ADD_MATERIALS, caseId=case["id"], expectedVersion=version,
                        materials=[{"typeCode": "PURCHASE_INVOICE", "file": {"sha256": invoice["sha256"]}}])
    assert added["errors"] == []
    files = [m["file"] for m in (await utility.run(FILES, {"id": case["id"]}))["case"]["materials"]]
    assert [f["contentType"] for f in files if f] == ["application/pdf", "image/jpeg"]

    late = await uploaded(owner, pdf())
    clocks.freeze(clocks.now() + GRACE + timedelta(seconds=1))
    errors = await submit_errors(owner, with_file(json.loads(json.dumps(app_case)), 0, late["sha256"]))
    assert [(e["field"], e["code"]) for e in errors] == [("materials[0].file.sha256", "NOT_FOUND")]


async def test_unreferenced_files_are_removed_after_the_grace_period(hubs, clocks):
    clerk = hubs.caller(Role.CLERK, "KF-DATA", "clerk-li")
    loose = await uploaded(clerk, pdf())
    kept_content = png()
    kept = await uploaded(clerk, kept_content)
    case = await submit(clerk, with_file(individual_transfer(electricity=None, gas=None, heating=None), 1, kept["sha256"]))
    assert {object_name(loose["sha256"]), object_name(kept["sha256"])} <= hubs.objects()
    await asyncio.sleep(0.5)  # collectors have run (every 0.2 s): within the grace period nothing goes
    assert object_name(loose["sha256"]) in hubs.objects()

    clocks.freeze(clocks.now() + GRACE + timedelta(minutes=1))

    async def loose_gone() -> bool:
        return object_name(loose["sha256"]) not in hubs.objects()

    await eventually(loose_gone)
    assert object_name(kept["sha256"]) in hubs.objects()
    clocks.reset_clocks()
    water = hubs.caller(Role.UTILITY, "KF-WATER", "operator-w", on=1)
    view = (await water.run(FILES, {"id": case["id"]}))["case"]["materials"][1]["file"]
    assert (await hubs.http[1].get(view["downloadUrl"])).content == kept_content
    again = await upload(clerk, b"%PDF" + b"x")  # a removed file can be uploaded again like a new one
    assert again.status_code == 201


async def test_governance_erases_a_finished_case_after_retention(hubs, clocks):
    clerk = hubs.caller(Role.CLERK, "KF-DATA", "clerk-li")
    governance = hubs.caller(Role.GOVERNANCE, "KF-DATA", "gov-zhao")
    only_here, shared = await uploaded(clerk, pdf()), await uploaded(clerk, jpeg())
    data = with_file(with_file(individual_transfer(electricity=None, gas=None, heating=None), 0, only_here["sha256"]),
                     1, shared["sha256"])
    case = await submit(clerk, data)
    other = await submit(clerk, with_file(individual_transfer(electricity=None, gas=None, heating=None), 1,
                                          shared["sha256"]))
    water = hubs.caller(Role.UTILITY, "KF-WATER", "operator-w")
    url = (await water.run(FILES, {"id": case["id"]}))["case"]["materials"][0]["file"]["downloadUrl"]

    async def erase(case_id: str, reason: str = "保存期满，依《个人信息保护法》第四十七条删除") -> dict:
        return await write(governance, ERASE, caseId=case_id, reason=reason)

    assert [e["code"] for e in (await erase(case["id"]))["errors"]] == ["ILLEGAL_TRANSITION"]  # still open
    await finish(water, by_service(case)["WATER"], "W-NEW-0001")
    assert (await erase(case["id"]))["errors"][0] | {"message": ""} == {"field": "caseId", "code": "OUT_OF_RANGE",
                                                                        "message": ""}
    assert [(e["field"], e["code"]) for e in (await erase(case["id"], "  "))["errors"]] == [("reason", "REQUIRED")]
    refused = await write(clerk, ERASE, caseId=case["id"], reason="x")
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]

    clocks.freeze(clocks.now() + timedelta(days=RETENTION_DAYS, hours=1))
    done = await erase(case["id"])
    assert done["errors"] == []
    assert {"Applicant.name", "Applicant.phone", "Applicant.idNumber", "Site.address", "Material.number",
            "Material.holder", "Material.file", "Assignment.accountNumber", "WaterSection.accountNumber",
            "AssignmentResult.accountNumber", "Case.note"} <= set(done["erasure"]["items"])
    assert done["erasure"]["filesRemoved"] == 1  # the other file is still a material of another case

    seen = (await clerk.run(FILES, {"id": case["id"]}))["case"]
    assert seen["applicant"] == {"name": None, "phone": None, "idNumber": None}
    assert seen["site"] == {"address": None, "districtCode": "410202"}
    assert seen["water"] == {"accountNumber": None}
    assert seen["assignments"] == [{"service": "WATER", "status": "COMPLETED",
                                    "result": {"accountNumber": None, "remarks": "办结"}}]
    assert all(m["number"] is None and m["holder"] is None and m["file"] is None for m in seen["materials"])
    assert seen["status"] == "COMPLETED" and seen["personalDataErasedAt"] is not None
    assert (await hubs.http[0].get(url)).status_code == 404
    assert object_name(only_here["sha256"]) not in hubs.objects()
    assert object_name(shared["sha256"]) in hubs.objects()
    assert (await clerk.run(FILES, {"id": other["id"]}))["case"]["materials"][1]["file"]["sha256"] == shared["sha256"]

    assert [e["code"] for e in (await erase(case["id"]))["errors"]] == ["CONFLICT"]
    records = (await governance.run(AUDIT, {"filter": {"caseId": case["id"], "subject": "gov-zhao"}}))
    [record] = [e["node"] for e in records["auditRecords"]["edges"] if e["node"]["outcome"] == "OK"]
    assert record["operation"] == "erasePersonalData" and record["kind"] == "WRITE"
    assert record["reason"].startswith("保存期满") and record["items"] == done["erasure"]["items"]
    assert "张伟" not in json.dumps(record, ensure_ascii=False)
    assert (await governance.run("{ verifyAuditChain { intact } }"))["verifyAuditChain"]["intact"] is True
