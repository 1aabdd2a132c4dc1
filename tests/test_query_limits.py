"""Every request is bounded before it runs: depth, aliases, fields, cost, document size and tokens, body size and
input lists, over HTTP and on WebSocket subscriptions, each refused with a typed error naming the limit."""

import json
from pathlib import Path

import httpx
import pytest
from graphql import GraphQLInputObjectType, GraphQLList, build_schema, get_named_type, get_nullable_type
from strawberry.extensions.parser_cache import _get_parse_cache

from hub.auth import keys
from hub.config import Settings
from hub.enums import Role
from tests.factories import individual_transfer
from tests.steps import signed
from tests.harness import ENGLISH, RunningHub
from tests import operations as ops
from tests.ws import Subscription

LIMIT_CODES = {"DOCUMENT_TOO_LARGE", "TOO_MANY_TOKENS", "QUERY_TOO_DEEP", "TOO_MANY_ALIASES", "TOO_MANY_FIELDS",
               "QUERY_TOO_COMPLEX", "LIST_TOO_LONG"}
DEFAULTS = Settings(_env_file=None)


def nested_query(levels: int) -> str:
    """`__type { ofType { ofType … { name } } }`: `levels` fields deep, one field per level (cost stays linear)."""
    return '{ __type(name: "Case") { ' + "ofType { " * (levels - 2) + "name" + " }" * (levels - 1) + " }"


async def refusal(client, query: str, variables: dict | None = None) -> dict:  # type: ignore[no-untyped-def]
    """The single error of a request refused before execution (application/json: 200, data null)."""
    response = await client.raw(query, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] is None, body
    [error] = body["errors"]
    return error


async def test_a_hundred_levels_of_nesting_are_refused_as_too_deep(clerk):
    error = await refusal(clerk, nested_query(100))
    assert error["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert "HUB_MAX_QUERY_DEPTH" in error["message"]


async def test_depth_is_counted_in_fields_up_to_the_limit(clerk):
    limit = DEFAULTS.max_query_depth
    within = await clerk.raw(nested_query(limit))
    assert not within.json().get("errors"), within.json()
    error = await refusal(clerk, nested_query(limit + 2))
    assert error["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert error["message"] == (f"the operation nests fields {limit + 2} deep; the limit is {limit} "
                                f"(HUB_MAX_QUERY_DEPTH)")


async def test_depth_through_fragments_counts_as_written_inline(clerk):
    limit = DEFAULTS.max_query_depth
    fragments = "".join(f"fragment F{i} on __Type {{ ofType {{ ...F{i + 1} }} }} " for i in range(limit))
    query = f'{{ __type(name: "Case") {{ ...F0 }} }} {fragments} fragment F{limit} on __Type {{ name }}'
    error = await refusal(clerk, query)
    assert error["extensions"]["code"] == "QUERY_TOO_DEEP"


async def test_aliases_beyond_the_limit_are_refused(clerk):
    limit = DEFAULTS.max_aliases
    within = "{ " + " ".join(f"a{i}: __typename" for i in range(limit)) + " }"
    assert len((await clerk.run(within))) == limit
    error = await refusal(clerk, "{ " + " ".join(f"a{i}: __typename" for i in range(limit + 1)) + " }")
    assert error["extensions"]["code"] == "TOO_MANY_ALIASES"
    assert error["message"] == f"the document has {limit + 1} aliases; the limit is {limit} (HUB_MAX_ALIASES)"


async def test_ten_thousand_aliases_are_refused_and_the_hub_keeps_serving(clerk):
    """Each alias a case lookup, the connection-pool attack: refused whole (by the body or a document limit)."""
    query = "{ " + " ".join(f"a{i}: caseByNumber(number: \"KF{i}\") {{ id }}" for i in range(10_000)) + " }"
    response = await clerk.raw(query)
    assert response.status_code in (200, 413)
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] in LIMIT_CODES | {"REQUEST_TOO_LARGE"}
    assert response.json().get("data") is None
    assert (await clerk.run("{ viewer { subject } }"))["viewer"]["subject"] == "clerk-wang"


