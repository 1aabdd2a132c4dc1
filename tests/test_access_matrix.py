"""The access matrix: for each role and organisation, every field of every type, FULL / MASKED / hidden
exactly as the sharing catalogue says. Expected levels are computed from the catalogue and grants the hub
serves to governance, so the matrix grows with the catalogue."""

from collections import Counter
from datetime import datetime, timezone

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, get_named_type

from hub.enums import Role
from hub.graphql.schema import schema
from hub.policy.masking import mask
from tests.factories import enterprise_connection
from tests.steps import submit, uploaded

INTAKE = {"APPLICANT", "CLERK", "PLATFORM"}
RAW_ONLY = {"id", "number", "channel", "submittedAt", "updatedAt", "createdAt", "addedAt", "verifiedAt", "verifiedBy",
            "receivedAt", "acceptedAt", "finishedAt", "completedAt", "startedAt", "deadline", "warningAt",
            "uploadedAt", "uploadedBy", "agreedAt", "recordedAt", "recordedBy", "identityVerification"}  # differ between twin cases
MOVING = {"workingDaysUsed", "downloadUrl", "applicationFormUrl"}  # grows while the clock runs, or is signed per caller: compared by presence
GRAPHQL = schema._schema


def selection(type_name: str, path: tuple[str, ...] = ()) -> str:
    """Every field of the type, objects expanded; a type already on the path is cut off with __typename."""
    gql_type = GRAPHQL.type_map[type_name]
    parts = []
    for name, fld in gql_type.fields.items():
        named = get_named_type(fld.type)
        if isinstance(named, GraphQLObjectType):
            inner = "__typename" if named.name in path or len(path) > 4 else selection(named.name, path + (type_name,))
            parts.append(f"{name} {{ {inner} }}")
        else:
            parts.append(name)
    return " ".join(parts)


CASE_QUERY = "query ($id: ID!) { case(id: $id) { %s } }" % selection("Case")


def expected_levels(items: list[dict], grants: list[dict], roles: set[str], org: str | None) -> dict[str, str]:
    """FULL / MASKED per item code for this caller, by the catalogue's rules (absent = hidden)."""
    share = {i["code"]: i["shareType"] for i in items}
    now = datetime.now(timezone.utc)
    levels: dict[str, str] = {}
    for g in grants:
        if g["access"] == "WRITE" or not (g["granteeRole"] in roles or (org and g["granteeOrganisation"] == org)):
            continue
        if (g["validFrom"] and datetime.fromisoformat(g["validFrom"]) > now) or \
                (g["validUntil"] and datetime.fromisoformat(g["validUntil"]) <= now):
            continue
        kind = share[g["itemCode"]]
        if kind == "NOT_SHARED" and g["granteeRole"] not in INTAKE:
            continue
        if kind == "CONDITIONAL" and g["access"] == "READ_FULL" and g["granteeRole"] not in INTAKE \
                and g["origin"] != "REQUEST":
            continue
        level = "FULL" if g["access"] == "READ_FULL" else "MASKED"
        if levels.get(g["itemCode"]) != "FULL":
            levels[g["itemCode"]] = level
    return levels


def compare(raw, seen, type_name: str, levels: dict, masks: dict, own_org: str | None, tally: Counter,
            twin: bool, path: str = "case") -> None:  # type: ignore[no-untyped-def]
    gql_type = GRAPHQL.type_map[type_name]
    for name, fld in gql_type.fields.items():
        code, where = f"{type_name}.{name}", f"{path}.{name}"
        r, s = raw.get(name), seen.get(name)
        level = "FULL" if name == "id" else levels.get(code, "HIDDEN")
        named = get_named_type(fld.type)
        if level == "HIDDEN":
            assert s is None, f"{where} should be hidden, got {s!r}"
            tally["HIDDEN", r is not None] += 1
            continue
        if isinstance(named, GraphQLObjectType):
            if level == "MASKED" or r is None or named.name not in _expanded(seen, name):
                assert (s is None) == (r is None or level == "MASKED"), where
                continue
            rows, got = (r, s) if _is_list(fld.type) else ([r], [s])
            if code == "Case.assignments" and own_org:
                rows = [a for a in rows if a["organisationCode"] == own_org]
            assert len(got) == len(rows), f"{where}: {len(got)} rows, expected {len(rows)}"
            for index, (rr, ss) in enumerate(zip(rows, got, strict=True)):
                compare(rr, ss, named.name, levels, masks, own_org, tally, twin, f"{where}[{index}]")
            continue
        tally[level, r is not None] += 1
        if (twin and name in RAW_ONLY) or name in MOVING:
            assert (s is None) == (r is None), where
        elif level == "FULL":
            assert s == r, f"{where}: {s!r} != {r!r}"
        else:
            assert s == mask(masks[code], r), f"{where}: masked {s!r} from {r!r}"


def _is_list(gql_type) -> bool:  # type: ignore[no-untyped-def]
    while isinstance(gql_type, GraphQLNonNull):
        gql_type = gql_type.of_type
    return isinstance(gql_type, GraphQLList)


def _expanded(seen: dict, name: str) -> set[str]:
    value = seen.get(name)
    sample = value[0] if isinstance(value, list) and value else value
    return {GRAPHQL.type_map[t].name for t in GRAPHQL.type_map} if isinstance(sample, dict) and "__typename" not in sample else set()


