"""Common steps, each asserting what the caller would check."""

from datetime import datetime, timedelta, timezone

from tests import factories
from tests import operations as ops
from tests.harness import GraphQLClient


SHOWN = "{ commitmentTexts { form version } privacyNotice { sha256 } }"
WINDOWS = {"CITIZEN_CENTRE_WINDOW", "UTILITY_HALL"}
ONLINE = {"MOBILE_APP", "GOVERNMENT_PORTAL"}


async def signed(client: GraphQLClient, data: dict) -> dict:
    """The application as a client sends it: with the applicant's commitment to the text in force for its form,
    having been shown the current personal-information notice (what is already given is kept; an explicit
    `commitment: None` stays None)."""
    if "commitment" in data and data["commitment"] is None:
        return data
    return signed_as_shown(await client.run(SHOWN), data)


def signed_as_shown(shown: dict, data: dict) -> dict:
    """The same, given what SHOWN answered."""
    given = data.get("commitment") or {}
    online = data.get("channel") in ONLINE
    commitment = {
        "version": _version_for(shown["commitmentTexts"], data),
        "channel": "ONLINE_CONSENT" if online else "WINDOW_SIGNATURE",
        "identityVerification": "REAL_NAME_LOGIN" if online else "ID_CARD_CHECKED",
        "noticeSha256": shown["privacyNotice"]["sha256"],
    }
    return {**data, "commitment": {**commitment, **given}}


def _version_for(texts: list[dict], data: dict) -> str | None:
    kind = (data.get("applicant") or {}).get("kind")
    form = "TRANSFER" if data.get("caseType") == "TRANSFER" else f"CONNECTION_{kind}"
    return next((t["version"] for t in texts if t["form"] == form), None)
KAIFENG = timezone(timedelta(hours=8))


async def submit(client: GraphQLClient, data: dict) -> dict:
    payload = (await client.run(ops.SUBMIT, {"input": await signed(client, data)}))["submitCase"]
    assert payload["errors"] == [], payload["errors"]
    return payload["case"]


async def submit_errors(client: GraphQLClient, data: dict) -> list[dict]:
    payload = (await client.run(ops.SUBMIT, {"input": await signed(client, data)}))["submitCase"]
    assert payload["case"] is None
    return payload["errors"]


async def write(client: GraphQLClient, operation: str, **input_fields) -> dict:
    data = await client.run(operation, {"input": input_fields})
    return next(iter(data.values()))


async def move(client: GraphQLClient, operation: str, assignment: dict, **extra) -> dict:
    """Apply a write-back that must succeed; returns the updated assignment."""
    payload = await write(client, operation, assignmentId=assignment["id"], expectedVersion=assignment["version"], **extra)
    assert payload["errors"] == [], payload["errors"]
    return payload["assignment"]


async def finish(client: GraphQLClient, assignment: dict, account: str) -> dict:
    assignment = await move(client, ops.ACKNOWLEDGE, assignment)
    assignment = await confirm_preconditions(client, await move(client, ops.ACCEPT, assignment))
    return await move(client, ops.COMPLETE, assignment, result={"accountNumber": account, "remarks": "办结"})


async def confirm_preconditions(client: GraphQLClient, assignment: dict, on: str | None = None) -> dict:
    """The utility confirms what the catalogue asks before completing (a gas transfer: safety check, fees settled),
    as met on the day of the assignment's last change (the hub's clock) unless `on` says when; an assignment
    without preconditions is returned as it is."""
    state = (await client.run(ops.PRECONDITIONS, {"id": assignment["id"]}))["node"]
    unmet = [p["code"] for p in state["preconditions"] if not p["met"]]
    if not unmet:
        return assignment
    day = on or datetime.fromisoformat(state["updatedAt"]).astimezone(KAIFENG).date().isoformat()
    return await move(client, ops.CONFIRM_PRECONDITIONS, {**assignment, "version": state["version"]},
                      preconditions=[{"code": code, "on": day} for code in unmet])


def by_service(case: dict) -> dict:
    return {a["service"]: a for a in case["assignments"]}


MY_CASES = "query { cases(first: 20) { edges { node { number } } } }"


def with_account(account: str, **changes) -> dict:  # type: ignore[no-untyped-def]
    """A transfer filed for the app user `account`: that user's case list shows what was written for them."""
    data = factories.individual_transfer(**changes)
    data["applicant"]["subject"] = account
    return data


async def cases_of(applicant: GraphQLClient) -> list[dict]:
    return (await applicant.run(MY_CASES))["cases"]["edges"]
async def upload(client: GraphQLClient, content: bytes, content_type: str = "application/octet-stream"):  # type: ignore[no-untyped-def]
    """POST /files as this caller; returns the response (201 with {sha256, size, contentType} when accepted)."""
    headers = {"Content-Type": content_type}
    if client.token:
        headers["Authorization"] = f"Bearer {client.token}"
    return await client.http.post("/files", content=content, headers=headers)


async def uploaded(client: GraphQLClient, content: bytes) -> dict:
    response = await upload(client, content)
    assert response.status_code == 201, response.text
    return response.json()
