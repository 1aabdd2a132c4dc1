"""The compiled read path is indistinguishable from the executor.

Two hubs on one database, one with HUB_COMPILED_READS on (the session's hub) and one with it off, answer the
same documents for the same callers: every read document the suite, the clients, the benchmarks and the
README use, and a generated set per role over the Case and Assignment types of the schema (random fields,
nesting, aliases, fragments, directives, pagination, filters, bad arguments). Responses must be identical —
data, nulls, errors, status — and so must the audit's READ records each caller leaves (same cases, items
and grants).
"""

import importlib.util
import json
import random
import re
from collections import Counter
from pathlib import Path

import httpx
import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, get_named_type

from hub.config import Settings
from hub.enums import Role
from hub.graphql.schema import schema
from tests import factories, operations as ops
from tests.harness import CHECKOUT, ENGLISH, GraphQLClient, RunningHub
from tests.steps import MY_CASES, by_service, finish, move, submit, uploaded, with_account

APPLICANT = "app-compiled-reads"
AUDIT = """query ($after: String, $subject: String) {
  auditRecords(filter: {subject: $subject, kind: "READ"}, first: 100, after: $after) {
    edges { node { id operation caseId items grants outcome organisation } } hasNextPage endCursor } }"""
# Values that differ between two requests a moment apart whoever answers: signed links, a running clock.
MOMENTARY = ("downloadUrl", "applicationFormUrl", "workingDaysUsed")


@pytest.fixture(scope="module")
def executor_hub(hub, database_url):  # type: ignore[no-untyped-def]
    """The same hub with the compiled read path switched off: the reference."""
    settings = Settings(environment="embedded", database_url=database_url, data_dir=hub.settings.data_dir,
                        compiled_reads=False)
    running = RunningHub(settings).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
async def seeded(hub, http, clerk, utilities):  # type: ignore[no-untyped-def]
    """Cases through several channels and stages: results, 补正, a rejection, files, an enterprise with agent."""
    data = factories.enterprise_connection()
    data["materials"][0]["file"] = {"sha256": (await uploaded(clerk, b"%PDF-1.4 compiled reads"))["sha256"]}
    enterprise = await submit(clerk, data)
    own = await submit(clerk, with_account(APPLICANT))
    platform = GraphQLClient(http, hub.token(Role.PLATFORM, "KF-DATA", "platform-reads"))
    pushed = await submit(platform, factories.individual_transfer(channel="GOVERNMENT_PLATFORM"))
    own_services = by_service(own)
    await finish(utilities["WATER"], own_services["WATER"], "W-NEW-0001")
    gas = await move(utilities["GAS"], ops.ACKNOWLEDGE, own_services["GAS"])
    await move(utilities["GAS"], ops.REQUEST_MATERIALS, gas, reason="缺少燃气安全检查记录")
    heating = await move(utilities["HEATING"], ops.ACKNOWLEDGE, by_service(enterprise)["HEATING"])
    await move(utilities["HEATING"], ops.REJECT, heating, reason="不在供热范围")
    await finish(utilities["ELECTRICITY"], by_service(pushed)["ELECTRICITY"], "E-NEW-0002")
    return {"cases": [enterprise, own, pushed]}