CATALOGUE = "{ catalogueItems { code shareType mask } sharingGrants { itemCode granteeRole granteeOrganisation access origin validFrom validUntil } }"


@pytest.fixture(scope="module")
async def catalogue(as_role):  # type: ignore[no-untyped-def]
    return await as_role(Role.GOVERNANCE, "KF-DATA").run(CATALOGUE)


LICENCE_SCAN = b"%PDF-1.7\n% business licence scan\n%%EOF\n"


async def full_case(submitter) -> dict:  # type: ignore[no-untyped-def]
    data = enterprise_connection(note="厂区北门进出")
    data["applicant"]["subject"] = "matrix-owner"
    data["vatInvoice"]["taxAddress"] = "开封市祥符区工业园 8 号"
    data["materials"][0]["fileRef"] = "doc://licence/0001"
    data["materials"][0]["file"] = {"sha256": (await uploaded(submitter, LICENCE_SCAN))["sha256"]}
    data["materials"][0]["holder"] = "开封市宋都食品有限公司"
    data["contact"] = {"name": "陈静", "phone": "0371-23456789"}
    data["intake"] = {"acceptingUnit": "开封市民之家二楼 3 号窗口", "receivedBy": "王丽", "notes": "原件已核验",
                      "opinion": "同意受理"}
    data["telecom"]["otherRequirements"] = "周末施工"
    return data


@pytest.fixture(scope="module")
async def clerk_case(clerk):  # type: ignore[no-untyped-def]
    case = await submit(clerk, await full_case(clerk))
    return (await clerk.run(CASE_QUERY, {"id": case["id"]}))["case"]


PRINCIPALS = [
    (Role.APPLICANT, None, "matrix-owner"),
    (Role.CLERK, "KF-DATA", "clerk-wang"),
    (Role.UTILITY, "KF-WATER", "w"), (Role.UTILITY, "KF-POWER", "p"), (Role.UTILITY, "KF-GAS", "g"),
    (Role.UTILITY, "KF-HEAT", "h"), (Role.UTILITY, "KF-TELECOM", "t"),
    (Role.SUPERVISOR, "KF-CGJ", "s"),
]


@pytest.mark.parametrize(("role", "org", "subject"), PRINCIPALS, ids=[f"{r.value}-{o}" for r, o, _ in PRINCIPALS])
async def test_every_field_as_the_catalogue_says(as_role, catalogue, clerk_case, role, org, subject):
    clerk_levels = expected_levels(catalogue["catalogueItems"], catalogue["sharingGrants"], {"CLERK"}, "KF-DATA")
    assert set(clerk_levels.values()) == {"FULL"}, "the clerk's view is the oracle: it must be all FULL"
    levels = expected_levels(catalogue["catalogueItems"], catalogue["sharingGrants"], {role.value}, org)
    masks = {i["code"]: i["mask"] for i in catalogue["catalogueItems"]}
    seen = (await as_role(role, org, subject).run(CASE_QUERY, {"id": clerk_case["id"]}))["case"]
    tally: Counter = Counter()
    compare(clerk_case, seen, "Case", levels, masks, org if role == Role.UTILITY else None, tally, twin=False)
    assert tally["FULL", True] > 10, tally
    if role in (Role.SUPERVISOR, Role.UTILITY):
        assert tally["HIDDEN", True] >= 1, tally  # minimum necessity: each sees less than the intake side
    if role == Role.SUPERVISOR or org in ("KF-WATER", "KF-POWER", "KF-GAS", "KF-HEAT"):
        assert tally["MASKED", True] >= 1, tally


async def test_platform_sees_its_own_case_as_the_catalogue_says(as_role, catalogue, clerk_case):
    platform = as_role(Role.PLATFORM, "KF-DATA", "platform-1")
    data = await full_case(platform)
    data["channel"] = "GOVERNMENT_PLATFORM"
    own = await submit(platform, data)
    seen = (await platform.run(CASE_QUERY, {"id": own["id"]}))["case"]
    levels = expected_levels(catalogue["catalogueItems"], catalogue["sharingGrants"], {"PLATFORM"}, "KF-DATA")
    masks = {i["code"]: i["mask"] for i in catalogue["catalogueItems"]}
    tally: Counter = Counter()
    compare(clerk_case, seen, "Case", levels, masks, None, tally, twin=True)
    assert tally["FULL", True] > 50
    assert (await platform.run(CASE_QUERY, {"id": clerk_case["id"]}))["case"] is None  # not pushed by it


async def test_governance_sees_no_case(as_role, clerk_case):
    assert (await as_role(Role.GOVERNANCE, "KF-DATA").run(CASE_QUERY, {"id": clerk_case["id"]}))["case"] is None


def test_masking_formats():
    assert mask("PHONE", "13800138000") == "138****8000"
    assert mask("ID_NUMBER", "410202198803120038") == "410202********0038"
    assert mask("NAME", "张伟") == "张*" and mask("NAME", "欧阳娜娜") == "欧***"
    assert mask("ACCOUNT", "2468013579") == "******3579"
    assert mask("REDACT", "任何文字") == "***" and mask("REDACT", 42) is None and mask("NONE", 42) == 42
