"""GraphQL over HTTP: media types and their status codes, request errors as JSON, edge faults answered cleanly,
and the reference audit of the spec (graphql-http's auditServer) with no error and no warning."""

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hub.enums import Role

GRAPHQL_RESPONSE = "application/graphql-response+json"
AUDIT_DIR = Path(__file__).resolve().parent / "http_audit"


@pytest.fixture(scope="module")
def post(http, clerk):  # type: ignore[no-untyped-def]
    async def send(body, accept: str | None = None, content_type: str = "application/json", token: bool = True):  # type: ignore[no-untyped-def]
        headers = {"Content-Type": content_type}
        if accept is not None:
            headers["Accept"] = accept
        if token:
            headers["Authorization"] = f"Bearer {clerk.token}"
        content = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return await http.post("/graphql", content=content, headers=headers)

    return send


def media_type(response) -> str:  # type: ignore[no-untyped-def]
    return response.headers["content-type"].split(";")[0]


@pytest.mark.parametrize(("accept", "expected"), [
    (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
    ("application/json", "application/json"),
    ("*/*", "application/json"),
    (None, "application/json"),
    (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
    (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
    (f"{GRAPHQL_RESPONSE};q=0", "application/json"),
])
async def test_the_response_media_type_follows_accept(post, accept, expected):
    response = await post({"query": "{ viewer { subject } }"}, accept=accept)
    assert response.status_code == 200
    assert media_type(response) == expected
    assert response.json() == {"data": {"viewer": {"subject": "clerk-wang"}}}


@pytest.mark.parametrize(("query", "variables", "code"), [
    ("{ viewer { subject ", None, None),                       # parse failure
    ("{ viewer { nickname } }", None, None),                   # validation failure
    ("query ($n: Int!) { cases(first: $n) { pageInfo { hasNextPage } } }", {"n": "many"}, None),  # coercion failure
    ("{ " + "viewer { subject } " * 40 + "}", None, "TOO_MANY_FIELDS"),  # a limit
])
async def test_failures_before_execution_are_400_without_data_in_graphql_response_json(post, query, variables, code):
    modern = await post({"query": query, "variables": variables}, accept=GRAPHQL_RESPONSE)
    assert modern.status_code == 400
    assert media_type(modern) == GRAPHQL_RESPONSE
    assert "data" not in modern.json() and modern.json()["errors"]
    legacy = await post({"query": query, "variables": variables}, accept="application/json")
    assert legacy.status_code == 200
    assert legacy.json()["data"] is None and legacy.json()["errors"] == modern.json()["errors"]
    if code:
        assert modern.json()["errors"][0]["extensions"]["code"] == code


async def test_a_field_error_during_execution_keeps_200_and_the_data_entry(post):
    """Execution started: the data entry is there (null, as the error reached the root) and the status is 200."""
    response = await post({"query": "{ viewer { subject } cases(first: 500) { pageInfo { hasNextPage } } }"},
                          accept=GRAPHQL_RESPONSE)
    assert response.status_code == 200
    body = response.json()
    assert "data" in body and body["data"] is None
    assert body["errors"][0]["path"] == ["cases"]


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
@pytest.mark.parametrize(("body", "content_type", "fragment"), [
    ('{ "not a JSON', "application/json", "not valid JSON"),
    ("", "application/json", "not valid JSON"),
    ({"notquery": "{ __typename }"}, "application/json", "No GraphQL query"),
    ({"query": 42}, "application/json", "`query` must be a string"),
    ({"query": "{ __typename }", "variables": "[]"}, "application/json", "`variables` must be an object"),
    ({"query": "{ __typename }", "operationName": 7}, "application/json", "`operationName` must be a string"),
    ({"query": "{ __typename }", "extensions": [1]}, "application/json", "`extensions` must be an object"),
    ('{"query": "{ __typename }"}', "text/plain", "Unsupported content type"),
])
async def test_request_errors_are_400_with_a_json_body(post, accept, body, content_type, fragment):
    response = await post(body, accept=accept, content_type=content_type)
    assert response.status_code == 400
    assert media_type(response) == accept
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert fragment in error["message"]


def _deep(levels: int, opener: str = "[", closer: str = "]") -> str:
    return opener * levels + closer * levels


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
@pytest.mark.parametrize("body", [
    '{"query": "{ __typename }", "variables": {"v": ' + _deep(10_000) + "}}",
    '{"query": "{ __typename }", "variables": {"v": ' + '{"a": ' * 10_000 + "1" + "}" * 10_000 + "}}",
    _deep(10_000),
])
async def test_json_nested_ten_thousand_deep_is_a_400_with_a_json_body(post, accept, body):
    response = await post(body, accept=accept)
    assert response.status_code == 400
    assert media_type(response) == accept
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "nested too deeply" in response.json()["errors"][0]["message"]


async def test_deep_variables_in_a_get_request_are_a_400(http, clerk):
    response = await http.get("/graphql", params={"query": "{ __typename }", "variables": '{"v": ' + _deep(5000) + "}"},
                              headers={"Authorization": f"Bearer {clerk.token}", "Accept": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


SUBSCRIPTION = "subscription { assignmentEvents { cursor } }"


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
async def test_a_subscription_over_http_is_told_to_use_the_websocket(http, as_role, accept):
    token = as_role(Role.UTILITY, "KF-WATER").token
    headers = {"Authorization": f"Bearer {token}", "Accept": accept}
    for response in (await http.post("/graphql", json={"query": SUBSCRIPTION}, headers=headers),
                     await http.get("/graphql", params={"query": SUBSCRIPTION}, headers=headers)):
        assert response.status_code == 400
        assert media_type(response) == accept
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "SUBSCRIPTION_NEEDS_WEBSOCKET"
        assert "graphql-transport-ws" in error["message"] and "/graphql" in error["message"]


async def test_a_mutation_over_get_is_405_with_allow_post(http, clerk):
    response = await http.get("/graphql", params={"query": "mutation { __typename }"},
                              headers={"Authorization": f"Bearer {clerk.token}", "Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
async def test_unauthenticated_stays_401(post, accept):
    response = await post({"query": "{ __typename }"}, accept=accept, token=False)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_every_response_says_how_long_the_hub_took(post):
    for response in (await post({"query": "{ __typename }"}), await post("{", accept=GRAPHQL_RESPONSE)):
        name, _, duration = response.headers["server-timing"].partition(";dur=")
        assert name == "app" and float(duration) >= 0


def _node_modules() -> None:
    if not (AUDIT_DIR / "node_modules" / "graphql-http").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=AUDIT_DIR, check=True, capture_output=True,
                       timeout=300)


@pytest.mark.skipif(shutil.which("node") is None or shutil.which("npm") is None, reason="needs node and npm")
def test_the_graphql_over_http_reference_audit_passes_without_warnings(hub, clerk):
    # `make test` runs both backends at once: one `npm ci` (which empties node_modules first) and audit at a time
    with open(AUDIT_DIR / ".test-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _node_modules()
        done = subprocess.run(["node", "audit.mjs", f"{hub.url}/graphql"], cwd=AUDIT_DIR, capture_output=True,
                              text=True, timeout=120, env={**os.environ, "HUB_AUDIT_TOKEN": clerk.token})
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] > 30
    assert report["warnings"] == [] and report["errors"] == [], report