def callers(hub) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A token per role (each utility), and principals holding two roles."""
    tokens = {
        "APPLICANT": hub.token(Role.APPLICANT, None, APPLICANT),
        "CLERK": hub.token(Role.CLERK, "KF-DATA", "clerk-reads"),
        "PLATFORM": hub.token(Role.PLATFORM, "KF-DATA", "platform-reads"),
        "GOVERNANCE": hub.token(Role.GOVERNANCE, "KF-DATA", "governance-reads"),
        "SUPERVISOR": hub.token(Role.SUPERVISOR, "KF-URBAN", "supervisor-reads"),
        "UTILITY+PLATFORM": hub.roles_token([Role.UTILITY, Role.PLATFORM], "KF-WATER", "water-platform-reads"),
        "APPLICANT+CLERK": hub.roles_token([Role.APPLICANT, Role.CLERK], "KF-DATA", APPLICANT),
    }
    for org in ("KF-WATER", "KF-POWER", "KF-GAS", "KF-HEAT", "KF-TELECOM"):
        tokens[f"UTILITY {org}"] = hub.token(Role.UTILITY, org, f"operator-reads-{org.lower()}")
    return tokens


# ------------------------------------------------------------------------------------------ the documents

def _module(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def suite_documents() -> list[str]:
    """The read documents the tests, benchmarks, clients and README send."""
    from kaifeng_hub_client.client import ASSIGNMENT_FIELDS

    documents = [ops.CASE, ops.CASE_BY_NUMBER, ops.CASES, ops.WORK_QUEUE, MY_CASES,
                 _module(CHECKOUT / "bench" / "api_throughput.py").MY_CASES,
                 "query($filter: WorkQueueFilterInput, $first: Int!, $after: String) {"
                 " workQueue(filter: $filter, first: $first, after: $after) {"
                 f" edges {{ cursor node {{ {ASSIGNMENT_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"]
    persisted = json.loads((CHECKOUT / "clients/typescript/src/generated/persisted-documents.json").read_text())
    documents += [d for d in persisted.values() if re.search(r"\bquery\b", d) and re.search(r"\b(cases|case|caseByNumber|workQueue)\(", d)]
    for doc in [CHECKOUT / "README.md", *sorted((CHECKOUT / "docs").glob("*.md"))]:
        for block in re.findall(r"```graphql\n(.*?)```", doc.read_text(), re.S):
            for query in re.findall(r"^query\b.*?(?=^\S|\Z)", block, re.S | re.M):
                if re.search(r"\b(cases|case|caseByNumber|workQueue)\(", query):
                    documents.append(query)
    return list(dict.fromkeys(documents))


class Generator:
    """Random read documents over the schema's Case and Assignment types."""

    SKIPPED = {"organisation", "district", "type", "types", "services"}  # reference data: the executor's either way

    def __init__(self, rng: random.Random, cases: list[dict]):
        self.rng = rng
        self.cases = cases
        self.types = schema._schema.type_map

    def selection(self, type_name: str, depth: int) -> str:
        fields = self.types[type_name].fields
        if type_name == "MaterialsCheck" and self.rng.random() < 0.5:
            return "complete"  # what the utilities' client asks of it
        names = [n for n, f in fields.items() if not f.args and n not in self.SKIPPED]
        chosen = self.rng.sample(names, k=self.rng.randint(1, min(6, len(names))))
        parts = []
        for name in chosen:
            named = get_named_type(fields[name].type)
            if isinstance(named, GraphQLObjectType):
                if depth == 0:
                    continue
                part = f"{name} {{ {self.selection(named.name, depth - 1)} }}"
            else:
                part = name
            if self.rng.random() < 0.15:
                part = f"a{self.rng.randint(0, 99)}_{name}: {part}"
            if self.rng.random() < 0.08:
                part = f"{part} @include(if: {self.rng.choice(['true', 'false'])})"
            parts.append(part)
        if self.rng.random() < 0.1:
            parts.append("__typename")
        text = " ".join(parts) or "__typename"
        if self.rng.random() < 0.1:
            text = f"... on {type_name} {{ {text} }}"
        return text

    def root(self) -> str:
        kind = self.rng.choice(["cases", "cases", "case", "caseByNumber", "workQueue", "node"])
        if kind == "node":
            target = self.rng.choice(self.cases)
            target = self.rng.choice([target, *target["assignments"]])
            return (f'node(id: "{target["id"]}") {{ id ... on Case {{ {self.selection("Case", 2)} }} '
                    f'... on Assignment {{ {self.selection("Assignment", 2)} }} }}')
        if kind in ("case", "caseByNumber"):
            target = self.rng.choice(self.cases)
            argument = f'id: "{target["id"]}"' if kind == "case" else f'number: "{target["number"].lower()}"'
            if self.rng.random() < 0.1:
                argument = 'id: "Q2FzZTpub3BlCg=="' if kind == "case" else 'number: "KF00000000-NOPE"'
            return f"{kind}({argument}) {{ {self.selection('Case', 3)} }}"
        node = "Case" if kind == "cases" else "Assignment"
        arguments = [f"first: {self.rng.choice([1, 2, 3, 20, 20, 0, 101])}"]
        if self.rng.random() < 0.3:
            arguments.append(f"filter: {self.filter(kind)}")
        if self.rng.random() < 0.1:
            arguments.append('after: "bm90IGEgY3Vyc29y"')
        edges = f"edges {{ cursor node {{ {self.selection(node, 3)} }} }}"
        page = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
        body = self.rng.choice([f"{edges} {page}", edges, page, f"__typename {edges}"])
        return f"{kind}({', '.join(arguments)}) {{ {body} }}"

    def filter(self, kind: str) -> str:
        options = ['statuses: [IN_PROGRESS, COMPLETED]', 'service: WATER', 'service: GAS', 'statuses: []']
        if kind == "cases":
            options += ['caseType: TRANSFER', 'districtCode: "410212"', 'submittedFrom: "2020-01-01T00:00:00+08:00"']
        else:
            options += ['statuses: [PENDING]', 'createdBefore: "2100-01-01T00:00:00+08:00"']
        return "{ " + ", ".join(self.rng.sample(options, k=self.rng.randint(1, 2))) + " }"

    def document(self) -> str:
        roots = [self.root()]
        if self.rng.random() < 0.2:
            roots.append(f"second: {self.root()}")
        return "query { " + " ".join(roots) + " }"


