"""A principal holding several roles never reads more of a record than one of its roles that scopes the record
would read alone: for every pair of roles, every field of every case, assignment and nested object."""

import itertools

import pytest
from strawberry.types.base import StrawberryObjectDefinition

from hub.enums import Role
from hub.graphql.field_policy import is_governed
from hub.graphql.schema import schema
from hub.policy.plan import ASSIGNMENT_RECORDS
from tests.factories import AGENT_ID, LEGAL_REP_ID, enterprise_connection
from tests.harness import GraphQLClient
from tests import operations as ops
from tests.steps import signed, submit
from tests.test_access_matrix import CASE_QUERY, MOVING

ORG = "KF-WATER"  # every principal here belongs to the water company (a utility; its hall has clerks)
SUBJECT = "pair-person"  # and is, as an applicant, this app account
PAIRS = list(itertools.combinations(list(Role), 2))


def _case(subject: str | None = None, **changes) -> dict:  # type: ignore[no-untyped-def]
    data = enterprise_connection(**changes)
    if subject:
        data["applicant"]["subject"] = subject
    return data


def _from_app(**changes) -> dict:  # type: ignore[no-untyped-def]
    data = _case(**changes)
    data["channel"] = "MOBILE_APP"
    for material in data["materials"]:
        material["verified"] = False  # an applicant cannot vouch for its own proofs
    return data


@pytest.fixture(scope="module")
async def cases(hub, as_role, clerk) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    """Cases that one, several or none of the roles scope; `water=None` leaves the water company out."""
    hall = as_role(Role.CLERK, ORG, "hall-clerk")
    platform = as_role(Role.PLATFORM, ORG, "water-platform")
    applicant = as_role(Role.APPLICANT, None, SUBJECT)
    return {
        "window": await submit(clerk, _case()),  # UTILITY, SUPERVISOR
        "window-own": await submit(clerk, _case(subject=SUBJECT)),  # APPLICANT, UTILITY, SUPERVISOR
        "hall": await submit(hall, _case(channel="UTILITY_HALL", water=None)),  # CLERK, SUPERVISOR
        "hall-water": await submit(hall, _case(channel="UTILITY_HALL")),  # CLERK, UTILITY, SUPERVISOR
        "pushed": await submit(platform, _case(channel="GOVERNMENT_PLATFORM")),  # PLATFORM, UTILITY, SUPERVISOR
        "pushed-other": await submit(platform, _case(channel="GOVERNMENT_PLATFORM", water=None)),  # PLATFORM, SUPERVISOR
        "app": await submit(applicant, _from_app(water=None)),  # APPLICANT, SUPERVISOR
    }


_views: dict = {}


async def _view(client: GraphQLClient, key: tuple, case_id: str) -> dict | None:
    if key not in _views:
        _views[key] = (await client.run(CASE_QUERY, {"id": case_id}))["case"]
    return _views[key]


def no_more_than_singles(combined, singles: list, path: str) -> None:  # type: ignore[no-untyped-def]
    """`combined` shows each value exactly as one of the single-role views that include the same object
    shows it, and hides nothing that all of them show. `singles`: those views (objects that are present)."""
    assert singles, f"{path}: shown to the pair, but to none of its roles alone"
    for name, value in combined.items():
        where, options = f"{path}.{name}", [s[name] for s in singles]
        if value is None:
            assert all(o is None for o in options), f"{where}: hidden from the pair, shown to one of its roles"
        elif isinstance(value, dict):
            no_more_than_singles(value, [o for o in options if o is not None], where)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            _same_rows(value, [o for o in options if o is not None], where)
        elif name in MOVING:
            assert any(o is not None for o in options), where
        else:
            assert value in options, f"{where}: the pair reads {value!r}; its roles alone read {options!r}"


def _same_rows(rows: list[dict], options: list[list[dict]], path: str) -> None:
    if "id" in rows[0]:  # assignments: each is a record of its own, shown to the roles that cover it
        union = {row["id"] for option in options for row in option}
        assert {row["id"] for row in rows} == union, f"{path}: the pair sees other rows than its roles do"
        for row in rows:
            no_more_than_singles(row, [o for option in options for o in option if o["id"] == row["id"]],
                                 f"{path}[{row['id'][-6:]}]")
        return
    for option in options:
        assert len(option) == len(rows), path
    for index, row in enumerate(rows):
        no_more_than_singles(row, [option[index] for option in options], f"{path}[{index}]")


@pytest.mark.parametrize(("first", "second"), PAIRS, ids=[f"{a.value}+{b.value}" for a, b in PAIRS])
async def test_a_pair_of_roles_reads_no_more_than_one_of_them_that_scopes_the_record(as_role, as_roles, cases,
                                                                                     first, second):
    pair = as_roles([first, second], ORG, SUBJECT)
    shown = 0
    for key, case in cases.items():
        combined = (await pair.run(CASE_QUERY, {"id": case["id"]}))["case"]
        singles = [await _view(as_role(role, ORG, SUBJECT), (role, key), case["id"]) for role in (first, second)]
        present = [s for s in singles if s is not None]
        if combined is None:
            assert not present, f"{key}: hidden from the pair, visible to one of its roles"
            continue
        no_more_than_singles(combined, present, key)
        shown += 1
    assert shown >= (0 if Role.GOVERNANCE in (first, second) else 2), "the pair must see cases to compare"


