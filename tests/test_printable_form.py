"""The filled application form (申请表) printed for signature at the window, and the signed scan taken back."""

import io

from pypdf import PdfReader

from hub.enums import Role
from tests.factories import PERSON_ID, enterprise_connection, individual_transfer
from tests.steps import submit, upload, write

LINK = "query ($id: ID!) { case(id: $id) { applicationFormUrl } }"
ADD = """mutation ($input: AddMaterialsInput!) { addMaterials(input: $input) {
  case { version materials { typeCode type { name } file { sha256 contentType downloadUrl } } } errors { field code message } } }"""
VERSION = "query ($id: ID!) { case(id: $id) { version } }"
AUDIT = """query ($filter: AuditFilterInput) { auditRecords(filter: $filter, first: 50) {
  edges { node { kind operation subject items outcome caseId } } } }"""
GRANTS = "query ($code: String!) { sharingGrants(itemCode: $code, role: \"CLERK\") { id access } }"
GRANT = "mutation ($input: GrantAccessInput!) { grantAccess(input: $input) { errors { message } } }"
REVOKE = "mutation ($input: RevokeGrantInput!) { revokeGrant(input: $input) { errors { code } } }"


def individual_connection() -> dict:
    return enterprise_connection(
        applicant={"kind": "INDIVIDUAL", "name": "赵敏", "phone": "13800138001", "idNumber": PERSON_ID},
        site={"address": "开封市鼓楼区中山路 66 号 2 单元 301", "districtCode": "410204"},
        water={"nature": "RESIDENTIAL", "category": "NEW"},
        electricity={"businessType": "NEW", "capacityKw": 8, "supplyMode": "AC_220V"},
        gas={"households": 1, "hourlyM3": 2.5},
        heating={"startDate": "2027-11-15", "systemType": "FLOOR_RADIANT",
                 "loads": [{"use": "RESIDENTIAL_HEATING", "areaM2": 96.5, "loadKw": 6.5}]},
        telecom={"productTypes": ["BROADBAND"], "installAddress": "开封市鼓楼区中山路 66 号 2 单元 301"},
        vatInvoiceWanted=False, vatInvoice=None,
        materials=[{"typeCode": "RESIDENT_ID_CARD", "number": PERSON_ID, "verified": True}],
    )


FORMS = {  # form → (application, title on the form, the applicant's name, the commitment's signature label)
    "CONNECTION_INDIVIDUAL": (individual_connection, "水电气暖信报装申请表（个人报装）", "赵敏", "签字"),
    "CONNECTION_ENTERPRISE": (enterprise_connection, "水电气暖信报装申请表（企业报装）", "开封市宋都食品有限公司", "签章"),
    "TRANSFER": (individual_transfer, "开封市供水、供电、供气、供热一次过户申请表", "张伟", "申请用户确认"),
}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


async def print_by_number(http, token: str, number: str):  # type: ignore[no-untyped-def]
    return await http.get(f"/cases/{number}/application-form.pdf", headers={"Authorization": f"Bearer {token}"})


async def test_each_form_prints_with_its_case_number_applicant_and_commitment(clerk, http):
    for form, (application, title, name, signature) in FORMS.items():
        case = await submit(clerk, application())
        response = await print_by_number(http, clerk.token, case["number"])
        assert response.status_code == 200 and response.headers["content-type"] == "application/pdf", response.text
        assert len(response.content) < 200_000  # the font is embedded as a subset
        text = pdf_text(response.content)
        assert case["number"] in text and name in text and title in text, (form, text[:500])
        assert f"{signature}：" in text and "谨此确认" in text
        assert "申请人" in text and "已记录" in text  # the agreement recorded with the submission
        if form != "CONNECTION_ENTERPRISE":
            assert PERSON_ID in text  # the window reads ID numbers in full


