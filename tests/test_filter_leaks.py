"""Filters never reveal what the caller cannot read. Every filter argument of every list, for utilities, the
other roles and principals holding two, answers exactly what the caller could work out from what it reads
itself — so the answer is the same whether or not a fact hidden from it holds (another utility's assignment,
a withheld or masked site). An argument the caller cannot read anywhere is refused, the same way for any value."""

import asyncio
from datetime import datetime, timezone

import pytest
from graphql import GraphQLInputObjectType, GraphQLList, GraphQLNonNull, get_named_type

from hub.enums import Role
from hub.graphql.governance_types import GOVERNANCE_TYPES
from hub.graphql.schema import schema
from hub.policy import filters
from tests import operations as ops
from tests.factories import enterprise_connection, individual_transfer
from tests.steps import by_service, finish, move, submit

CITIZEN = "filter-citizen"
PRINCIPALS = {
    "water": ([Role.UTILITY], "KF-WATER", None),
    "power": ([Role.UTILITY], "KF-POWER", None),
    "gas": ([Role.UTILITY], "KF-GAS", None),
    "heat": ([Role.UTILITY], "KF-HEAT", None),
    "telecom": ([Role.UTILITY], "KF-TELECOM", None),
    "supervisor": ([Role.SUPERVISOR], "KF-CGJ", None),
    "applicant": ([Role.APPLICANT], None, CITIZEN),
    "clerk": ([Role.CLERK], "KF-DATA", "filter-clerk"),
    "telecom-platform": ([Role.PLATFORM], "KF-TELECOM", "telecom-platform"),
    "telecom+platform": ([Role.UTILITY, Role.PLATFORM], "KF-TELECOM", "telecom-platform"),
    "water+supervisor": ([Role.UTILITY, Role.SUPERVISOR], "KF-WATER", None),
    "gas+applicant": ([Role.UTILITY, Role.APPLICANT], "KF-GAS", CITIZEN),
}
VIEW = """query ($id: ID!) { case(id: $id) { id number status caseType submittedAt site { districtCode }
  assignments { service } } }"""
CASES = """query ($filter: CaseFilterInput, $after: String) { cases(filter: $filter, first: 100, after: $after) {
  edges { node { id } } pageInfo { hasNextPage endCursor } } }"""
QUEUE = """query ($filter: WorkQueueFilterInput, $after: String) { workQueue(filter: $filter, first: 100, after: $after) {
  edges { node { id status service createdAt } } pageInfo { hasNextPage endCursor } } }"""


def _from_app(data: dict) -> dict:
    data["channel"] = "MOBILE_APP"
    data["applicant"]["subject"] = CITIZEN
    for material in data["materials"]:
        material["verified"] = False
    return data


@pytest.fixture(scope="module")
async def world(hub, as_roles, clerk, utilities):  # type: ignore[no-untyped-def]
    """Cases that differ in facts some callers may not see; `middle` splits them in time."""
    start = datetime.now(timezone.utc)
    clients = {name: as_roles(roles, org, subject) for name, (roles, org, subject) in PRINCIPALS.items()}
    cases = {
        "four-services": await submit(clerk, individual_transfer()),
        "water-only": await submit(clerk, individual_transfer(electricity=None, gas=None, heating=None)),
        "gas-waits": await submit(clerk, individual_transfer(electricity=None, heating=None)),
    }
    gas = await move(utilities["GAS"], ops.ACKNOWLEDGE, by_service(cases["gas-waits"])["GAS"])
    await move(utilities["GAS"], ops.REQUEST_MATERIALS, gas, reason="缺少燃气安全检查记录")
    await asyncio.sleep(0.05)
    middle = datetime.now(timezone.utc)
    await asyncio.sleep(0.05)
    pushed = enterprise_connection(channel="GOVERNMENT_PLATFORM", electricity=None, gas=None, heating=None)
    cases["telecom-pushed"] = await submit(clients["telecom-platform"], pushed)  # water + telecom, 祥符区
    cases["five-services"] = await submit(clerk, enterprise_connection())  # 祥符区, like the pushed one
    cases["app"] = await submit(clients["applicant"], _from_app(individual_transfer(electricity=None, heating=None)))
    cases["water-done"] = await submit(clerk, individual_transfer(electricity=None, gas=None, heating=None))
    await finish(utilities["WATER"], by_service(cases["water-done"])["WATER"], "W-F-1")
    return {"start": start, "middle": middle, "cases": cases, "clients": clients}


