"""What the SMS say and who gets them: received (not 受理) on submission, 受理 when a utility accepts, each
service's account number on completion, and an enterprise without a number reached all the same."""

import asyncio
import json

from hub.enums import Role
from tests import operations as ops
from tests.factories import enterprise_connection, individual_transfer
from tests.steps import by_service, finish, move, submit, submit_errors


async def _sms_for(hub, number: str, kinds: set[str], timeout: float = 8.0) -> list[dict]:  # type: ignore[no-untyped-def]
    """The case's messages once every kind in `kinds` has arrived (or the timeout passed)."""
    log_file = hub.settings.data_dir / "sms.log"
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        lines = [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines()] if log_file.exists() else []
        found = [m for m in lines if number in m["text"]]
        if kinds <= {m["kind"] for m in found} or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.2)


def _texts(messages: list[dict], kind: str) -> set[str]:
    return {m["text"] for m in messages if m["kind"] == kind}


async def test_submission_says_received_and_acceptance_says_accepted(hub, clerk, utilities):
    case = await submit(clerk, individual_transfer(electricity=None, gas=None, heating=None))
    [submitted] = _texts(await _sms_for(hub, case["number"], {"CASE_SUBMITTED"}), "CASE_SUBMITTED")
    assert "已收到" in submitted and "受理" not in submitted
    water = await move(utilities["WATER"], ops.ACKNOWLEDGE, by_service(case)["WATER"])
    await move(utilities["WATER"], ops.ACCEPT, water)
    messages = await _sms_for(hub, case["number"], {"ASSIGNMENT_ACCEPTED"})
    [accepted] = _texts(messages, "ASSIGNMENT_ACCEPTED")
    assert "供水业务已受理" in accepted
    assert {m["to"] for m in messages if m["kind"] == "ASSIGNMENT_ACCEPTED"} == {"13800138000"}


async def test_completion_tells_each_service_account_number(hub, clerk, utilities):
    case = await submit(clerk, individual_transfer(gas=None, heating=None))
    assignments = by_service(case)
    await finish(utilities["WATER"], assignments["WATER"], "W-20261127-01")
    await finish(utilities["ELECTRICITY"], assignments["ELECTRICITY"], "0410099887")
    [completed] = _texts(await _sms_for(hub, case["number"], {"CASE_COMPLETED"}), "CASE_COMPLETED")
    assert "全部办结" in completed
    assert "供水户号W-20261127-01" in completed and "供电户号0410099887" in completed


async def test_partial_closing_tells_only_the_completed_results(hub, clerk, utilities):
    case = await submit(clerk, individual_transfer(gas=None, heating=None))
    assignments = by_service(case)
    await finish(utilities["WATER"], assignments["WATER"], "W-CLOSE-7")
    await move(utilities["ELECTRICITY"], ops.REJECT, assignments["ELECTRICITY"], reason="户号不存在")
    [closed] = _texts(await _sms_for(hub, case["number"], {"CASE_CLOSED"}), "CASE_CLOSED")
    assert "供水户号W-CLOSE-7" in closed and "供电户号" not in closed and "部分业务未予办理" in closed


async def test_an_enterprise_without_a_number_is_reached_through_its_legal_representative(hub, clerk):
    data = enterprise_connection(agent=None)
    del data["applicant"]["phone"]
    case = await submit(clerk, data)
    messages = await _sms_for(hub, case["number"], {"CASE_SUBMITTED"})
    assert [m["to"] for m in messages] == ["13700137000"]  # 法人代表 李强


async def test_an_enterprise_without_a_number_is_reached_through_its_agent(hub, clerk):
    data = enterprise_connection()
    del data["applicant"]["phone"]
    del data["applicant"]["legalRepresentative"]["phone"]
    case = await submit(clerk, data)
    messages = await _sms_for(hub, case["number"], {"CASE_SUBMITTED"})
    assert [m["to"] for m in messages] == ["13600136000"]  # 经办人 王芳


async def test_an_application_no_one_can_be_texted_about_is_refused(clerk, as_role):
    data = enterprise_connection(agent=None)
    del data["applicant"]["phone"]
    del data["applicant"]["legalRepresentative"]["phone"]
    errors = await submit_errors(clerk, data)
    assert [(e["field"], e["code"]) for e in errors] == [("applicant.phone", "REQUIRED")]
    assert "applicant.legalRepresentative.phone" in errors[0]["message"] and "agent.phone" in errors[0]["message"]
    platform = as_role(Role.PLATFORM, "KF-DATA")
    assert [(e["field"], e["code"]) for e in await submit_errors(platform, {**data, "channel": "GOVERNMENT_PORTAL"})] == [
        ("applicant.phone", "REQUIRED")]


async def test_edited_templates_take_effect_once_loaded_like_the_rest_of_the_catalogue(own_hub, tmp_path):
    """An operator edits schema/catalogue/sms_templates.yaml and runs `hub load-catalogue` (its loader, on a copy
    of the folder): the next message uses the new words; a template with an unknown placeholder is refused."""
    import shutil

    import pytest

    from hub.db import Database
    from hub.reference.loader import CATALOGUE_DIR, load_reference_data

    edited = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, edited)
    path = edited / "sms_templates.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("可在汴捷办查询办理进度。", "请留意后续短信。"), encoding="utf-8")
    db = Database(own_hub.settings.database_url)
    try:
        async with db.write() as session:
            await load_reference_data(session, edited)
        clerk = own_hub.client(Role.CLERK, "KF-DATA")
        case = await submit(clerk, individual_transfer(electricity=None, gas=None, heating=None))
        [submitted] = _texts(await _sms_for(own_hub, case["number"], {"CASE_SUBMITTED"}), "CASE_SUBMITTED")
        assert submitted.endswith("请留意后续短信。") and "汴捷办" not in submitted

        path.write_text(original.replace("{reason}。请到", "{reasons}。请到"), encoding="utf-8")
        with pytest.raises(ValueError, match=r"MATERIALS_REQUESTED uses \['reasons'\]"):
            async with db.write() as session:
                await load_reference_data(session, edited)
    finally:
        await db.dispose()
