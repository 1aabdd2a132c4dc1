"""Messages in the caller's language: Simplified Chinese unless the caller's Accept-Language asks for English.

Codes and field paths are the same in both languages; answers carry Chinese as UTF-8, never `\\u` escapes. The
catalogue test checks that every marked message (hub.i18n) has a Chinese translation and that the compiled
catalogue the hub reads is the one its source says.
"""

import base64
import json
import string

import httpx
import pytest
import websockets
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from hub.enums import Role
from kaifeng_hub_client import HubClient, HubError, StaticToken
from tests import operations as ops
from tests.factories import individual_transfer
from tests.harness import CHECKOUT, ENGLISH
from tests.steps import signed

CHINESE_FIRST = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
CATALOGUE = CHECKOUT / "hub" / "locale" / "zh_CN" / "LC_MESSAGES"
DEEP = "{ viewer " + "{ subject " * 25 + "}" * 26


@pytest.fixture(scope="module")
async def caller(hub):  # type: ignore[no-untyped-def]
    """A client that states no language: it gets the hub's default."""
    async with httpx.AsyncClient(base_url=hub.url, timeout=30) as client:
        yield client


def bearer(hub, role: Role, org: str) -> dict:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {hub.token(role, org)}"}


async def submit_refusal(caller, hub, clerk, headers: dict) -> tuple[httpx.Response, dict]:  # type: ignore[no-untyped-def]
    data = await signed(clerk, individual_transfer())
    data["applicant"]["idNumber"] = "41020219880312003"  # 17 characters
    response = await caller.post("/graphql", json={"query": ops.SUBMIT, "variables": {"input": data}},
                                 headers={**bearer(hub, Role.CLERK, "KF-DATA"), **headers})
    errors = response.json()["data"]["submitCase"]["errors"]
    return response, next(e for e in errors if e["field"] == "applicant.idNumber")


async def test_a_validation_error_is_in_chinese_unless_english_is_asked_for(caller, hub, clerk):
    default, chinese = await submit_refusal(caller, hub, clerk, {})
    _, english = await submit_refusal(caller, hub, clerk, {"Accept-Language": "en-GB,en;q=0.9"})
    assert chinese == {"field": "applicant.idNumber", "code": "INVALID", "message": "必须是 18 位"}
    assert english == {"field": "applicant.idNumber", "code": "INVALID", "message": "must be 18 characters"}
    assert (await submit_refusal(caller, hub, clerk, CHINESE_FIRST))[1] == chinese
    assert default.headers["content-language"] == "zh-CN"
    assert "必须是 18 位".encode() in default.content and b"\\u" not in default.content  # UTF-8, not escaped


async def test_values_fill_the_translation_in_its_own_order(caller, hub):
    query = "{ cases(first: 500) { edges { node { id } } } }"
    chinese = (await caller.post("/graphql", json={"query": query}, headers=bearer(hub, Role.CLERK, "KF-DATA"))).json()
    english = (await caller.post("/graphql", json={"query": query},
                                 headers={**bearer(hub, Role.CLERK, "KF-DATA"), **ENGLISH})).json()
    assert chinese["errors"][0]["message"] == "first 必须在 1 到 100 之间"
    assert english["errors"][0]["message"] == "first must be between 1 and 100"


async def test_a_401_is_in_chinese_with_an_english_header(caller):
    response = await caller.post("/graphql", json={"query": "{ viewer { subject } }"})
    assert response.status_code == 401
    assert response.json()["errors"][0] == {"message": "缺少 Authorization: Bearer <token> 请求头",
                                            "extensions": {"code": "UNAUTHENTICATED"}}
    assert "缺少".encode() in response.content
    # a header is Latin-1: it keeps the English reason, for clients that read it
    assert "missing Authorization" in response.headers["www-authenticate"]
    english = await caller.post("/graphql", json={"query": "{ viewer { subject } }"}, headers=ENGLISH)
    assert english.json()["errors"][0]["message"] == "missing Authorization: Bearer <token> header"
    assert english.headers["content-language"] == "en"


async def test_a_403_is_in_chinese(caller, hub):
    clerk = bearer(hub, Role.CLERK, "KF-DATA")
    answer = (await caller.post("/graphql", json={"query": "{ workQueue { edges { node { id } } } }"},
                                headers=clerk)).json()
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert answer["errors"][0]["message"] == "工作队列供公用事业单位系统使用（UTILITY 角色）"
    upload = await caller.post("/files", content=b"%PDF-1.4", headers=bearer(hub, Role.UTILITY, "KF-WATER"))
    assert upload.status_code == 403
    assert upload.json()["errors"] == [{"field": None, "code": "FORBIDDEN", "message": "没有 Material.file 的写入（WRITE）授权"}]
    english = await caller.post("/files", content=b"%PDF-1.4", headers={**bearer(hub, Role.UTILITY, "KF-WATER"), **ENGLISH})
    assert english.json()["errors"][0]["message"] == "no WRITE grant for Material.file"


