"""Every rule of the unified form: a bad input gets a typed error naming the field, and writes nothing."""

from datetime import datetime, timezone

import pytest

from hub.enums import Role
from tests import operations as ops
from tests.factories import (
    LETTER_FIRST_CODE, PERSON_ID, enterprise_connection, individual_transfer, resident_id,
)
from tests.steps import signed, submit, submit_errors

CASES_SINCE = "query ($since: DateTime!) { cases(first: 100, filter: {submittedFrom: $since}) { edges { node { id } } } }"


def problem(errors: list[dict], field: str) -> dict:
    matching = [e for e in errors if e["field"] == field]
    assert matching, f"no error for {field}: {errors}"
    return matching[0]


def with_applicant(**fields) -> dict:
    data = individual_transfer()
    data["applicant"].update(fields)
    return data


@pytest.mark.parametrize(
    ("id_number", "reason"),
    [
        (PERSON_ID[:-1] + ("0" if PERSON_ID[-1] != "0" else "1"), "check character"),
        ("41020219880312003", "18 characters"),
        (resident_id("41020219881332003"), "birth date"),  # month 13
        (resident_id("41020221880312003"), "out of range"),  # born 2188
        ("4102021988031200AX", "17 digits"),
    ],
)
async def test_resident_id_numbers_are_checked(clerk, id_number, reason):
    error = problem(await submit_errors(clerk, with_applicant(idNumber=id_number)), "applicant.idNumber")
    assert error["code"] == "INVALID" and reason in error["message"]


async def test_resident_id_from_a_county_outside_stdnums_table_is_accepted(clerk):
    # 410224 开封县 was abolished in 2014, yet people born there keep their numbers.
    number = resident_id("41022419700101001")
    case = await submit(clerk, with_applicant(idNumber=number.lower()))
    assert case["applicant"]["idNumber"] == number


async def test_credit_codes_are_checked_including_those_beginning_with_a_letter(clerk):
    case = await submit(clerk, enterprise_connection(applicant={
        **enterprise_connection()["applicant"], "creditCode": LETTER_FIRST_CODE}))
    assert case["applicant"]["creditCode"] == LETTER_FIRST_CODE

    for bad, reason in [
        (LETTER_FIRST_CODE[:-1] + ("0" if LETTER_FIRST_CODE[-1] != "0" else "1"), "check character"),
        ("91410200MA44ABCDI" + "0", "outside GB 32100"),  # I is not in the alphabet
        ("9141020X" + "MA44ABCD1" + "0", "administrative division"),
        ("91410200", "18 characters"),
    ]:
        data = enterprise_connection()
        data["applicant"]["creditCode"] = bad
        error = problem(await submit_errors(clerk, data), "applicant.creditCode")
        assert reason in error["message"], (bad, error)


@pytest.mark.parametrize("phone", ["12345678901", "1380013800", "03712345678", "+1 415 555 0100", "电话"])
async def test_phone_must_be_a_mainland_mobile(clerk, phone):
    error = problem(await submit_errors(clerk, with_applicant(phone=phone)), "applicant.phone")
    assert error["code"] == "INVALID"


async def test_mobile_number_is_normalised(clerk):
    case = await submit(clerk, with_applicant(phone="+86 139 1234 5678"))
    assert case["applicant"]["phone"] == "13912345678"


@pytest.mark.parametrize(("code", "why"), [("410211", "abolished 金明区"), ("410101", "Zhengzhou"), ("41020", "short")])
async def test_district_must_be_a_current_kaifeng_district(clerk, code, why):
    data = individual_transfer()
    data["site"]["districtCode"] = code
    error = problem(await submit_errors(clerk, data), "site.districtCode")
    assert "Kaifeng" in error["message"], why


async def test_at_least_one_service(clerk):
    errors = await submit_errors(clerk, individual_transfer(water=None, electricity=None, gas=None, heating=None))
    assert problem(errors, "services")["code"] == "REQUIRED"


async def test_transfer_needs_each_services_account_number(clerk):
    errors = await submit_errors(clerk, individual_transfer(water={}, gas={"accountNumber": "  "}))
    assert {e["field"] for e in errors} == {"water.accountNumber", "gas.accountNumber"}
    assert all(e["code"] == "REQUIRED" for e in errors)


async def test_transfer_cannot_include_telecom(clerk):
    errors = await submit_errors(clerk, individual_transfer(telecom={"productTypes": ["MOBILE"]}))
    assert "transfer covers" in problem(errors, "telecom")["message"]


async def test_electricity_needs_business_type_and_capacity(clerk):
    data = enterprise_connection(electricity={"voltage": "LOW"})
    errors = await submit_errors(clerk, data)
    assert {"electricity.businessType", "electricity.capacityKw"} <= {e["field"] for e in errors}


