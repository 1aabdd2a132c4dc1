"""Possible duplicates (疑似重复): a second filing of one errand is flagged with nothing written, filed only with a
stated reason (audited, shown on the case); retries with an idempotency key file one case."""

import asyncio
import random

import pytest

from hub.enums import Role
from tests import operations as ops
from tests.factories import enterprise_connection, individual_transfer, unique
from tests.steps import by_service, finish, signed, submit, submit_errors

FILED = """mutation File($input: SubmitCaseInput!) { submitCase(input: $input) {
  case { id number duplicateOverride { reason overriddenBy overriddenAt } } errors { field code message } } }"""
OVERRIDE = "query ($id: ID!) { case(id: $id) { duplicateOverride { reason overriddenBy overriddenAt } } }"
AUDIT = """query ($filter: AuditFilterInput) { auditRecords(filter: $filter, first: 50) {
  edges { node { kind operation outcome items reason } } } }"""
SEARCH = "query ($by: CaseSearchInput!) { searchCases(by: $by) { edges { node { number } } } }"
ADVICE = "resubmit with duplicateOverride.reason to file it all the same"


def water_transfer(**changes) -> dict:  # type: ignore[no-untyped-def]
    """A water transfer by an applicant with a phone of their own (so the search tells whether it was filed)."""
    data = individual_transfer(electricity=None, gas=None, heating=None, **changes)
    data["applicant"]["phone"] = f"137{random.randrange(10**8):08d}"
    return data


@pytest.fixture(scope="module")
def clerk_b(as_role):  # type: ignore[no-untyped-def]
    return as_role(Role.CLERK, "KF-POWER", "clerk-hall-sun")


async def test_a_transfer_of_an_account_in_an_open_case_is_flagged_and_nothing_written(clerk, clerk_b):
    first = await submit(clerk, earlier := water_transfer())
    again = water_transfer(water=earlier["water"])
    assert await submit_errors(clerk_b, again) == [{
        "field": "water.accountNumber", "code": "POSSIBLE_DUPLICATE",
        "message": f"possible duplicate: open case {first['number']} already transfers this WATER account; {ADVICE}"}]
    assert (await clerk_b.run(SEARCH, {"by": {"phone": again["applicant"]["phone"]}}))["searchCases"]["edges"] == []


async def test_filing_over_a_possible_duplicate_keeps_the_reason_on_the_case_and_in_the_audit(clerk, clerk_b, utilities,
                                                                                               as_role):
    earlier = water_transfer()
    await submit(clerk, earlier)
    reason = "原户号由继承人另行办理，前一申请人已放弃"
    data = {**water_transfer(water=earlier["water"]), "duplicateOverride": {"reason": f"  {reason} "}}
    payload = (await clerk_b.run(FILED, {"input": await signed(clerk_b, data)}))["submitCase"]
    assert payload["errors"] == []
    override = payload["case"]["duplicateOverride"]
    assert override["reason"] == reason and override["overriddenBy"] == "clerk-hall-sun" and override["overriddenAt"]
    water_view = (await utilities["WATER"].run(OVERRIDE, {"id": payload["case"]["id"]}))["case"]["duplicateOverride"]
    assert water_view == {"reason": reason, "overriddenBy": None, "overriddenAt": override["overriddenAt"]}
    records = [e["node"] for e in (await as_role(Role.GOVERNANCE, "KF-DATA").run(
        AUDIT, {"filter": {"caseId": payload["case"]["id"], "kind": "WRITE"}}))["auditRecords"]["edges"]]
    assert {"kind": "WRITE", "operation": "submitCase", "outcome": "OK", "reason": reason,
            "items": ["Case.duplicateOverride", "DuplicateOverride.reason"]} in records


async def test_a_reason_is_needed_to_override(clerk):
    earlier = water_transfer()
    await submit(clerk, earlier)
    errors = await submit_errors(clerk, {**water_transfer(water=earlier["water"]), "duplicateOverride": {"reason": " "}})
    assert errors == [{"field": "duplicateOverride.reason", "code": "REQUIRED", "message": "is required"}]