async def test_a_field_repeated_many_times_counts_its_pairs(clerk):
    """Validation compares every pair of same-named fields: 30 copies weigh 900, over the field limit."""
    error = await refusal(clerk, "{ " + "viewer { subject } " * 30 + "}")
    assert error["extensions"]["code"] == "TOO_MANY_FIELDS"
    assert f"the limit is {DEFAULTS.max_fields} (HUB_MAX_FIELDS)" in error["message"]
    assert (await clerk.run("{ " + "viewer { subject } " * 3 + "}"))["viewer"]["subject"] == "clerk-wang"


async def test_fragments_spread_inside_each_other_are_counted_expanded(clerk):
    """A fragment bomb: 20 fragments each spreading the next twice select a million fields."""
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(20))
    error = await refusal(clerk, f"{{ ...F0 }} {fragments} fragment F20 on Query {{ viewer {{ subject }} }}")
    assert error["extensions"]["code"] in {"TOO_MANY_FIELDS", "QUERY_TOO_COMPLEX"}


async def test_cost_multiplies_page_sizes_down_the_tree(as_role):
    supervisor = as_role(Role.SUPERVISOR, None, "supervisor-cost")
    query = """query ($first: Int!) { cases(first: $first) { edges { node {
                 assignments { case { assignments { case { assignments { id } } } } } } } } }"""
    error = await refusal(supervisor, query, {"first": 100})
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert f"the limit is {DEFAULTS.max_query_cost} (HUB_MAX_QUERY_COST)" in error["message"]
    assert "cases" in await supervisor.run(query, {"first": 2})