async def test_a_limit_refusal_is_in_chinese(caller, hub):
    response = await caller.post("/graphql", json={"query": DEEP}, headers=bearer(hub, Role.CLERK, "KF-DATA"))
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert error["message"] == "操作的字段嵌套 26 层；上限为 20（HUB_MAX_QUERY_DEPTH）"
    assert "操作的字段嵌套".encode() in response.content
    large = await caller.post("/graphql", content=b"x" * (hub.settings.max_body_bytes + 1),
                              headers={"Content-Type": "application/json"})
    assert large.status_code == 413
    assert large.json()["errors"][0]["message"] == f"请求体超过 {hub.settings.max_body_bytes} 字节（HUB_MAX_BODY_BYTES）"


async def ws_error(hub, *, headers: dict, init: dict) -> dict:  # type: ignore[no-untyped-def]
    """The `error` message of a subscription to a case that does not exist."""
    async with websockets.connect(f"ws://127.0.0.1:{hub.port}/graphql", subprotocols=["graphql-transport-ws"],
                                  additional_headers=headers) as socket:
        payload = {"Authorization": f"Bearer {hub.token(Role.CLERK, 'KF-DATA')}", **init}
        await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        unknown = base64.b64encode(b"Case:00000000-0000-0000-0000-000000000000").decode()
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription ($id: ID!) { caseEvents(caseId: $id) { cursor } }", "variables": {"id": unknown}}}))
        raw = await socket.recv()
        message = json.loads(raw)
        assert message["type"] in ("error", "next"), message
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        return {"raw": raw, **errors[0]}


async def test_a_websocket_error_is_in_chinese_unless_the_connection_asks_for_english(hub):
    chinese = await ws_error(hub, headers={}, init={})
    assert chinese["message"] == "办件不存在" and chinese["extensions"]["code"] == "NOT_FOUND"
    assert "办件不存在" in chinese["raw"]  # UTF-8 text frame, not \u escapes
    assert (await ws_error(hub, headers=ENGLISH, init={}))["message"] == "no such case"
    # connection_init's Accept-Language decides over the upgrade request's
    assert (await ws_error(hub, headers={}, init={"Accept-Language": "en"}))["message"] == "no such case"
    assert (await ws_error(hub, headers=ENGLISH, init={"Accept-Language": "zh-CN"}))["message"] == "办件不存在"


async def test_chinese_data_is_answered_as_utf8(caller, hub):
    response = await caller.post("/graphql", json={"query": "{ organisations { code name } }"},
                                 headers=bearer(hub, Role.CLERK, "KF-DATA"))
    names = [o["name"] for o in response.json()["data"]["organisations"]]
    assert "开封市城市水务集团有限公司" in names
    assert "开封市城市水务集团有限公司".encode() in response.content and b"\\u" not in response.content


async def test_the_python_client_asks_for_the_language_it_is_given(hub):
    token = StaticToken(hub.token(Role.UTILITY, "KF-WATER"))
    query = "{ workQueue(first: 500) { edges { node { id } } } }"
    for language, expected in ((None, "first 必须在 1 到 100 之间"), ("en", "first must be between 1 and 100")):
        async with HubClient(hub.url, token, language=language) as client:
            with pytest.raises(HubError) as refused:
                await client.query(query)
        assert refused.value.errors[0]["message"] == expected
        assert refused.value.errors[0]["extensions"]["code"] == "INVALID"


def _placeholders(text: str) -> set[str]:
    return {f"{name}:{spec}" for _, name, spec, _ in string.Formatter().parse(text) if name is not None}


def test_every_marked_message_has_a_chinese_translation_and_the_compiled_catalogue_matches():
    marked = {message for _, _, message, _, _ in extract_from_dir(
        CHECKOUT / "hub", keywords={"_l": None}, comment_tags=())}
    with (CATALOGUE / "hub.po").open("rb") as source:
        catalogue = read_po(source)
    translated = {m.id: m.string for m in catalogue if m.id}
    fuzzy = sorted(m.id for m in catalogue if m.id and m.fuzzy)
    assert marked, "no marked messages found"
    assert sorted(marked - translated.keys()) == [], "marked but not in hub.po: run `make messages`"
    assert sorted(k for k in marked if not translated.get(k)) == [], "untranslated in hub.po"
    assert fuzzy == [], "fuzzy translations are not used: review them and remove the fuzzy flag"
    assert sorted(translated.keys() - marked) == [], "in hub.po but no longer in the code: run `make messages`"
    assert {k: _placeholders(v) for k, v in translated.items()} == {k: _placeholders(k) for k in translated}
    compiled_file = CATALOGUE / "hub.mo"
    assert compiled_file.exists(), "hub.mo is missing: run `make setup` or `make messages`"
    with compiled_file.open("rb") as compiled:
        assert {m.id: m.string for m in read_mo(compiled) if m.id} == translated, \
            "hub.mo is older than hub.po: run `make messages`"