async def test_high_voltage_needs_its_power_source_details(clerk):
    data = enterprise_connection(electricity={"voltage": "HIGH", "businessType": "NEW", "ownPowerSource": True})
    fields = {e["field"] for e in await submit_errors(clerk, data)}
    assert fields == {"electricity.userCategory", "electricity.ownPowerCapacityKw", "electricity.nonLinearLoad",
                      "electricity.firstSourceRequestedKva"}


@pytest.mark.parametrize(
    ("section", "values", "field"),
    [
        ("electricity", {"voltage": "LOW", "businessType": "NEW", "capacityKw": 0}, "electricity.capacityKw"),
        ("electricity", {"voltage": "LOW", "businessType": "NEW", "capacityKw": 2_000_000}, "electricity.capacityKw"),
        ("gas", {"households": 0, "hourlyM3": 1}, "gas.households"),
        ("gas", {"households": 1, "hourlyM3": -3}, "gas.hourlyM3"),
        ("heating", {"startDate": "2027-11-15", "systemType": "RADIATOR", "loads": [{"use": "INDUSTRIAL", "areaM2": -1}]},
         "heating.loads[0].areaM2"),
    ],
)
async def test_numbers_out_of_range(clerk, section, values, field):
    error = problem(await submit_errors(clerk, enterprise_connection(**{section: values})), field)
    assert error["code"] == "OUT_OF_RANGE"


@pytest.mark.parametrize("start", ["1999-01-01", "2045-01-01"])
async def test_heating_start_date_must_be_sane(clerk, start):
    data = enterprise_connection(heating={"startDate": start, "systemType": "FLOOR_RADIANT"})
    assert problem(await submit_errors(clerk, data), "heating.startDate")["code"] == "OUT_OF_RANGE"


async def test_broadband_needs_an_install_address(clerk):
    data = enterprise_connection(telecom={"productTypes": ["BROADBAND"]})
    assert problem(await submit_errors(clerk, data), "telecom.installAddress")["code"] == "REQUIRED"


async def test_enterprise_needs_credit_code_type_and_legal_representative(clerk):
    data = enterprise_connection()
    data["applicant"] = {"kind": "ENTERPRISE", "name": "某公司"}
    fields = {e["field"] for e in await submit_errors(clerk, data)}
    assert {"applicant.creditCode", "applicant.enterpriseType", "applicant.legalRepresentative"} <= fields


async def test_unknown_material_type(clerk):
    data = individual_transfer(materials=[{"typeCode": "SELFIE"}])
    assert problem(await submit_errors(clerk, data), "materials[0].typeCode")["code"] == "INVALID"


async def test_all_problems_reported_at_once_and_nothing_written(clerk, as_role):
    supervisor = as_role(Role.SUPERVISOR, "KF-CGJ")
    since = datetime.now(timezone.utc).isoformat()
    data = individual_transfer()
    data["applicant"].update(idNumber="123", phone="123")
    data["site"]["districtCode"] = "999999"
    data["gas"] = {}
    errors = await submit_errors(clerk, data)
    assert {e["field"] for e in errors} == {"applicant.idNumber", "applicant.phone", "site.districtCode", "gas.accountNumber"}
    assert (await supervisor.run(CASES_SINCE, {"since": since}))["cases"]["edges"] == []
    await submit(clerk, individual_transfer())  # the same query does see a case that was written
    assert len((await supervisor.run(CASES_SINCE, {"since": since}))["cases"]["edges"]) == 1


async def test_missing_required_structure_is_a_graphql_error_naming_the_field(clerk):
    data = await signed(clerk, individual_transfer())
    del data["site"]
    errors = await clerk.errors(ops.SUBMIT, {"input": data})
    assert errors and "site" in errors[0]["message"]


async def test_enum_value_out_of_list_is_refused(clerk):
    data = await signed(clerk, enterprise_connection())
    data["water"]["nature"] = "SWIMMING"
    errors = await clerk.errors(ops.SUBMIT, {"input": data})
    assert errors and "nature" in errors[0]["message"]


async def test_only_submitting_roles_may_submit(as_role):
    water = as_role(Role.UTILITY, "KF-WATER")
    errors = await submit_errors(water, individual_transfer())
    assert errors == [{"field": None, "code": "FORBIDDEN", "message": errors[0]["message"]}]


async def test_applicant_may_not_use_a_window_channel(as_role):
    applicant = as_role(Role.APPLICANT, None, "citizen-li")
    errors = await submit_errors(applicant, individual_transfer())
    assert errors[0]["code"] == "FORBIDDEN" and "channel" in errors[0]["message"]
    data = individual_transfer(channel="MOBILE_APP")
    errors = await submit_errors(applicant, data)  # an applicant cannot mark their own proofs verified
    assert errors[0]["code"] == "FORBIDDEN" and "Material.verifiedBy" in errors[0]["message"]
    for material in data["materials"]:
        material["verified"] = False
    case = await submit(applicant, data)
    assert case["channel"] == "MOBILE_APP" and all(m["verifiedBy"] is None for m in case["materials"])
