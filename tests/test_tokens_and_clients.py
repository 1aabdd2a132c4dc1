"""Client credentials (/oauth/token) and external OIDC issuers (JWKS)."""

import base64

from hub.enums import Role
from tests.harness import GraphQLClient

VIEWER = "query { viewer { subject organisation roles } }"
REGISTER = """mutation ($input: RegisterOAuthClientInput!) { registerOAuthClient(input: $input) {
  client { clientId organisationCode roles secretGeneration enabled } clientSecret errors { field code message } } }"""
ROTATE = "mutation ($id: String!) { rotateOAuthClientSecret(clientId: $id) { client { secretGeneration } clientSecret errors { code } } }"
DISABLE = "mutation ($id: String!) { disableOAuthClient(clientId: $id) { client { enabled } errors { code } } }"


async def _token(http, client_id: str, secret: str, *, basic: bool = True):  # type: ignore[no-untyped-def]
    if basic:
        auth = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        return await http.post("/oauth/token", data={"grant_type": "client_credentials"},
                               headers={"Authorization": f"Basic {auth}"})
    return await http.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": client_id,
                                                 "client_secret": secret})


async def _register(governance: GraphQLClient, **changes) -> dict:  # type: ignore[no-untyped-def]
    payload = (await governance.run(REGISTER, {"input": {"name": "燃气营业系统", "organisation": "KF-GAS",
                                                         "roles": ["UTILITY"], **changes}}))["registerOAuthClient"]
    return payload


async def test_client_credentials_life(http, as_role):
    governance = as_role(Role.GOVERNANCE, "KF-DATA", "gov-zhao")
    registered = await _register(governance)
    assert registered["errors"] == [] and registered["client"]["enabled"] is True
    client_id, secret = registered["client"]["clientId"], registered["clientSecret"]

    issued = await _token(http, client_id, secret)
    assert issued.status_code == 200 and issued.headers["cache-control"] == "no-store"
    body = issued.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    machine = GraphQLClient(http, body["access_token"])
    assert (await machine.run(VIEWER))["viewer"] == {"subject": f"client:{client_id}", "organisation": "KF-GAS",
                                                      "roles": ["UTILITY"]}
    assert (await _token(http, client_id, secret, basic=False)).status_code == 200  # client_secret_post too

    rotated = (await governance.run(ROTATE, {"id": client_id}))["rotateOAuthClientSecret"]
    assert rotated["client"]["secretGeneration"] == 2 and rotated["clientSecret"] != secret
    assert (await machine.raw(VIEWER)).status_code == 401  # tokens of the old secret stop at once
    assert (await _token(http, client_id, secret)).json()["error"] == "invalid_client"
    fresh = GraphQLClient(http, (await _token(http, client_id, rotated["clientSecret"])).json()["access_token"])
    assert (await fresh.run(VIEWER))["viewer"]["organisation"] == "KF-GAS"

    assert (await governance.run(DISABLE, {"id": client_id}))["disableOAuthClient"]["client"]["enabled"] is False
    refused = await fresh.raw(VIEWER)
    assert refused.status_code == 401 and "disabled" in refused.json()["errors"][0]["message"]
    assert (await _token(http, client_id, rotated["clientSecret"])).status_code == 401


async def test_token_endpoint_errors(http):
    assert (await http.post("/oauth/token", data={})).json()["error"] == "invalid_request"
    assert (await http.post("/oauth/token", data={"grant_type": "password"})).json()["error"] == "unsupported_grant_type"
    missing = await http.post("/oauth/token", data={"grant_type": "client_credentials"})
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Basic")
    unknown = await _token(http, "hub-nobody", "guess")
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_client"


async def test_registration_rules(as_role):
    governance = as_role(Role.GOVERNANCE, "KF-DATA")
    bad = await _register(governance, organisation="KF-NOWHERE", roles=["GOVERNANCE"])
    assert {e["field"] for e in bad["errors"]} == {"organisation", "roles"}
    utility_for_government = await _register(governance, organisation="KF-DATA")
    assert utility_for_government["errors"][0]["field"] == "roles"
    not_governance = await _register(as_role(Role.UTILITY, "KF-GAS"))
    assert not_governance["errors"][0]["code"] == "FORBIDDEN"


async def test_external_issuer_tokens_are_verified_by_jwks(http, sso):
    token = sso.token(subject="wang@sso", roles=["CLERK"], org="KF-DATA")
    viewer = (await GraphQLClient(http, token).run(VIEWER))["viewer"]
    assert viewer == {"subject": "wang@sso", "organisation": "KF-DATA", "roles": ["CLERK"]}

    sso.rotate()  # the issuer rolls its key: a token with the new key id makes the hub refetch
    fetches = sso.fetches
    rotated = sso.token(subject="li@sso", roles=["SUPERVISOR"], org="KF-CGJ")
    assert (await GraphQLClient(http, rotated).run(VIEWER))["viewer"]["subject"] == "li@sso"
    assert sso.fetches == fetches + 1

    wrong_audience = sso.token(subject="x", roles=["CLERK"], audience="another-api")
    assert (await GraphQLClient(http, wrong_audience).raw(VIEWER)).status_code == 401
    from joserfc.jwk import RSAKey

    forged_key = RSAKey.generate_key(2048, parameters={"kid": sso.key.kid}, private=True)
    forged = sso.token(subject="mallory", roles=["GOVERNANCE"], key=forged_key)
    assert (await GraphQLClient(http, forged).raw(VIEWER)).status_code == 401
