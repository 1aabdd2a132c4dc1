"""Persisted documents: registered by `hub documents load` or by governance through the API, called by
`documentId` or Apollo's `extensions.persistedQuery` over POST, GET and WebSocket; callers held to registered
documents (HUB_REGISTERED_DOCUMENTS_ONLY) are refused anything else."""

import hashlib
import json
import uuid

import httpx
import pytest

from hub.config import Settings
from hub.enums import Role
from tests import factories
from tests.harness import CHECKOUT, ENGLISH, GraphQLClient, RunningHub
from tests.steps import submit
from tests.test_calendar_import import run_hub
from tests.ws import Subscription

MANIFEST = CHECKOUT / "clients" / "typescript" / "src" / "generated" / "persisted-documents.json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
REGISTER = """mutation ($input: RegisterDocumentsInput!) { registerPersistedDocuments(input: $input) {
  added { id operationNames clientName clientVersion registeredBy } alreadyRegistered errors { field code message } } }"""
LIST = """query ($client: String, $after: String) { persistedDocuments(clientName: $client, first: 2, after: $after) {
  edges { node { id document operationNames clientVersion } } pageInfo { hasNextPage endCursor } } }"""
CHANGES = '{ governanceChanges(entity: "PERSISTED_DOCUMENT", first: 100) { entityId action actorSubject } }'


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def fresh(name: str) -> str:
    """A document no other test registers: the viewer, under an operation name of its own."""
    return f"query {name}{uuid.uuid4().hex[:8]} {{ viewer {{ subject roles }} }}"


def typescript_manifest() -> dict[str, str]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def typescript_id(operation: str) -> str:
    return next(key for key, text in typescript_manifest().items() if f" {operation}(" in text or f" {operation} " in text)


async def post(client: GraphQLClient, body: dict, accept: str = "application/json") -> httpx.Response:
    return await client.http.post("/graphql", json=body, headers={"Authorization": f"Bearer {client.token}",
                                                                  "Accept": accept})


async def get(client: GraphQLClient, params: dict) -> httpx.Response:
    """As curl sends it (`Accept: */*`): a GET without `query` that names a document is no page request."""
    return await client.http.get("/graphql", params=params, headers={"Authorization": f"Bearer {client.token}",
                                                                     "Accept": "*/*"})