async def test_a_document_over_the_byte_limit_is_refused_counting_utf8_bytes(clerk):
    limit = DEFAULTS.max_document_bytes
    comment = "# " + "开封" * (limit // 6 + 10) + "\n"  # fewer characters than the limit, more bytes
    assert len(comment) < limit < len(comment.encode())
    error = await refusal(clerk, comment + "{ __typename }")
    assert error["extensions"]["code"] == "DOCUMENT_TOO_LARGE"
    assert error["message"] == f"the document is larger than {limit} bytes (HUB_MAX_DOCUMENT_BYTES)"


async def test_lexical_tokens_are_counted_without_comments(clerk):
    limit = DEFAULTS.max_tokens
    # `query Q($v: [Int] = [1, 1, …]) { __typename }`: 16 tokens around the list.
    def with_tokens(count: int) -> str:
        items = ", ".join(["1"] * (count - 16))
        return f'# a comment: not a token\nquery Q($v: [Int] = [{items}]) {{ __typename }} # nor "this"'

    over = await refusal(clerk, with_tokens(limit + 1))
    assert over["extensions"]["code"] == "TOO_MANY_TOKENS"
    assert over["message"] == f"the document has more than {limit} tokens (HUB_MAX_TOKENS)"
    at_limit = (await clerk.raw(with_tokens(limit))).json()
    assert all(e["extensions"].get("code") != "TOO_MANY_TOKENS" for e in at_limit.get("errors") or []), at_limit


def _list_inputs() -> list[tuple[str, str, list[str]]]:
    """Every place in the published schema where a caller passes a list: (root field, argument, path inside)."""
    contract = build_schema((Path(__file__).resolve().parent.parent / "schema" / "hub.graphql").read_text())
    found = []

    def walk(field: str, argument: str, type_, path: list[str], seen: frozenset) -> None:  # type: ignore[no-untyped-def]
        if isinstance(get_nullable_type(type_), GraphQLList):
            found.append((field, argument, path))
        named = get_named_type(type_)
        if isinstance(named, GraphQLInputObjectType) and named.name not in seen:
            for name, input_field in named.fields.items():
                walk(field, argument, input_field.type, [*path, name], seen | {named.name})

    for root in (contract.query_type, contract.mutation_type, contract.subscription_type):
        for field_name, field in root.fields.items():
            for argument_name, argument in field.args.items():
                walk(field_name, argument_name, argument.type, [], frozenset())
    return found


LIST_INPUTS = _list_inputs()


def test_the_schema_has_the_list_inputs_we_expect_to_bound():
    places = {(f, a, ".".join(p)) for f, a, p in LIST_INPUTS}
    assert {("submitCase", "input", "materials"), ("addMaterials", "input", "materials"),
            ("grantAccess", "input", "itemCodes"), ("requestSharing", "input", "itemCodes"),
            ("submitCase", "input", "heating.loads")} <= places


def _nest(path: list[str], leaf):  # type: ignore[no-untyped-def]
    for name in reversed(path):
        leaf = {name: leaf}
    return leaf


def _operation(field: str) -> str:
    return "mutation" if field in _ROOTS["mutation"] else "subscription" if field in _ROOTS["subscription"] else "query"


_CONTRACT = build_schema((Path(__file__).resolve().parent.parent / "schema" / "hub.graphql").read_text())
_ROOTS = {"mutation": set(_CONTRACT.mutation_type.fields), "subscription": set(_CONTRACT.subscription_type.fields)}


@pytest.mark.parametrize(("field", "argument", "path"), LIST_INPUTS,
                         ids=[f"{f}.{a}.{'.'.join(p)}" for f, a, p in LIST_INPUTS])
async def test_every_list_input_is_bounded_in_variables_and_in_the_document(as_role, field, argument, path):
    governance = as_role(Role.GOVERNANCE, "KF-DATA", "governance-lists")
    too_long = [1] * (DEFAULTS.max_list_length + 1)
    query = f"{_operation(field)} ($v: JSON) {{ {field}({argument}: $v) {{ __typename }} }}"
    error = await refusal(governance, query, {"v": _nest(path, too_long)})
    assert error["extensions"]["code"] == "LIST_TOO_LONG"
    assert error["message"] == (f"variable ${'.'.join(['v', *path])} has {len(too_long)} items; the limit is "
                                f"{DEFAULTS.max_list_length} (HUB_MAX_LIST_LENGTH)")

    literal = json.dumps(_nest(path, too_long))
    for name in path:  # JSON object keys → GraphQL input object field names
        literal = literal.replace(f'"{name}":', f"{name}:")
    error = await refusal(governance, f"{_operation(field)} {{ {field}({argument}: {literal}) {{ __typename }} }}")
    assert error["extensions"]["code"] == "LIST_TOO_LONG"
    where = ".".join([f"{field}({argument})", *path])
    assert error["message"].startswith(f"argument {where} has {len(too_long)} items")


async def test_an_input_object_wider_than_any_input_type_is_refused_before_coercion(clerk):
    """graphql-core would suggest a spelling for each of 10,000 unknown fields (about a second of CPU)."""
    data = individual_transfer()
    data["site"] = {f"field{i}": i for i in range(10_000)}
    error = await refusal(clerk, ops.SUBMIT, {"input": data})
    assert error["extensions"]["code"] == "INPUT_TOO_LARGE"
    assert error["message"].startswith("variable $input.site has 10000 fields; no input type has more than ")
    literal = ", ".join(f"f{i}: {i}" for i in range(40))
    error = await refusal(clerk, f"mutation {{ submitCase(input: {{ site: {{ {literal} }} }}) {{ __typename }} }}")
    assert error["extensions"]["code"] == "INPUT_TOO_LARGE"
    assert error["message"].startswith("argument submitCase(input).site has 40 fields")


async def test_a_refused_submission_writes_nothing(clerk, as_role):
    applicant = as_role(Role.APPLICANT, None, "list-bound-applicant")
    materials = [{"typeCode": "RESIDENT_ID_CARD", "verified": True}] * (DEFAULTS.max_list_length + 1)
    data = individual_transfer(materials=materials)
    data["applicant"]["subject"] = "list-bound-applicant"
    error = await refusal(clerk, ops.SUBMIT, {"input": data})
    assert error["extensions"]["code"] == "LIST_TOO_LONG"
    assert error["message"].startswith("variable $input.materials has")
    assert (await applicant.run(ops.CASES, {"first": 10}))["cases"]["edges"] == []
    data["materials"] = materials[:DEFAULTS.max_list_length]
    assert (await clerk.run(ops.SUBMIT, {"input": await signed(clerk, data)}))["submitCase"]["errors"] == []
    assert len((await applicant.run(ops.CASES, {"first": 10}))["cases"]["edges"]) == 1


async def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(hub, clerk):
    headers = {"Authorization": f"Bearer {clerk.token}", "Content-Type": "application/json"}
    big = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * DEFAULTS.max_body_bytes}})
    async with httpx.AsyncClient(headers=ENGLISH, base_url=hub.url, timeout=30) as fresh:
        declared = await fresh.post("/graphql", content=big, headers=headers)

        async def chunks():  # type: ignore[no-untyped-def]
            for start in range(0, len(big), 65536):
                yield big[start:start + 65536].encode()

        streamed = await fresh.post("/graphql", content=chunks(), headers=headers)
    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
        assert f"{DEFAULTS.max_body_bytes} bytes (HUB_MAX_BODY_BYTES)" in response.json()["errors"][0]["message"]


