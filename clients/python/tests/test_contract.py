"""Every document the client and the agent send is valid against the hub's schema, variables included.

Where `schema/hub.graphql` does not have them yet, the subscription fields and the `idempotencyKey`
inputs are added as the contract describes them, so this test follows the server once it lands.
"""

import json
from pathlib import Path

import httpx
from graphql import GraphQLSchema, build_schema, extend_schema, parse, validate
from graphql.execution.values import get_variable_values
from graphql.language import OperationDefinitionNode

from kaifeng_hub_client import HubClient, StaticToken
from kaifeng_hub_client.agent import AGENT_FIELDS
from kaifeng_hub_client.subscribe import ASSIGNMENT_EVENTS, CASE_EVENTS, RESULT_EVENTS

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "schema" / "hub.graphql"
SUBSCRIPTIONS = """
type AssignmentEvent { cursor: String! kind: String! occurredAt: DateTime! assignment: Assignment }
type CaseEvent { cursor: String! kind: String! occurredAt: DateTime! case: Case }
type ResultEvent { cursor: String! kind: String! occurredAt: DateTime! assignment: Assignment case: Case }
type Subscription {
  assignmentEvents(after: String): AssignmentEvent!
  caseEvents(caseId: ID!, after: String): CaseEvent!
  resultEvents(after: String): ResultEvent!
}
"""
WRITE_INPUTS = ("AssignmentWriteInput", "AssignmentReasonInput", "CompleteAssignmentInput")


def contract_schema() -> GraphQLSchema:
    schema = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    additions = [f"extend input {name} {{ idempotencyKey: String }}"
                 for name in WRITE_INPUTS if "idempotencyKey" not in schema.type_map[name].fields]  # type: ignore[union-attr]
    if schema.subscription_type is None:
        additions.append(SUBSCRIPTIONS)
    return extend_schema(schema, parse("\n".join(additions))) if additions else schema


def check(schema: GraphQLSchema, document: str, variables: dict) -> None:
    ast = parse(document)
    assert validate(schema, ast) == [], document
    operation = next(d for d in ast.definitions if isinstance(d, OperationDefinitionNode))
    coerced = get_variable_values(schema, operation.variable_definitions or [], variables)
    assert not isinstance(coerced, list), (coerced, variables)


async def test_documents_and_variables_match_the_schema():
    schema = contract_schema()
    sent: list[dict] = []

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        sent.append(body)
        if "workQueue" in body["query"]:
            data = {"workQueue": {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}}
        elif "node(" in body["query"]:
            data = {"node": None}
        else:
            mutation = body["query"].split("{", 1)[1].split("(", 1)[0].strip()
            data = {mutation: {"assignment": {"id": "A", "status": "RECEIVED", "version": 2}, "errors": []}}
        return httpx.Response(200, json={"data": data})

    async with HubClient("http://hub", StaticToken("t"), transport=httpx.MockTransport(answer)) as hub:
        [_ async for _ in hub.work_queue(statuses=["PENDING", "RECEIVED"], service="GAS")]
        await hub.assignment("QXNzaWdubWVudDox")
        await hub.assignment("QXNzaWdubWVudDox", AGENT_FIELDS)
        await hub.acknowledge("QXNzaWdubWVudDox", 1)
        await hub.accept("QXNzaWdubWVudDox", 2)
        await hub.request_materials("QXNzaWdubWVudDox", 3, "请补充不动产权证书")
        await hub.complete("QXNzaWdubWVudDox", 3, "G-1001", remarks="已通气")
        await hub.complete("QXNzaWdubWVudDox", 3, "G-1001")
        await hub.reject("QXNzaWdubWVudDox", 3, "不在供气范围")
        await hub.confirm_preconditions("QXNzaWdubWVudDox", 3, {"GAS_SAFETY_CHECK_DONE": "2026-11-20",
                                                               "GAS_FEES_SETTLED": "2026-11-21"})
    assert len(sent) == 10
    for body in sent:
        check(schema, body["query"], body["variables"])
    check(schema, ASSIGNMENT_EVENTS, {"after": None})
    check(schema, CASE_EVENTS, {"caseId": "Q2FzZTox", "after": "17"})
    check(schema, RESULT_EVENTS, {"after": "17"})