ID_NUMBERS = "query ($id: ID!) { case(id: $id) { agent { idNumber } applicant { legalRepresentative { idNumber } } } }"
REGISTER = """mutation ($input: RegisterOAuthClientInput!) { registerOAuthClient(input: $input) {
  client { clientId } clientSecret errors { field code message } } }"""


async def test_a_client_that_is_utility_and_platform_reads_full_id_numbers_only_of_cases_it_pushed(
        http, as_role, cases):
    """有条件共享: the water company's client reads full ID numbers of what it pushed as the platform, and of what
    it was only assigned as a utility only what a utility reads (masked) until a sharing request is approved."""
    governance = as_role(Role.GOVERNANCE, "KF-DATA")
    registered = (await governance.run(REGISTER, {"input": {"name": "水务集团一体化接口", "organisation": ORG,
                                                            "roles": ["UTILITY", "PLATFORM"]}}))["registerOAuthClient"]
    assert registered["errors"] == []
    issued = await http.post("/oauth/token", data={"grant_type": "client_credentials",
                                                   "client_id": registered["client"]["clientId"],
                                                   "client_secret": registered["clientSecret"]})
    client = GraphQLClient(http, issued.json()["access_token"])
    data = _case(channel="GOVERNMENT_PLATFORM")
    pushed = await submit(client, data)  # as the platform

    own = (await client.run(ID_NUMBERS, {"id": pushed["id"]}))["case"]
    assert own == {"agent": {"idNumber": AGENT_ID}, "applicant": {"legalRepresentative": {"idNumber": LEGAL_REP_ID}}}
    assigned = (await client.run(ID_NUMBERS, {"id": cases["window"]["id"]}))["case"]
    assert assigned == {"agent": {"idNumber": AGENT_ID[:6] + "********" + AGENT_ID[-4:]},
                        "applicant": {"legalRepresentative": {"idNumber": LEGAL_REP_ID[:6] + "********" + LEGAL_REP_ID[-4:]}}}


ADD = """mutation ($input: AddMaterialsInput!) { addMaterials(input: $input) { case { version } errors { code message } } }"""
VERSION = "query ($id: ID!) { case(id: $id) { version } }"


async def test_a_pair_of_roles_writes_only_as_the_role_that_acts(as_roles, cases):
    """Writes follow the same rule: a hall clerk who is also a utility adds materials (补正) to the cases its
    window took, not to those it was only assigned; a citizen who is also a clerk, filing in the app as the
    applicant, cannot vouch for its own proofs."""
    both = as_roles([Role.CLERK, Role.UTILITY], ORG, "hall-clerk")
    material = [{"typeCode": "PROPERTY_CERTIFICATE", "verified": True}]
    for key, allowed in (("hall-water", True), ("window", False)):
        version = (await both.run(VERSION, {"id": cases[key]["id"]}))["case"]["version"]
        added = (await both.run(ADD, {"input": {"caseId": cases[key]["id"], "expectedVersion": version,
                                                "materials": material}}))["addMaterials"]
        assert (added["errors"] == []) == allowed, (key, added)
        if not allowed:
            assert [e["code"] for e in added["errors"]] == ["FORBIDDEN"]

    citizen_clerk = as_roles([Role.APPLICANT, Role.CLERK], "KF-DATA", SUBJECT)
    data = _from_app(water=None)
    data["materials"][0]["verified"] = True
    refused = (await citizen_clerk.run(ops.SUBMIT, {"input": await signed(citizen_clerk, data)}))["submitCase"]
    assert refused["case"] is None and refused["errors"][0]["code"] == "FORBIDDEN"
    assert "Material.verifiedBy" in refused["errors"][0]["message"]


REFERENCE_DATA = {"Organisation", "District", "MaterialType", "MaterialRequirement", "RequirementGroup",
                  "CommitmentText", "PrivacyNotice", "NoticeRecipient", "NoticeItem"}


def test_every_object_of_case_data_names_its_record():
    """The per-record rule needs each governed object to say which record it belongs to: `case_ref`, and for an
    assignment's data also `assignment_of` (exactly the types hub.policy.plan treats as assignment records)."""
    checked = 0
    for name in schema._schema.type_map:
        definition = schema.get_type_by_name(name)
        if not isinstance(definition, StrawberryObjectDefinition) or definition.is_input or definition.is_interface:
            continue
        if not is_governed(name) or name in REFERENCE_DATA:
            continue
        attributes = set(definition.origin.__annotations__) | set(dir(definition.origin))
        assert "case_ref" in attributes, f"{name} does not name its case"
        assert ("assignment_of" in attributes) == (name in ASSIGNMENT_RECORDS), name
        checked += 1
    assert checked >= 15