def code_of(response: httpx.Response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


@pytest.fixture(scope="module")
def governance(as_role):  # type: ignore[no-untyped-def]
    return as_role(Role.GOVERNANCE, "KF-DATA", "governance-documents")


@pytest.fixture(scope="module")
def applicant(as_role):  # type: ignore[no-untyped-def]
    return as_role(Role.APPLICANT, None, "citizen-documents")


async def register(governance: GraphQLClient, documents: dict[str, str], **client: str) -> dict:
    data = await governance.run(REGISTER, {"input": {"manifest": json.dumps(documents), **client}})
    return data["registerPersistedDocuments"]


@pytest.fixture(scope="module")
async def registered(governance):  # type: ignore[no-untyped-def]
    """A document registered through the API (the viewer): its text."""
    text = fresh("Registered")
    payload = await register(governance, {f"sha256:{sha(text)}": text}, clientName="documents-test")
    assert payload["errors"] == [] and len(payload["added"]) == 1
    return text


# ---------------------------------------------------------------- registering

async def test_the_command_loads_the_typescript_clients_manifest_and_lists_it(hub, applicant, tmp_path):
    manifest = typescript_manifest()
    done = run_hub(hub.settings.database_url, "documents", "load", str(MANIFEST), "--client-name", "bianjieban-app",
                   "--client-version", "0.1.0", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"registered {len(manifest)} new documents")
    again = run_hub(hub.settings.database_url, "documents", "load", str(MANIFEST), cwd=tmp_path)
    assert f"{len(manifest)} were registered already" in again.stdout
    listed = run_hub(hub.settings.database_url, "documents", "list", "--client-name", "bianjieban-app", cwd=tmp_path)
    lines = {line.split("\t")[0]: line.split("\t") for line in listed.stdout.splitlines()}
    assert set(lines) == set(manifest)
    assert lines[typescript_id("MyCases")][1:3] == ["MyCases", "bianjieban-app 0.1.0"]
    # and the app's page runs by its id alone
    response = await post(applicant, {"documentId": typescript_id("MyCases"), "variables": {"first": 5}})
    assert response.status_code == 200 and response.json()["data"]["cases"]["edges"] == []


async def test_the_command_refuses_a_manifest_whose_hash_is_wrong_in_one_line(hub, tmp_path):
    text = fresh("WrongHash")
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({f"sha256:{sha(text + ' ')}": text}), encoding="utf-8")
    done = run_hub(hub.settings.database_url, "documents", "load", str(path), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and f"the text's SHA-256 is {sha(text)}, not the key's" in done.stderr


async def test_governance_registers_through_the_api_and_the_registration_is_a_governance_change(governance, as_role):
    text = fresh("ByApi")
    bare_hex = {sha(text): text}  # Apollo's manifests have no prefix
    payload = await register(governance, bare_hex, clientName="portal", clientVersion="2.1")
    assert payload["errors"] == []
    assert payload["added"] == [{"id": f"sha256:{sha(text)}", "operationNames": [text.split()[1]],
                                 "clientName": "portal", "clientVersion": "2.1", "registeredBy": "governance-documents"}]
    again = await register(governance, {f"sha256:{sha(text)}": text})
    assert again["added"] == [] and again["alreadyRegistered"] == 1
    changes = (await governance.run(CHANGES))["governanceChanges"]
    assert {"entityId": f"sha256:{sha(text)}", "action": "REGISTER", "actorSubject": "governance-documents"} in changes
    utility = as_role(Role.UTILITY, "KF-GAS", "gas-documents")
    response = await post(utility, {"documentId": f"sha256:{sha(text)}"})
    assert response.json()["data"]["viewer"] == {"subject": "gas-documents", "roles": ["UTILITY"]}


async def test_governance_lists_registered_documents_page_by_page(governance, registered):
    texts = [fresh("Listed") for _ in range(3)]
    await register(governance, {sha(t): t for t in texts}, clientName="listing-test", clientVersion="1")
    first = (await governance.run(LIST, {"client": "listing-test"}))["persistedDocuments"]
    after = first["pageInfo"]["endCursor"]
    second = (await governance.run(LIST, {"client": "listing-test", "after": after}))["persistedDocuments"]
    assert first["pageInfo"]["hasNextPage"] and not second["pageInfo"]["hasNextPage"]
    listed = [edge["node"] for edge in first["edges"] + second["edges"]]
    assert sorted(node["document"] for node in listed) == sorted(texts)
    assert {node["id"] for node in listed} == {f"sha256:{sha(t)}" for t in texts}


async def test_registration_is_all_or_nothing_and_names_each_bad_entry(governance):
    good, invalid = fresh("Good"), "query Invalid { viewer { noSuchField } }"
    wrong_key = "sha256:" + "0" * 64
    payload = await register(governance, {sha(good): good, sha(invalid): invalid, wrong_key: good,
                                          "md5:abc": good}, clientName="refused-test")
    assert payload["added"] == [] and payload["alreadyRegistered"] is None
    problems = {error["field"]: (error["code"], error["message"]) for error in payload["errors"]}
    assert problems[f'manifest["{sha(invalid)}"]'][1].startswith("does not validate against the schema")
    assert problems[f'manifest["{wrong_key}"]'] == ("INVALID", f"the text's SHA-256 is {sha(good)}, not the key's")
    assert problems['manifest["md5:abc"]'][0] == "INVALID"
    assert (await governance.run(LIST, {"client": "refused-test"}))["persistedDocuments"]["edges"] == []
    not_json = (await governance.run(REGISTER, {"input": {"manifest": "{not json"}}))["registerPersistedDocuments"]
    assert not_json["errors"][0]["field"] == "manifest" and not_json["errors"][0]["code"] == "INVALID"


async def test_only_governance_registers_or_lists(as_role, registered):
    text = fresh("Forbidden")
    for caller in (as_role(Role.UTILITY, "KF-WATER", "water-documents"), as_role(Role.APPLICANT, None, "citizen-x")):
        payload = await register(caller, {sha(text): text})
        assert payload["added"] == [] and [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]
        assert [e["extensions"]["code"] for e in await caller.errors(LIST, {})] == ["FORBIDDEN"]
    response = await post(as_role(Role.CLERK, "KF-DATA", "clerk-documents"), {"documentId": f"sha256:{sha(text)}"})
    assert code_of(response) == "PERSISTED_DOCUMENT_NOT_FOUND"


# ---------------------------------------------------------------- calling by id

async def test_a_registered_document_runs_by_id_over_post_and_get_and_by_apq_hash(applicant, registered):
    document_id = f"sha256:{sha(registered)}"
    expected = {"viewer": {"subject": "citizen-documents", "roles": ["APPLICANT"]}}
    assert (await post(applicant, {"documentId": document_id})).json() == {"data": expected}
    assert (await get(applicant, {"documentId": document_id})).json() == {"data": expected}
    apq = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha(registered)}}}
    assert (await post(applicant, apq)).json() == {"data": expected}
    assert (await get(applicant, {"extensions": json.dumps(apq["extensions"])})).json() == {"data": expected}
    with_text = await post(applicant, {"documentId": document_id, "query": registered})
    assert with_text.json() == {"data": expected}