async def _all(client, query: str, flt: dict) -> set[str] | list[dict]:  # type: ignore[no-untyped-def]
    """Every id the list answers (all pages), or its errors."""
    found, after = set(), None
    while True:
        response = (await client.raw(query, {"filter": flt, "after": after})).json()
        if response.get("errors"):
            return response["errors"]
        page = next(iter(response["data"].values()))
        found |= {e["node"]["id"] for e in page["edges"]}
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _case_values(world) -> list[tuple[str, object, object]]:  # type: ignore[no-untyped-def]
    """(argument, value, what a reader of the case would check)."""
    middle = world["middle"]
    values = [("statuses", [s], lambda v, s=s: v["status"] == s)
              for s in ("SUBMITTED", "IN_PROGRESS", "NEEDS_MATERIALS", "COMPLETED")]
    values += [("caseType", t, lambda v, t=t: v["caseType"] == t) for t in ("TRANSFER", "CONNECTION")]
    values += [("service", s, lambda v, s=s: any(a["service"] == s for a in v["assignments"] or []))
               for s in ("WATER", "ELECTRICITY", "GAS", "HEATING", "TELECOM")]
    values += [("districtCode", d, lambda v, d=d: (v["site"] or {}).get("districtCode") == d)
               for d in ("410202", "410212")]
    values += [("submittedFrom", middle.isoformat(), lambda v: v["submittedAt"] is not None and _at(v["submittedAt"]) >= middle),
               ("submittedBefore", middle.isoformat(), lambda v: v["submittedAt"] is not None and _at(v["submittedAt"]) < middle)]
    return values


async def _check_case_filters(world, name: str, only: set[str] | None = None) -> dict:  # type: ignore[no-untyped-def]
    """Each argument and value: the answer is what the caller's own reading of each case predicts."""
    client, base = world["clients"][name], {"submittedFrom": world["start"].isoformat()}
    views = {key: (await client.run(VIEW, {"id": case["id"]}))["case"] for key, case in world["cases"].items()}
    ids = {case["id"]: key for key, case in world["cases"].items()}
    answers: dict = {}
    for argument, value, holds in _case_values(world):
        if only and argument not in only:
            continue
        result = await _all(client, CASES, {**base, argument: value})
        if isinstance(result, list):
            assert [(e["extensions"]["code"], e["message"]) for e in result] == \
                   [("FORBIDDEN", f"you may not filter by {argument}")], result
            answers.setdefault(argument, set()).add("refused")
            continue
        answered = {ids[i] for i in result if i in ids}
        expected = {key for key, view in views.items() if view is not None and holds(view)}
        assert answered == expected, f"{name} filtering {argument}={value}: {answered} != {expected}"
        answers.setdefault(argument, set()).add(frozenset(answered))
    for argument, outcomes in answers.items():  # refused for every value, or for none
        assert outcomes == {"refused"} or "refused" not in outcomes, (name, argument, outcomes)
    return answers


@pytest.mark.parametrize("name", list(PRINCIPALS))
async def test_case_filters_answer_what_the_caller_reads(world, name):
    await _check_case_filters(world, name)


@pytest.mark.parametrize("name", [n for n, (roles, _, _) in PRINCIPALS.items() if Role.UTILITY in roles])
async def test_work_queue_filters_answer_what_the_caller_reads(world, name):
    client, base = world["clients"][name], {"createdFrom": world["start"].isoformat()}
    own = {}
    after = None
    while True:  # the unfiltered queue, as the utility reads it
        page = (await client.run(QUEUE, {"filter": base, "after": after}))["workQueue"]
        own.update({e["node"]["id"]: e["node"] for e in page["edges"]})
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    middle = world["middle"]
    checks = [("statuses", [s], lambda a, s=s: a["status"] == s) for s in ("PENDING", "RECEIVED", "NEEDS_MATERIALS", "COMPLETED")]
    checks += [("service", s, lambda a, s=s: a["service"] == s) for s in ("WATER", "GAS", "TELECOM")]
    checks += [("createdFrom", middle.isoformat(), lambda a: _at(a["createdAt"]) >= middle),
               ("createdBefore", middle.isoformat(), lambda a: _at(a["createdAt"]) < middle)]
    for argument, value, holds in checks:
        assert await _all(client, QUEUE, {**base, argument: value}) == {i for i, a in own.items() if holds(a)}, \
            (argument, value)