async def test_an_applicant_is_told_without_anyone_elses_case_number(clerk, as_role):
    someone = await submit(clerk, earlier := water_transfer())
    applicant = as_role(Role.APPLICANT, None, f"app-{unique('')}")
    mine = water_transfer(channel="MOBILE_APP", water=earlier["water"], materials=[{"typeCode": "RESIDENT_ID_CARD"}])
    errors = await submit_errors(applicant, mine)
    assert errors == [{"field": "water.accountNumber", "code": "POSSIBLE_DUPLICATE",
                       "message": f"possible duplicate: an open case already transfers this WATER account; {ADVICE}"}]
    assert someone["number"] not in str(errors)
    own = await submit(applicant, first := water_transfer(channel="MOBILE_APP", materials=[]))
    errors = await submit_errors(applicant, water_transfer(channel="MOBILE_APP", water=first["water"], materials=[]))
    assert errors[0]["message"].startswith(f"possible duplicate: open case {own['number']} already transfers")


async def test_a_finished_transfer_does_not_flag_the_next_one(clerk, utilities):
    case = await submit(clerk, earlier := water_transfer())
    await finish(utilities["WATER"], by_service(case)["WATER"], account="W-NEXT-OWNER")
    assert (await submit(clerk, water_transfer(water=earlier["water"])))["number"]


async def test_a_connection_at_the_same_site_for_the_same_service_is_flagged(clerk, utilities):
    first = await submit(clerk, earlier := enterprise_connection(electricity=None, heating=None, telecom=None))
    site = {**earlier["site"], "address": earlier["site"]["address"].replace(" ", "").replace("8", "８")}
    water_only = enterprise_connection(site=site, electricity=None, gas=None, heating=None, telecom=None)
    assert await submit_errors(clerk, water_only) == [{
        "field": "site.address", "code": "POSSIBLE_DUPLICATE",
        "message": f"possible duplicate: open case {first['number']} already asks for WATER at this site; {ADVICE}"}]
    power_only = enterprise_connection(site=site, water=None, gas=None, heating=None, telecom=None)
    assert (await submit(clerk, power_only))["number"]  # another service at the site is another errand
    elsewhere = enterprise_connection(site={**site, "districtCode": "410204"}, electricity=None, gas=None,
                                      heating=None, telecom=None)
    assert (await submit(clerk, elsewhere))["number"]  # the same street name in another district is another site
    await finish(utilities["WATER"], by_service(first)["WATER"], account="W-CONNECTED-1")
    assert (await submit(clerk, water_only))["number"]


async def test_two_windows_filing_one_errand_at_once_file_it_once(clerk, clerk_b):
    one = water_transfer()
    other = water_transfer(water=one["water"])
    inputs = [(clerk, await signed(clerk, one)), (clerk_b, await signed(clerk_b, other))]
    answers = await asyncio.gather(*(c.run(ops.SUBMIT, {"input": d}) for c, d in inputs))
    outcomes = sorted(tuple(e["code"] for e in a["submitCase"]["errors"]) for a in answers)
    assert outcomes == [(), ("POSSIBLE_DUPLICATE",)]


async def test_a_retried_submission_files_one_case(clerk):
    data = {**water_transfer(), "idempotencyKey": f"window-3-{unique('')}"}
    first = await submit(clerk, data)
    assert (await submit(clerk, data))["id"] == first["id"]  # a retry, not a possible duplicate of itself
    assert await submit_errors(clerk, {**data, "note": "另一份申请"}) == [{
        "field": None, "code": "CONFLICT", "message": "this idempotency key was already used for a different submission"}]


async def test_a_retried_override_files_one_case(clerk, clerk_b):
    earlier = water_transfer()
    await submit(clerk, earlier)
    data = {**water_transfer(water=earlier["water"]), "duplicateOverride": {"reason": "重复核实后仍需办理"},
            "idempotencyKey": f"hall-7-{unique('')}"}
    first = await submit(clerk_b, data)
    assert (await submit(clerk_b, data))["id"] == first["id"]