async def test_a_signed_link_prints_without_a_token_and_nothing_else_does(clerk, http, utilities):
    case = await submit(clerk, individual_transfer())
    link = (await clerk.run(LINK, {"id": case["id"]}))["case"]["applicationFormUrl"]
    assert "/forms/" in link
    response = await http.get(link)
    assert response.status_code == 200 and case["number"] in pdf_text(response.content)
    refused = await http.get(link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB"))
    assert refused.status_code == 404
    assert (await http.get(f"/cases/{case['number']}/application-form.pdf")).status_code == 401
    water = utilities["WATER"]
    assert (await water.run(LINK, {"id": case["id"]}))["case"]["applicationFormUrl"] is None  # not granted
    assert (await print_by_number(http, water.token, case["number"])).status_code == 403
    elsewhere = await print_by_number(http, utilities["TELECOM"].token, case["number"])  # no telecom assignment
    unknown = await print_by_number(http, clerk.token, "KF20260101-00000000")
    assert elsewhere.status_code == unknown.status_code == 404 and elsewhere.json() == unknown.json()


async def test_the_form_shows_only_what_the_catalogue_grants_and_the_print_is_audited(as_role, clerk, http):
    governance = as_role(Role.GOVERNANCE, "KF-DATA", "gov-print")
    case = await submit(clerk, individual_transfer(materials=[{"typeCode": "RESIDENT_ID_CARD", "verified": True}]))
    [grant] = [g for g in (await governance.run(GRANTS, {"code": "Applicant.idNumber"}))["sharingGrants"]
               if g["access"] == "READ_FULL"]
    assert (await write(governance, REVOKE, grantId=grant["id"], reason="测试：窗口不再打印身份证号"))["errors"] == []
    try:
        text = pdf_text((await print_by_number(http, clerk.token, case["number"])).content)
        assert case["number"] in text and "张伟" in text and PERSON_ID not in text
    finally:
        restored = await write(governance, GRANT, itemCodes=["Applicant.idNumber"], grantee={"role": "CLERK"},
                               access="READ_FULL", purpose="窗口人员受理、核验材料及跟踪办件（一窗受理）")
        assert restored["errors"] == []
    assert PERSON_ID in pdf_text((await print_by_number(http, clerk.token, case["number"])).content)
    records = [e["node"] for e in (await governance.run(AUDIT, {"filter": {"caseId": case["id"]}}))["auditRecords"]["edges"]
               if e["node"]["operation"] == "printApplicationForm"]
    assert len(records) == 2 and all(r["kind"] == "READ" and r["subject"] == "clerk-wang" for r in records)
    assert sum("Applicant.idNumber" in r["items"] for r in records) == 1 and all("Applicant.name" in r["items"] for r in records)


async def test_the_signed_scan_comes_back_as_a_material(clerk, http, utilities):
    case = await submit(clerk, individual_transfer())
    printed = (await print_by_number(http, clerk.token, case["number"])).content
    scan = await upload(clerk, printed)  # the signed page, scanned to PDF at the window
    assert scan.status_code == 201
    version = (await clerk.run(VERSION, {"id": case["id"]}))["case"]["version"]
    added = await write(clerk, ADD, caseId=case["id"], expectedVersion=version, materials=[
        {"typeCode": "SIGNED_APPLICATION_FORM", "verified": True, "file": {"sha256": scan.json()["sha256"]}}])
    assert added["errors"] == []
    [signed] = [m for m in added["case"]["materials"] if m["typeCode"] == "SIGNED_APPLICATION_FORM"]
    assert signed["type"]["name"] == "申请表（申请人签字/签章）" and signed["file"]["contentType"] == "application/pdf"
    seen = (await utilities["WATER"].run("query ($id: ID!) { case(id: $id) { materials { typeCode file { downloadUrl } } } }",
                                         {"id": case["id"]}))["case"]["materials"]
    [theirs] = [m for m in seen if m["typeCode"] == "SIGNED_APPLICATION_FORM"]
    downloaded = await http.get(theirs["file"]["downloadUrl"])
    assert downloaded.status_code == 200 and downloaded.content == printed