async def test_an_unknown_id_is_not_found_as_a_refusal_before_execution(applicant):
    unknown = "sha256:" + sha(fresh("Unknown"))
    plain = await post(applicant, {"documentId": unknown})
    assert plain.status_code == 200 and plain.json()["data"] is None
    assert code_of(plain) == "PERSISTED_DOCUMENT_NOT_FOUND" and unknown in plain.json()["errors"][0]["message"]
    spec = await post(applicant, {"documentId": unknown}, accept=GRAPHQL_RESPONSE)
    assert spec.status_code == 400 and "data" not in spec.json() and code_of(spec) == "PERSISTED_DOCUMENT_NOT_FOUND"
    assert code_of(await get(applicant, {"documentId": unknown})) == "PERSISTED_DOCUMENT_NOT_FOUND"


@pytest.mark.parametrize("document_id", ["sha256:xyz", "md5:" + "0" * 64, 42, "0" * 64])
async def test_a_malformed_id_is_a_bad_request(applicant, document_id):
    response = await post(applicant, {"documentId": document_id})
    assert response.status_code == 400 and code_of(response) == "BAD_REQUEST"
    assert "documentId" in response.json()["errors"][0]["message"]


async def test_apq_registers_a_text_sent_with_its_hash_and_checks_it(applicant, as_role):
    text = fresh("Apq")
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha(text)}}
    unknown = await post(applicant, {"extensions": extensions})
    assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert code_of(unknown) == "PERSISTED_QUERY_NOT_FOUND"
    sent = await post(applicant, {"query": text, "extensions": extensions})
    assert sent.json()["data"]["viewer"]["subject"] == "citizen-documents"
    other = as_role(Role.CLERK, "KF-DATA", "clerk-apq")  # the hash now names the text for any caller of this process
    assert (await get(other, {"extensions": json.dumps(extensions)})).json()["data"]["viewer"]["subject"] == "clerk-apq"
    # a hash alone is no documentId: only registered documents are called by documentId
    assert code_of(await post(applicant, {"documentId": f"sha256:{sha(text)}"})) == "PERSISTED_DOCUMENT_NOT_FOUND"