async def test_a_websocket_message_over_the_body_limit_closes_the_socket(hub):
    sub = await Subscription.open(hub.port, hub.token(Role.UTILITY, "KF-WATER"), "subscription { assignmentEvents { cursor } }")
    await sub.socket.send(json.dumps({"type": "ping", "payload": {"pad": "x" * DEFAULTS.max_body_bytes}}))
    assert await sub.closed_with() == 1009  # message too big


async def test_a_request_over_a_limit_is_refused_before_its_token_is_checked(http):
    """Refusing costs no token verification and no database connection: no token is needed to be refused."""
    response = await http.post("/graphql", json={"query": nested_query(100)})
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert (await http.post("/graphql", json={"query": nested_query(3)})).status_code == 401


async def test_refused_documents_do_not_enter_the_parse_cache(clerk):
    cache = _get_parse_cache(128)
    await clerk.run("{ __typename }")
    before = cache.cache_info()
    for i in range(20):
        await refusal(clerk, f"# {i}\n" + "{ " + "__typename " * (DEFAULTS.max_tokens + 1) + "}")
    after = cache.cache_info()
    assert after.currsize == before.currsize and after.misses == before.misses


async def test_refusals_are_counted_in_the_metrics(clerk, http):
    await refusal(clerk, nested_query(100))
    metrics = (await http.get("/metrics")).text
    assert 'hub_graphql_errors_total{code="QUERY_TOO_DEEP"}' in metrics


async def test_subscriptions_are_bounded_too(hub):
    token = hub.token(Role.UTILITY, "KF-WATER")
    deep = "subscription { assignmentEvents { assignment { " + "case { assignments { " * 20 + "id" + " } }" * 20 + " } } }"
    padded = "subscription { assignmentEvents { cursor } } #" + "x" * DEFAULTS.max_document_bytes
    aliased = "subscription { assignmentEvents { " + " ".join(
        f"c{i}: cursor" for i in range(DEFAULTS.max_aliases + 1)) + " } }"
    for query, code in ((deep, "QUERY_TOO_DEEP"), (padded, "DOCUMENT_TOO_LARGE"), (aliased, "TOO_MANY_ALIASES")):
        sub = await Subscription.open(hub.port, token, query)
        message = await sub.first_message()
        assert message["type"] == "error" and message["id"] == "1", message
        assert message["payload"][0]["extensions"]["code"] == code
        await sub.close()
    sub = await Subscription.open(hub.port, token, "subscription ($a: JSON) { assignmentEvents { cursor } }",
                                  {"a": [0] * (DEFAULTS.max_list_length + 1)})
    message = await sub.first_message()
    assert message["payload"][0]["extensions"]["code"] == "LIST_TOO_LONG"
    await sub.close()


@pytest.fixture(scope="module")
def tight_hub(database_url, tmp_path_factory):  # type: ignore[no-untyped-def]
    """A second instance on the same database, configured through HUB_* variables with small limits."""
    data_dir = tmp_path_factory.mktemp("tight")
    keys.generate(data_dir / "signing-key.json")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {"HUB_MAX_QUERY_DEPTH": "4", "HUB_MAX_ALIASES": "2", "HUB_MAX_FIELDS": "12",
                            "HUB_MAX_QUERY_COST": "40", "HUB_DEFAULT_LIST_SIZE": "5", "HUB_MAX_TOKENS": "60",
                            "HUB_MAX_DOCUMENT_BYTES": "600", "HUB_MAX_LIST_LENGTH": "3", "HUB_MAX_BODY_BYTES": "2000",
                            "HUB_DATABASE_URL": database_url, "HUB_DATA_DIR": str(data_dir)}.items():
            patch.setenv(name, value)
        settings = Settings(_env_file=None)
    running = RunningHub(settings).start()
    yield running
    running.stop()


