"""The filled application form (申请表) printed for signature at the window, and the signed scan taken back."""

import io
from contextlib import asynccontextmanager

from pypdf import PdfReader

from hub.enums import Role
from tests import operations as ops
from tests.factories import (
    AGENT_ID, LEGAL_REP_ID, PERSON_ID, PREVIOUS_ENTERPRISE, PREVIOUS_LEGAL_REP_ID, SELLER_ID, enterprise_connection,
    enterprise_power_transfer, individual_transfer,
)
from tests.steps import by_service, confirm_preconditions, move, submit, upload, write

LINK = "query ($id: ID!) { case(id: $id) { applicationFormUrl } }"
ADD = """mutation ($input: AddMaterialsInput!) { addMaterials(input: $input) {
  case { version materials { typeCode type { name } file { sha256 contentType downloadUrl } } } errors { field code message } } }"""
VERSION = "query ($id: ID!) { case(id: $id) { version } }"
AUDIT = """query ($filter: AuditFilterInput) { auditRecords(filter: $filter, first: 50) {
  edges { node { kind operation subject items outcome caseId } } } }"""
GRANTS = "query ($code: String!) { sharingGrants(itemCode: $code, role: \"CLERK\") { id access } }"
GRANT = "mutation ($input: GrantAccessInput!) { grantAccess(input: $input) { grants { id } errors { message } } }"
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
    """The form's words as a reader sees them, cell after cell, any run of spaces or line breaks read as one space."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join("\n".join(page.extract_text() for page in reader.pages).split())


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


# --- what the seed's forms have beside the applicant: 原户主, 联系人, the accepting unit's boxes, 其他要求, preconditions

SELLER_PHONE = "13512345678"
INTAKE = {"acceptingUnit": "市民之家二楼 3 号窗口", "receivedBy": "王丽", "notes": "原户主到场签字", "opinion": "同意过户"}
CLERK_READS = "窗口人员受理、核验材料及跟踪办件（一窗受理）"


def id_masked(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


def transfer_with_everything() -> dict:
    data = individual_transfer(contact={"name": "陈静", "phone": "0371-23456789"}, note="继承取得，原户主已故",
                               intake=INTAKE, agent={"name": "王芳", "phone": "13600136000", "idNumber": AGENT_ID})
    data["previousHolder"]["phone"] = SELLER_PHONE  # on record, not on the form: the seed's form has no such box
    return data


async def gas_checked(gas, case: dict, on: str) -> None:  # type: ignore[no-untyped-def]
    """The gas company states the safety check and the settlement of fees (需安检完毕，结清所有费用)."""
    assignment = await move(gas, ops.ACCEPT, await move(gas, ops.ACKNOWLEDGE, by_service(case)["GAS"]))
    await confirm_preconditions(gas, assignment, on=on)


async def printed(http, clerk, case: dict) -> str:  # type: ignore[no-untyped-def]
    response = await print_by_number(http, clerk.token, case["number"])
    assert response.status_code == 200, response.text
    assert len(response.content) < 200_000
    return pdf_text(response.content)


async def printed_items(as_role, case: dict) -> set[str]:  # type: ignore[no-untyped-def]
    """The personal items the case's one print is audited as reading."""
    governance = as_role(Role.GOVERNANCE, "KF-DATA", "gov-print")
    [record] = [e["node"] for e in (await governance.run(AUDIT, {"filter": {"caseId": case["id"]}}))["auditRecords"]["edges"]
                if e["node"]["operation"] == "printApplicationForm"]
    return set(record["items"])


@asynccontextmanager
async def clerk_reads(governance, *, masked: tuple = (), hidden: tuple = ()):  # type: ignore[no-untyped-def]
    """The window's full reads of these items withdrawn by governance: `masked` read masked, `hidden` not at all.
    Restored afterwards (the hub is shared by the session's tests)."""
    revoked, given = [], []
    try:
        for code in (*masked, *hidden):
            [grant] = [g for g in (await governance.run(GRANTS, {"code": code}))["sharingGrants"]
                       if g["access"] == "READ_FULL"]
            assert (await write(governance, REVOKE, grantId=grant["id"], reason="测试：窗口打印时不读此项"))["errors"] == []
            revoked.append(code)
        if masked:
            payload = await write(governance, GRANT, itemCodes=list(masked), grantee={"role": "CLERK"},
                                  access="READ_MASKED", purpose=CLERK_READS)
            assert payload["errors"] == []
            given = payload["grants"]
        yield
    finally:
        for grant in given:
            await write(governance, REVOKE, grantId=grant["id"], reason="测试结束")
        if revoked:
            restored = await write(governance, GRANT, itemCodes=revoked, grantee={"role": "CLERK"},
                                   access="READ_FULL", purpose=CLERK_READS)
            assert restored["errors"] == []


