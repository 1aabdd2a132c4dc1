"""What the client does against the real hub: completing over incomplete materials with a stated reason
(材料齐全即时办理), and saving a material's scan by its download link."""

import hashlib

import httpx
import pytest

from hub.enums import Role
from kaifeng_hub_client import DownloadError, HubClient, StaticToken, ValidationError
from tests.factories import individual_transfer
from tests.harness import GraphQLClient
from tests.steps import by_service, submit, uploaded

SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # a scanned page, as far as a type check sees
MATERIALS = "id case { materials { typeCode file { sha256 downloadUrl } } }"
REASON = "房产证原件已在营业厅核验，复印件次日补交"


@pytest.fixture
async def clerk(real_hub):  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=real_hub.url, timeout=30) as http:
        yield GraphQLClient(http, real_hub.token(Role.CLERK, "KF-DATA", "clerk-li"))


def company(hub, org: str, subject: str) -> HubClient:  # type: ignore[no-untyped-def]
    return HubClient(hub.url, StaticToken(hub.token(Role.UTILITY, org, subject)), language="en")  # refusals read in English


async def test_complete_over_incomplete_materials_needs_the_stated_reason_which_the_assignment_keeps(real_hub, clerk):
    data = individual_transfer(water=None, electricity=None, heating=None)  # gas only, without the property proof
    data["materials"] = [m for m in data["materials"] if m["typeCode"] != "PROPERTY_CERTIFICATE"]
    gas = by_service(await submit(clerk, data))["GAS"]
    async with company(real_hub, "KF-GAS", "gas-desk-7") as hub:
        a = await hub.acknowledge(gas["id"], gas["version"])
        a = await hub.accept(a["id"], a["version"])
        a = await hub.confirm_preconditions(a["id"], a["version"], {"GAS_SAFETY_CHECK_DONE": "2026-11-20",
                                                                   "GAS_FEES_SETTLED": "2026-11-21"})
        with pytest.raises(ValidationError) as refused:
            await hub.complete(a["id"], a["version"], "G-20261127-01")
        assert refused.value.user_errors[0].field == "input"
        assert "overrideIncompleteMaterials" in refused.value.user_errors[0].message
        # the same call with the reason: nothing was written by the refusal, so its default key applies now
        done = await hub.complete(a["id"], a["version"], "G-20261127-01", override_incomplete_materials=REASON)
        assert (done["status"], done["result"]["accountNumber"]) == ("COMPLETED", "G-20261127-01")
        assert (done["materialsOverride"]["reason"], done["materialsOverride"]["overriddenBy"]) == (REASON, "gas-desk-7")
        again = await hub.complete(a["id"], a["version"], "G-20261127-01", override_incomplete_materials=REASON)
        assert again["version"] == done["version"]  # a retry whose answer was lost applies nothing twice
        shown = await hub.assignment(a["id"], fields="id status materials { complete } materialsOverride { reason }")
    assert shown == {"id": a["id"], "status": "COMPLETED", "materials": {"complete": False},
                     "materialsOverride": {"reason": REASON}}


async def test_a_materials_scan_is_saved_whole_and_checked_or_not_at_all(real_hub, clerk, tmp_path):
    file = await uploaded(clerk, SCAN)
    data = individual_transfer(electricity=None, gas=None, heating=None)
    data["materials"][1]["file"] = {"sha256": file["sha256"]}  # the property certificate's scan
    water = by_service(await submit(clerk, data))["WATER"]
    async with company(real_hub, "KF-WATER", "water-desk-2") as hub:
        read = await hub.assignment(water["id"], fields=MATERIALS)
        certificate = next(m for m in read["case"]["materials"] if m["typeCode"] == "PROPERTY_CERTIFICATE")
        saved = await hub.download_file(certificate["file"], tmp_path / "certificate.pdf")
        assert saved.read_bytes() == SCAN and hashlib.sha256(SCAN).hexdigest() == certificate["file"]["sha256"]

        wrong_hash = {**certificate["file"], "sha256": "0" * 64}
        with pytest.raises(DownloadError, match="not the material's 0000"):
            await hub.download_file(wrong_hash, tmp_path / "tampered.pdf")
        forged = {"downloadUrl": certificate["file"]["downloadUrl"][:-4] + "AAAA"}
        with pytest.raises(DownloadError) as refused:
            await hub.download_file(forged, tmp_path / "forged.pdf")
        assert refused.value.status == 404
        without_file = next(m for m in read["case"]["materials"] if m["typeCode"] == "RESIDENT_ID_CARD")
        with pytest.raises(DownloadError, match="no downloadUrl"):
            await hub.download_file(without_file["file"], tmp_path / "id.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["certificate.pdf"]  # nothing else left behind
