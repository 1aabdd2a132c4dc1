"""Tokens at the door: HTTP bearer and the WebSocket connection_init."""

import json
import time

import pytest
import websockets
from joserfc import jwt
from joserfc.jwk import ECKey

from hub.enums import Role
from tests.harness import ENGLISH

VIEWER = "query { viewer { subject organisation roles } }"


async def test_missing_token_is_401_with_reason(http):
    response = await http.post("/graphql", json={"query": VIEWER})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Authorization" in response.json()["errors"][0]["message"]
    assert response.headers["www-authenticate"].startswith("Bearer")


def _claims(hub, **changes) -> dict:  # type: ignore[no-untyped-def]
    now = int(time.time())
    claims = {"iss": hub.settings.issuer, "aud": hub.settings.audience, "sub": "someone", "iat": now,
              "exp": now + 60, "roles": ["CLERK"], "org": "KF-DATA"}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(hub, claims: dict, key=None) -> str:  # type: ignore[no-untyped-def]
    key = key or hub.app.state.tokens.key
    return jwt.encode({"alg": "ES256", "kid": key.kid}, claims, key)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"exp": int(time.time()) - 120}, "expired"),
        ({"aud": "someone-else"}, "aud"),
        ({"iss": "https://evil.example"}, "iss"),
        ({"nbf": int(time.time()) + 3600}, "not yet valid"),
        ({"roles": ["EMPEROR"]}, "unknown role"),
        ({"exp": None}, "exp"),
    ],
)
async def test_bad_claims_are_refused(hub, http, changes, reason):
    token = _sign(hub, _claims(hub, **changes))
    response = await http.post("/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert reason in response.json()["errors"][0]["message"]


async def test_foreign_key_and_unsigned_tokens_are_refused(hub, http):
    stranger = ECKey.generate_key("P-256", parameters={"kid": "stranger"}, private=True)
    header, payload, _signature = _sign(hub, _claims(hub)).split(".")
    unsigned = f"{header}.{payload}."
    for token in (_sign(hub, _claims(hub), stranger), unsigned, "garbage"):
        response = await http.post("/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token


async def test_a_good_token_names_the_principal(as_role):
    viewer = (await as_role(Role.UTILITY, "KF-GAS", "gas-bot").run(VIEWER))["viewer"]
    assert viewer == {"subject": "gas-bot", "organisation": "KF-GAS", "roles": ["UTILITY"]}


async def test_graphiql_page_is_served_without_a_token(http):
    response = await http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()


async def test_jwks_publishes_the_public_key_only(http):
    keys = (await http.get("/.well-known/jwks.json")).json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "EC" and "d" not in keys[0]


async def _ws(hub, token: str | None):  # type: ignore[no-untyped-def]
    socket = await websockets.connect(f"ws://127.0.0.1:{hub.port}/graphql", subprotocols=["graphql-transport-ws"], additional_headers=ENGLISH)
    await socket.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"} if token else {}}))
    return socket


async def test_websocket_authenticates_at_connection_init(hub):
    socket = await _ws(hub, hub.token(Role.PLATFORM, "KF-DATA", "platform-1"))
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": VIEWER}}))
    message = json.loads(await socket.recv())
    assert message["type"] == "next" and message["payload"]["data"]["viewer"]["subject"] == "platform-1"
    assert json.loads(await socket.recv())["type"] == "complete"
    await socket.close()


async def test_websocket_without_a_valid_token_is_closed(hub):
    for token in (None, "garbage"):
        socket = await _ws(hub, token)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await socket.recv()
        assert closed.value.rcvd.code == 4403