async def test_the_transfer_form_shows_both_holders_the_contact_the_accepting_units_boxes_and_the_gas_check(
        as_role, clerk, http, utilities):
    case = await submit(clerk, transfer_with_everything())
    await gas_checked(utilities["GAS"], case, on="2026-11-20")
    text = await printed(http, clerk, case)
    assert "张伟" in text and PERSON_ID in text  # 申请用户（新户主）
    assert "原户主" in text and "刘秀英" in text and SELLER_ID in text and SELLER_PHONE not in text
    assert "陈静" in text and "037123456789" in text and "13800138000" not in text  # the contact, not the applicant
    assert "继承取得，原户主已故" in text  # 过户说明
    assert "原户主到场签字" in text and "受理单位意见： 同意过户" in text  # 受理说明, 受理单位意见
    assert "■ 安检完毕（2026年11月20日）" in text and "■ 结清所有费用（2026年11月20日）" in text

    items = await printed_items(as_role, case)
    assert {"PreviousHolder.name", "PreviousHolder.idNumber", "Contact.name", "Contact.phone", "Case.note",
            "Intake.notes", "Intake.opinion"} <= items
    assert not {"PreviousHolder.phone", "Agent.name", "Intake.receivedBy"} & items  # not on the form, so not read


async def test_without_a_contact_the_applicant_is_the_contact(clerk, http):
    case = await submit(clerk, individual_transfer(gas=None))
    text = await printed(http, clerk, case)
    assert "联系人 张伟 联系电话 13800138000" in text
    assert "办理前提" not in text and "受理单位意见：" in text  # no gas, no precondition; the opinion left to write


async def test_an_enterprise_transfer_shows_both_sides_legal_representatives(clerk, http):
    text = await printed(http, clerk, await submit(clerk, enterprise_power_transfer()))
    assert "开封市宋都食品有限公司" in text and f"法人代表 姓名 李强 身份证号 {LEGAL_REP_ID}" in text
    assert f"原户主 开封市汴梁纺织有限公司 机构信用代码 {PREVIOUS_ENTERPRISE}" in text
    assert f"法人代表 姓名 赵刚 身份证号 {PREVIOUS_LEGAL_REP_ID}" in text


async def test_the_connection_forms_show_telecoms_other_requirements_the_invoice_answer_and_the_accepting_unit(
        as_role, clerk, http):
    enterprise = await submit(clerk, enterprise_connection(
        note="厂区北门进出", intake={"acceptingUnit": "鼓楼区营业厅", "receivedBy": "王丽"},
        telecom={"productTypes": ["BROADBAND"], "installAddress": "开封市祥符区工业园 8 号办公楼",
                 "otherRequirements": "需 1000M 专线，周末施工"}))
    text = await printed(http, clerk, enterprise)
    assert "其他要求 需 1000M 专线，周末施工" in text and "厂区北门进出" not in text  # note is 过户说明 only
    assert not {"Case.note", "Intake.notes"} & await printed_items(as_role, enterprise)  # not on it, so not read
    assert "受理单位 鼓楼区营业厅 接件人 王丽" in text
    assert "■ 是 □ 否" in text
    assert "原有容量：0 千伏安，申请容量：1000 千伏安" in text and "申请容量 千瓦" in text  # high voltage: kVA
    individual = await printed(http, clerk, await submit(clerk, individual_connection()))
    assert "□ 是 ■ 否" in individual and "申请容量 8 千瓦" in individual
    assert "接件人 clerk-wang" in individual  # the clerk's account unless another is named


async def test_what_the_window_may_not_read_prints_masked_or_blank(as_role, clerk, http, utilities):
    governance = as_role(Role.GOVERNANCE, "KF-DATA", "gov-print")
    transfer = await submit(clerk, transfer_with_everything())
    await gas_checked(utilities["GAS"], transfer, on="2026-11-21")
    plain = await submit(clerk, individual_transfer(gas=None))
    connection = await submit(clerk, enterprise_connection(
        telecom={"productTypes": ["BROADBAND"], "installAddress": "开封市祥符区工业园 8 号办公楼",
                 "otherRequirements": "需 1000M 专线，周末施工"},
        intake={"acceptingUnit": "鼓楼区营业厅", "receivedBy": "王丽"}))
    async with clerk_reads(governance, masked=("PreviousHolder.idNumber", "Intake.receivedBy"),
                           hidden=("PreviousHolder.name", "Case.note", "Intake.notes", "Intake.opinion",
                                   "Intake.acceptingUnit", "Precondition.on", "Case.contact",
                                   "TelecomSection.otherRequirements", "Case.vatInvoiceWanted")):
        text = await printed(http, clerk, transfer)
        assert id_masked(SELLER_ID) in text and SELLER_ID not in text and "刘秀英" not in text
        assert "陈静" not in text and "037123456789" not in text  # Case.contact hidden: nothing of the contact
        assert "继承取得" not in text and "原户主到场签字" not in text and "同意过户" not in text
        assert "■ 安检完毕（ 年 月 日）" in text and "2026年11月21日" not in text  # met, but not when
        assert "13800138000" not in await printed(http, clerk, plain)  # a blank 联系人 says nothing of the case
        form = await printed(http, clerk, connection)
        assert "1000M" not in form and "鼓楼区营业厅" not in form and "王*" in form and "王丽" not in form
        assert "□ 是 □ 否" in form
    async with clerk_reads(governance, masked=("Contact.name", "Contact.phone")):
        assert "联系人 陈* 联系电话 037*****6789" in await printed(http, clerk, transfer)
    assert "刘秀英" in await printed(http, clerk, transfer)  # restored
