"""申请人签章/承诺: the texts the app and the window show, the personal-information notice derived from the
catalogue, and the commitment every submission records (or is refused for, naming the field)."""

from datetime import datetime, timedelta, timezone

from hub.enums import Role
from tests import operations as ops
from tests.factories import enterprise_connection, individual_transfer
from tests.steps import signed, submit, submit_errors, write

TEXTS = "{ commitmentTexts { form version title signatureLabel text sha256 } }"
NOTICE = """{ privacyNotice { sha256 preamble
  recipients { name organisationCode role services items { code name masked } purposes } } }"""
COMMITMENT = """query ($id: ID!) { case(id: $id) { commitment {
  version agreedBy agreedAt channel identityVerification textSha256 noticeSha256 recordedBy
  text { form text } } } }"""
GRANT = """mutation ($input: GrantAccessInput!) { grantAccess(input: $input) { grants { id } errors { message } } }"""
REVOKE = "mutation ($input: RevokeGrantInput!) { revokeGrant(input: $input) { errors { code } } }"


def fields(errors: list[dict]) -> dict[str, str]:
    return {e["field"]: e["code"] for e in errors}


async def test_the_app_and_the_window_show_the_seed_texts_of_each_form(as_role):
    for caller in (as_role(Role.APPLICANT, None, "citizen-li"), as_role(Role.CLERK, "KF-DATA", "clerk-wang")):
        texts = {t["form"]: t for t in (await caller.run(TEXTS))["commitmentTexts"]}
        assert set(texts) == {"CONNECTION_INDIVIDUAL", "CONNECTION_ENTERPRISE", "TRANSFER"}
        individual, enterprise = texts["CONNECTION_INDIVIDUAL"], texts["CONNECTION_ENTERPRISE"]
        assert individual["title"] == "水电气暖信报装申请表（个人报装）" and individual["signatureLabel"] == "签字"
        assert "已仔细阅读、理解用水、用电、用气、用热和通信相关要求" in individual["text"]
        assert enterprise["signatureLabel"] == "签章" and "用水承诺书、用电承诺书、用气承诺书和用热承诺书" in enterprise["text"]
        assert all(t["text"].startswith("本人/单位承诺，上述申请表中的信息和提供的相关文件资料真实准确") for t in texts.values())


async def test_the_notice_names_who_receives_what_for_which_purpose_as_the_grants_say(as_role, clerk):
    notice = (await clerk.run(NOTICE))["privacyNotice"]
    assert "第二十三条" in notice["preamble"] and len(notice["sha256"]) == 64
    by_org = {r["organisationCode"]: r for r in notice["recipients"] if r["organisationCode"]}
    water = {i["code"]: i for i in by_org["KF-WATER"]["items"]}
    assert by_org["KF-WATER"]["name"] == "开封市城市水务集团有限公司" and by_org["KF-WATER"]["services"] == ["WATER"]
    # in full only where a grant in force says so (by default masked; other tests may have approved a request)
    grants = (await as_role(Role.GOVERNANCE, "KF-DATA").run(
        '{ sharingGrants(itemCode: "Applicant.idNumber") { granteeOrganisation granteeRole access } }'))["sharingGrants"]
    full = any(g["access"] == "READ_FULL" and (g["granteeOrganisation"] == "KF-WATER" or g["granteeRole"] == "UTILITY")
               for g in grants)
    assert water["Applicant.idNumber"]["masked"] is not full and water["Applicant.name"]["masked"] is False
    assert water["Applicant.idNumber"]["name"] == "申请人身份证号"
    assert "水务集团办理用水过户/报装" in by_org["KF-WATER"]["purposes"]
    telecom = {i["code"] for i in by_org["KF-TELECOM"]["items"]}
    assert "Site.address" not in telecom and "TelecomSection.installAddress" in telecom
    supervisors = next(r for r in notice["recipients"] if r["role"] == "SUPERVISOR")
    assert all(i["masked"] for i in supervisors["items"] if i["code"].startswith("Applicant."))
    assert not any(i["code"].endswith(("Applicant", "materials")) for r in notice["recipients"] for i in r["items"])