def variables_for(document: str, cases: list[dict], rng: random.Random) -> dict:
    """Values for the variables a suite document declares."""
    chosen = rng.choice(cases)
    values: dict = {}
    for name, type_name in re.findall(r"\$(\w+)\s*:\s*([\w!\[\]]+)", document):
        if type_name.startswith("ID"):
            values[name] = chosen["id"]
        elif name in ("n", "number"):
            values[name] = chosen["number"]
        elif name == "first":
            values[name] = rng.choice([1, 2, 20])
        elif name == "filter" and rng.random() < 0.3:
            values[name] = {"statuses": ["IN_PROGRESS", "NEEDS_MATERIALS", "COMPLETED", "SUBMITTED"]}
    return values


# ------------------------------------------------------------------------------------------ comparing

def _steady(value):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        return {k: ("<momentary>" if k in MOMENTARY and v is not None else _steady(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_steady(v) for v in value]
    return value


async def _answer(client: httpx.AsyncClient, token: str, document: str, variables: dict) -> tuple[int, object]:
    response = await client.post("/graphql", json={"query": document, "variables": variables},
                                 headers={"Authorization": f"Bearer {token}"})
    return response.status_code, _steady(response.json())


async def _reads(http: httpx.AsyncClient, governance: str, subject: str) -> Counter:
    """Every READ record of `subject`, as (id, record without its id and time)."""
    found, after = Counter(), None
    while True:
        response = await http.post("/graphql", json={"query": AUDIT, "variables": {"after": after, "subject": subject}},
                                   headers={"Authorization": f"Bearer {governance}"})
        page = response.json()["data"]["auditRecords"]
        for edge in page["edges"]:
            node = edge["node"]
            found[(node.pop("id"), json.dumps(node, sort_keys=True, ensure_ascii=False))] += 1
        if not page["hasNextPage"]:
            return found
        after = page["endCursor"]


def _without_ids(records: Counter) -> Counter:
    return Counter(record for (_, record), n in records.items() for _ in range(n))


async def _compiled_count(client: httpx.AsyncClient) -> float:
    metrics = (await client.get("/metrics")).text
    match = re.search(r'hub_graphql_read_path_total\{path="compiled"\} (\S+)', metrics)
    return float(match.group(1)) if match else 0.0


async def test_compiled_reads_answer_as_the_executor_does(hub, http, executor_hub, seeded, caplog):
    cases = seeded["cases"]
    rng = random.Random(20261127)
    governance = hub.token(Role.GOVERNANCE, "KF-DATA", "audit-reader")
    compiled_before = await _compiled_count(http)
    documents = suite_documents()
    assert len(documents) >= 10, documents
    async with httpx.AsyncClient(base_url=executor_hub.url, timeout=30, headers=ENGLISH) as reference:
        for role, token in callers(hub).items():
            generator = Generator(random.Random(f"{role}-20261127"), cases)
            work = [(d, variables_for(d, cases, rng)) for d in documents] + \
                   [(generator.document(), {}) for _ in range(10)]
            subject, answers = _subject(token), {}
            before = await _reads(http, governance, subject)
            for document, variables in work:
                answers[(document, json.dumps(variables))] = await _answer(http, token, document, variables)
            middle = await _reads(http, governance, subject)
            for document, variables in work:
                expected = await _answer(reference, token, document, variables)
                assert answers[(document, json.dumps(variables))] == expected, (role, document, variables)
            compiled_reads, executor_reads = middle - before, await _reads(http, governance, subject) - middle
            compiled_records, executor_records = _without_ids(compiled_reads), _without_ids(executor_reads)
            assert compiled_records == executor_records, (role, compiled_records - executor_records,
                                                          executor_records - compiled_records)
    assert await _compiled_count(http) - compiled_before >= 50  # much of it did take the compiled path
    faults = [r.getMessage() for r in caplog.records if r.name == "hub.graphql.compiled"]
    assert not faults, faults  # declined only by design, never after a fault


def _subject(token: str) -> str:
    import base64

    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


async def test_the_my_cases_page_is_one_compiled_statement(hub, http, executor_hub, seeded):
    """The page the app shows (and the benchmark measures) takes the compiled path; switched off, never."""
    my_cases = _module(CHECKOUT / "bench" / "api_throughput.py").MY_CASES
    own = seeded["cases"][1]
    token = hub.token(Role.APPLICANT, None, APPLICANT)
    before = await _compiled_count(http)
    page = await GraphQLClient(http, token).run(my_cases)
    assert [edge["node"]["number"] for edge in page["cases"]["edges"]] == [own["number"]]
    assert {a["service"]: a["result"] for a in page["cases"]["edges"][0]["node"]["assignments"]}["WATER"] == {
        "accountNumber": "W-NEW-0001"}
    assert await _compiled_count(http) == before + 1
    async with httpx.AsyncClient(base_url=executor_hub.url, timeout=30, headers=ENGLISH) as reference:
        assert await GraphQLClient(reference, token).run(my_cases) == page
        assert await _compiled_count(reference) == 0
