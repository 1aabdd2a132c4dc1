"""Several mutations in one request: each one's outcome is knowable, whatever happens to the others.

Mutation fields are nullable and run one after another, each in its own transaction: a mutation that
committed returns its payload; one that failed unexpectedly is null with an error whose path names it; one
that was refused returns its payload with `errors`. So a client retries only what did not happen.
"""

import uuid

from hub.enums import Role
from tests.faults import drop_insert_failure, fail_inserts
from tests.steps import cases_of, signed, with_account

TWO = """mutation ($a: SubmitCaseInput!, $b: SubmitCaseInput!) {
  first: submitCase(input: $a) { case { number } errors { field code } }
  second: submitCase(input: $b) { case { number } errors { field code } } }"""
ONE = "mutation ($b: SubmitCaseInput!) { second: submitCase(input: $b) { case { number } errors { field code } } }"


async def test_a_later_unexpected_failure_keeps_the_earlier_payload(own_hub):
    clerk = own_hub.client(Role.CLERK, "KF-DATA")
    account = f"app-{uuid.uuid4().hex[:8]}"
    url = own_hub.settings.database_url
    await fail_inserts(url, "cases", "NEW.note = 'boom-5521'", "storage refused marker-5521")

    response = await clerk.raw(TWO, {"a": await signed(clerk, with_account(account)),
                                     "b": await signed(clerk, with_account(account, note="boom-5521"))})
    assert response.status_code == 200
    body = response.json()
    first = body["data"]["first"]
    assert first["errors"] == [] and first["case"]["number"].startswith("KF")
    assert body["data"]["second"] is None
    [error] = body["errors"]
    assert error["path"] == ["second"] and error["extensions"]["code"] == "INTERNAL"
    assert "marker-5521" not in response.text
    applicant = own_hub.client(Role.APPLICANT, None, account)
    assert [e["node"]["number"] for e in await cases_of(applicant)] == [first["case"]["number"]]

    # The client retries just the one that failed, once the fault is gone: one more case, not two.
    await drop_insert_failure(url, "cases")
    retried = (await clerk.run(ONE, {"b": await signed(clerk, with_account(account, note="boom-5521"))}))["second"]
    assert retried["errors"] == []
    assert len(await cases_of(applicant)) == 2


async def test_a_later_refusal_keeps_the_earlier_payload(hub, clerk, as_role):
    account = f"app-{uuid.uuid4().hex[:8]}"
    bad = with_account(account)
    bad["applicant"]["idNumber"] = "410202198803120039"  # wrong check character
    response = await clerk.raw(TWO, {"a": await signed(clerk, with_account(account)), "b": await signed(clerk, bad)})
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body  # refusals are data
    assert body["data"]["first"]["errors"] == [] and body["data"]["first"]["case"]
    assert body["data"]["second"] == {"case": None, "errors": [{"field": "applicant.idNumber", "code": "INVALID"}]}
    numbers = [e["node"]["number"] for e in await cases_of(as_role(Role.APPLICANT, None, account))]
    assert numbers == [body["data"]["first"]["case"]["number"]]