async def test_a_clerk_records_the_signature_and_identity_check_with_the_case(clerk, utilities):
    texts = {t["form"]: t for t in (await clerk.run(TEXTS))["commitmentTexts"]}
    signed_at = (datetime.now(timezone.utc) - timedelta(minutes=10)).isoformat()
    case = await submit(clerk, individual_transfer(commitment={"agreedAt": signed_at, "identityVerification": "ID_CARD_READER"}))
    recorded = (await clerk.run(COMMITMENT, {"id": case["id"]}))["case"]["commitment"]
    notice = (await clerk.run(NOTICE))["privacyNotice"]
    assert recorded["version"] == texts["TRANSFER"]["version"] and recorded["textSha256"] == texts["TRANSFER"]["sha256"]
    assert recorded["channel"] == "WINDOW_SIGNATURE" and recorded["identityVerification"] == "ID_CARD_READER"
    assert recorded["agreedBy"] == "APPLICANT" and datetime.fromisoformat(recorded["agreedAt"]) == datetime.fromisoformat(signed_at)
    assert recorded["noticeSha256"] == notice["sha256"] and recorded["recordedBy"] == "clerk-wang"
    assert recorded["text"]["text"] == texts["TRANSFER"]["text"]
    seen_by_water = (await utilities["WATER"].run(COMMITMENT, {"id": case["id"]}))["case"]["commitment"]
    assert seen_by_water["version"] == recorded["version"] and seen_by_water["recordedBy"] is None  # NOT_SHARED


async def test_an_applicant_agrees_online_under_a_real_name_login(as_role):
    citizen = as_role(Role.APPLICANT, None, "citizen-commit")
    data = individual_transfer(channel="MOBILE_APP", materials=[], electricity=None, gas=None, heating=None)
    case = await submit(citizen, data)
    recorded = (await citizen.run(COMMITMENT, {"id": case["id"]}))["case"]["commitment"]
    assert (recorded["channel"], recorded["identityVerification"]) == ("ONLINE_CONSENT", "REAL_NAME_LOGIN")
    assert recorded["recordedBy"] is None  # the intake side's account, not shown to the applicant


async def test_a_wrong_or_missing_commitment_is_refused_naming_the_field(clerk):
    texts = {t["form"]: t["version"] for t in (await clerk.run(TEXTS))["commitmentTexts"]}
    cases = [
        ({"commitment": {"version": "transfer-1999-01"}}, "commitment.version", "INVALID"),
        ({"commitment": {"version": texts["CONNECTION_ENTERPRISE"]}}, "commitment.version", "INVALID"),
        ({"commitment": {"channel": "ONLINE_CONSENT", "identityVerification": "REAL_NAME_LOGIN"}}, "commitment.channel", "INVALID"),
        ({"commitment": {"identityVerification": "REAL_NAME_LOGIN"}}, "commitment.identityVerification", "INVALID"),
        ({"commitment": {"agreedBy": "AGENT"}}, "commitment.agreedBy", "INVALID"),
        ({"commitment": {"agreedBy": "LEGAL_REPRESENTATIVE"}}, "commitment.agreedBy", "INVALID"),
        ({"commitment": {"agreedAt": (datetime.now(timezone.utc) + timedelta(hours=2)).isoformat()}},
         "commitment.agreedAt", "OUT_OF_RANGE"),
        ({"commitment": {"noticeSha256": "0" * 64}}, "commitment.noticeSha256", "INVALID"),
    ]
    for changes, field, code in cases:
        errors = await submit_errors(clerk, individual_transfer(**changes))
        assert fields(errors).get(field) == code, (changes, errors)
    unsigned = await clerk.errors(ops.SUBMIT, {"input": individual_transfer()})  # the schema requires it
    assert "required field 'commitment'" in unsigned[0]["message"]
    enterprise = await submit_errors(clerk, enterprise_connection(commitment={"version": texts["CONNECTION_INDIVIDUAL"]}))
    assert fields(enterprise) == {"commitment.version": "INVALID"}
    assert "CONNECTION_ENTERPRISE" in enterprise[0]["message"]


async def test_a_notice_changed_by_governance_must_be_shown_again(as_role, clerk):
    governance = as_role(Role.GOVERNANCE, "KF-DATA", "gov-notice")
    shown = await signed(clerk, individual_transfer())  # the notice as it was shown to the applicant
    before = (await clerk.run(NOTICE))["privacyNotice"]
    granted = await write(governance, GRANT, itemCodes=["Site.address"], grantee={"organisation": "KF-TELECOM"},
                          access="READ_FULL", purpose="通信报装上门勘察")
    assert granted["errors"] == []
    try:
        after = (await clerk.run(NOTICE))["privacyNotice"]
        assert after["sha256"] != before["sha256"]
        telecom = next(r for r in after["recipients"] if r["organisationCode"] == "KF-TELECOM")
        assert "Site.address" in {i["code"] for i in telecom["items"]} and "通信报装上门勘察" in telecom["purposes"]
        stale = (await clerk.run(ops.SUBMIT, {"input": shown}))["submitCase"]
        assert stale["case"] is None and fields(stale["errors"]) == {"commitment.noticeSha256": "INVALID"}
    finally:
        for grant in granted["grants"]:
            assert (await write(governance, REVOKE, grantId=grant["id"], reason="测试结束"))["errors"] == []
    assert (await clerk.run(NOTICE))["privacyNotice"]["sha256"] == before["sha256"]
    assert (await clerk.run(ops.SUBMIT, {"input": shown}))["submitCase"]["errors"] == []