async def test_a_hash_that_is_not_the_texts_is_refused(applicant, registered):
    text = fresh("Mismatch")
    for body in ({"query": text, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha(registered)}}},
                 {"query": text, "documentId": f"sha256:{sha(registered)}"},
                 {"documentId": f"sha256:{sha(registered)}",
                  "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha(text)}}}):
        response = await post(applicant, body)
        assert response.json()["data"] is None and code_of(response) == "PERSISTED_DOCUMENT_HASH_MISMATCH", body
    spec = await post(applicant, {"query": text, "documentId": f"sha256:{sha(registered)}"}, accept=GRAPHQL_RESPONSE)
    assert spec.status_code == 400 and sha(text) in spec.json()["errors"][0]["message"]


async def test_a_subscription_runs_by_id_on_a_websocket(hub, clerk, governance):
    case = await submit(clerk, factories.individual_transfer())
    events = typescript_id("CaseEvents")
    await register(governance, {events: typescript_manifest()[events]})
    sub = await Subscription.open(hub.port, clerk.token, None, {"caseId": case["id"], "after": "0"}, documentId=events)
    assert (await sub.next())["caseEvents"]["kind"] == "CASE_SUBMITTED"
    await sub.close()
    unknown = await Subscription.open(hub.port, clerk.token, None, {}, documentId="sha256:" + sha(fresh("Ws")))
    message = await unknown.first_message()
    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "PERSISTED_DOCUMENT_NOT_FOUND"
    await unknown.close()
    text = typescript_manifest()[events]  # APQ over a WebSocket sends the text with its hash at once: checked
    wrong = await Subscription.open(hub.port, clerk.token, text, {"caseId": case["id"]},
                                    extensions={"persistedQuery": {"version": 1, "sha256Hash": sha(text + " ")}})
    assert (await wrong.first_message())["payload"][0]["extensions"]["code"] == "PERSISTED_DOCUMENT_HASH_MISMATCH"
    await wrong.close()


# ---------------------------------------------------------------- registered documents only

@pytest.fixture(scope="module")
def strict(hub):  # type: ignore[no-untyped-def]
    """Another instance on the same database whose APPLICANT callers may send registered documents only."""
    running = RunningHub(Settings(environment="production", database_url=hub.settings.database_url,
                                  signing_key_file=hub.settings.key_file, data_dir=hub.settings.data_dir,
                                  registered_documents_only=[Role.APPLICANT])).start()
    yield running
    running.stop()


@pytest.fixture
async def strict_http(strict):  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(headers=ENGLISH, base_url=strict.url, timeout=30) as http:
        yield http


async def test_registered_only_refuses_free_text_but_serves_registered_documents(strict, strict_http, registered):
    citizen = GraphQLClient(strict_http, strict.token(Role.APPLICANT, None, "citizen-strict"))
    text = fresh("FreeText")
    refused = await post(citizen, {"query": text}, accept=GRAPHQL_RESPONSE)
    assert refused.status_code == 400 and code_of(refused) == "PERSISTED_DOCUMENT_REQUIRED"
    assert "HUB_REGISTERED_DOCUMENTS_ONLY" in refused.json()["errors"][0]["message"]
    expected = {"viewer": {"subject": "citizen-strict", "roles": ["APPLICANT"]}}
    assert (await post(citizen, {"documentId": f"sha256:{sha(registered)}"})).json() == {"data": expected}
    assert (await post(citizen, {"query": registered})).json() == {"data": expected}  # the registered text itself
    # APQ registers nothing for such a caller: the text is refused, and its hash stays unknown
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha(text)}}
    assert code_of(await post(citizen, {"query": text, "extensions": extensions})) == "PERSISTED_DOCUMENT_REQUIRED"
    assert code_of(await post(citizen, {"extensions": extensions})) == "PERSISTED_DOCUMENT_NOT_FOUND"
    # other roles are not held to registered documents
    clerk = GraphQLClient(strict_http, strict.token(Role.CLERK, "KF-DATA", "clerk-strict"))
    assert (await post(clerk, {"query": text})).json()["data"]["viewer"]["subject"] == "clerk-strict"


async def test_registered_only_holds_subscriptions_too(strict):
    token = strict.token(Role.APPLICANT, None, "citizen-strict-ws")
    sub = await Subscription.open(strict.port, token, "subscription { caseEvents(caseId: \"x\") { cursor } }")
    message = await sub.first_message()
    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "PERSISTED_DOCUMENT_REQUIRED"
    await sub.close()