@pytest.mark.parametrize(("query", "variables", "code", "message"), [
    ("{ viewer { roles } organisations { services } }", None, None, None),
    (nested_query(5), None, "QUERY_TOO_DEEP", "the operation nests fields 5 deep; the limit is 4 (HUB_MAX_QUERY_DEPTH)"),
    ("{ a: __typename b: __typename c: __typename }", None, "TOO_MANY_ALIASES",
     "the document has 3 aliases; the limit is 2 (HUB_MAX_ALIASES)"),
    ("{ viewer { subject } viewer { subject } viewer { subject } viewer { subject } }", None,
     "TOO_MANY_FIELDS", "the document selects 20 fields (a field repeated k times in one selection counted k² "
                        "times); the limit is 12 (HUB_MAX_FIELDS)"),
    ("{ organisations { code name services } materialTypes { code name } districts { code name active } }", None,
     "QUERY_TOO_COMPLEX", "the operation's estimated cost is 43 fields resolved"),
    ("query ($n: Int!) { cases(first: $n) { edges { node { id number } } } }", {"n": 20}, "QUERY_TOO_COMPLEX",
     "the operation's estimated cost is 62 fields resolved"),
    ("query ($n: Int!) { cases(first: $n) { edges { node { id number } } } }", {"n": 2}, None, None),
    ("{" + " a" * 60 + " }", None, "TOO_MANY_TOKENS",
     "the document has more than 60 tokens (HUB_MAX_TOKENS)"),
    ("{ __typename }" + " " * 600, None, "DOCUMENT_TOO_LARGE",
     "the document is larger than 600 bytes (HUB_MAX_DOCUMENT_BYTES)"),
    ("{ cases(filter: {statuses: [SUBMITTED, COMPLETED, REJECTED, IN_PROGRESS]}) { pageInfo { hasNextPage } } }",
     None, "LIST_TOO_LONG", "argument cases(filter).statuses has 4 items; the limit is 3 (HUB_MAX_LIST_LENGTH)"),
    ("query ($s: [CaseStatus!]) { cases(filter: {statuses: $s}) { pageInfo { hasNextPage } } }",
     {"s": ["SUBMITTED"] * 4}, "LIST_TOO_LONG", "variable $s has 4 items; the limit is 3 (HUB_MAX_LIST_LENGTH)"),
    ("{ " + "a { " * 14 + "b" + " }" * 15, None, "QUERY_TOO_DEEP",
     "the document's brackets nest more than 14 deep; the limit is HUB_MAX_QUERY_DEPTH + 10"),
])
async def test_each_limit_is_set_by_its_hub_setting(tight_hub, query, variables, code, message):
    token = tight_hub.token(Role.SUPERVISOR, None, "supervisor-tight")
    async with httpx.AsyncClient(headers=ENGLISH, base_url=tight_hub.url, timeout=30) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables},
                                   headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    errors = response.json().get("errors") or []
    if code is None:
        assert errors == [], errors
        return
    assert [e["extensions"]["code"] for e in errors] == [code], errors
    assert errors[0]["message"].startswith(message)


async def test_the_body_limit_is_set_by_its_hub_setting(tight_hub):
    token = tight_hub.token(Role.SUPERVISOR, None, "supervisor-tight")
    async with httpx.AsyncClient(headers=ENGLISH, base_url=tight_hub.url, timeout=30) as http:
        response = await http.post("/graphql", json={"query": "{ __typename }", "variables": {"x": "y" * 2000}},
                                   headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 413
    assert "2000 bytes (HUB_MAX_BODY_BYTES)" in response.json()["errors"][0]["message"]