async def test_a_utility_cannot_tell_whether_a_case_has_another_utilitys_assignment(world):
    water, cases = world["clients"]["water"], world["cases"]
    base = {"submittedFrom": world["start"].isoformat()}
    with_gas, without_gas = cases["four-services"]["id"], cases["water-only"]["id"]
    for service in ("GAS", "ELECTRICITY", "HEATING"):  # the hidden fact: only the first case has these
        answered = await _all(water, CASES, {**base, "service": service})
        assert with_gas not in answered and without_gas not in answered
    answered = await _all(water, CASES, {**base, "service": "WATER"})
    assert with_gas in answered and without_gas in answered


LOOKUP = "query ($id: ID!, $n: String!) { case(id: $id) { number } caseByNumber(number: $n) { id } }"


async def test_lookups_by_number_answer_what_the_caller_reads(world):
    async def check(name: str, client, case: dict) -> None:  # type: ignore[no-untyped-def]
        found = await client.run(LOOKUP, {"id": case["id"], "n": case["number"]})
        seen = found["case"] is not None and found["case"]["number"] == case["number"]
        assert (found["caseByNumber"] is not None) == seen, (name, case["number"])

    await asyncio.gather(*(check(name, client, case) for name, client in world["clients"].items()
                           for case in world["cases"].values()))


GRANT = """mutation ($codes: [String!]!, $org: String, $access: String!) { grantAccess(input: {itemCodes: $codes,
  grantee: {organisation: $org}, access: $access, purpose: "核对报装地址所在区县"}) { grants { id } errors { code message } } }"""
REVOKE = "mutation ($id: ID!) { revokeGrant(input: {grantId: $id, reason: \"撤回\"}) { errors { code } } }"
ITEM = '{ catalogueItems(typeName: "Site") { code version mask } }'
SET_MASK = """mutation ($version: Int!, $mask: String!) { updateCatalogueItem(input: {code: "Site.districtCode",
  expectedVersion: $version, mask: $mask}) { item { version } errors { code message } } }"""


async def _set_district_mask(governance, mask: str) -> None:  # type: ignore[no-untyped-def]
    item = next(i for i in (await governance.run(ITEM))["catalogueItems"] if i["code"] == "Site.districtCode")
    changed = (await governance.run(SET_MASK, {"version": item["version"], "mask": mask}))["updateCatalogueItem"]
    assert changed["errors"] == []


async def test_a_masked_field_is_compared_only_where_its_value_is_shown(world, as_role):
    """Telecom is granted the district masked. With the mask NONE it sees the code and may filter by it; with
    REDACT it sees *** and may not (the same refusal for any value), and holding the platform role besides, the
    filter looks only at the cases it pushed, where it reads the code in full."""
    governance = as_role(Role.GOVERNANCE, "KF-DATA")
    telecom, five = world["clients"]["telecom"], world["cases"]["five-services"]["id"]
    granted = [(await governance.run(GRANT, {"codes": codes, "org": "KF-TELECOM", "access": access}))["grantAccess"]
               for codes, access in ((["Case.site"], "READ_FULL"), (["Site.districtCode"], "READ_MASKED"))]
    try:
        assert all(g["errors"] == [] for g in granted)
        assert (await telecom.run(VIEW, {"id": five}))["case"]["site"] == {"districtCode": "410212"}  # mask NONE
        assert "refused" not in (await _check_case_filters(world, "telecom", {"districtCode"}))["districtCode"]

        await _set_district_mask(governance, "REDACT")
        assert (await telecom.run(VIEW, {"id": five}))["case"]["site"] == {"districtCode": "***"}
        refusals = [await _all(telecom, CASES, {"districtCode": code}) for code in ("410212", "410202", "419999")]
        assert refusals[0] == refusals[1] == refusals[2] and refusals[0][0]["extensions"]["code"] == "FORBIDDEN"
        answers = await _check_case_filters(world, "telecom+platform", {"districtCode"})
        assert answers["districtCode"] == {frozenset({"telecom-pushed"}), frozenset()}  # five-services is 祥符区 too
    finally:
        await _set_district_mask(governance, "NONE")
        for payload in granted:
            for grant in payload["grants"]:
                await governance.run(REVOKE, {"id": grant["id"]})


STATISTICS = """query ($by: StatisticsGroup!, $from: DateTime!, $before: DateTime!) {
  timeLimitStatistics(groupBy: $by, submittedFrom: $from, submittedBefore: $before) { key total } }"""
SUPERVISOR_GRANTS = '{ sharingGrants(itemCode: "Site.districtCode", role: "SUPERVISOR") { id access } }'
SUPERVISOR_GRANT = """mutation { grantAccess(input: {itemCodes: ["Site.districtCode"], grantee: {role: "SUPERVISOR"},
  access: "READ_FULL", purpose: "监督办理时限、超期预警和办件统计"}) { errors { code } } }"""


async def test_statistics_group_only_by_what_supervisors_read(world, as_role):
    supervisor, governance = as_role(Role.SUPERVISOR, "KF-CGJ"), as_role(Role.GOVERNANCE, "KF-DATA")
    window = {"from": world["start"].isoformat(), "before": datetime.now(timezone.utc).isoformat()}
    by_district = (await supervisor.run(STATISTICS, {"by": "DISTRICT", **window}))["timeLimitStatistics"]
    assert {g["key"] for g in by_district} == {"410202", "410212"}
    full = [g["id"] for g in (await governance.run(SUPERVISOR_GRANTS))["sharingGrants"] if g["access"] == "READ_FULL"]
    assert full
    for grant_id in full:
        await governance.run(REVOKE, {"id": grant_id})
    try:
        errors = await supervisor.errors(STATISTICS, {"by": "DISTRICT", **window})
        assert [(e["extensions"]["code"], e["message"]) for e in errors] == [("FORBIDDEN", "you may not filter by groupBy")]
        assert (await supervisor.run(STATISTICS, {"by": "CHANNEL", **window}))["timeLimitStatistics"]
    finally:
        assert (await governance.run(SUPERVISOR_GRANT))["grantAccess"]["errors"] == []


PAGING = {"first", "after"}
ROLE_GATED = {"catalogueItems", "sharingGrants", "sharingRequests", "governanceChanges", "auditRecords",
              "persistedDocuments"}
SPECS = {
    ("cases", "filter"): filters.CASE_FILTER, ("workQueue", "filter"): filters.WORK_QUEUE_FILTER,
    ("caseByNumber", "number"): filters.CASE_LOOKUP,
}


def _input_fields(gql_type) -> set[str] | None:  # type: ignore[no-untyped-def]
    named = get_named_type(gql_type)
    return set(named.fields) if isinstance(named, GraphQLInputObjectType) else None


def _unwrap(gql_type):  # type: ignore[no-untyped-def]
    while isinstance(gql_type, (GraphQLNonNull, GraphQLList)):
        gql_type = gql_type.of_type
    return gql_type


def test_every_filter_argument_is_decided_by_the_policy():
    """A new argument on a list must be placed here: a filter the policy evaluates, or a governance list whose
    every field its role reads (so filtering it reveals nothing more)."""
    query = schema._schema.query_type
    for name, fld in query.fields.items():
        for argument, arg in fld.args.items():
            spec = SPECS.get((name, argument))
            fields = _input_fields(arg.type)
            if spec is not None:
                assert (fields or {argument}) == set(spec), f"{name}({argument}) and hub.policy.filters disagree"
            elif name in ROLE_GATED:
                assert _unwrap(fld.type).name in GOVERNANCE_TYPES, name
            elif name == "materialsCatalogue":
                assert argument in filters.REFERENCE_FILTER
            elif name == "timeLimitStatistics":
                assert argument == "groupBy" or argument in filters.STATISTICS_WINDOW
            else:
                assert argument in PAGING | {"id", "organisation"}, f"{name}({argument}) is not decided by the policy"
