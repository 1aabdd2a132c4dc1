"""The subscription's resume and close-code handling, against the fake hub's graphql-transport-ws endpoint."""

import pytest

from fakehub import FakeHub
from kaifeng_hub_client import AccessRevoked, CursorStore, HubClient, StaticToken, SubscriptionClosed
from kaifeng_hub_client.backoff import Backoff
from kaifeng_hub_client.subscribe import ASSIGNMENT_EVENTS, subscribe

FAST = Backoff(base=0.01, cap=0.05)


class Tokens:
    """A renewable token source handing out token-1, token-2, …"""

    def __init__(self) -> None:
        self.issued = 0
        self.expired: list[str] = []

    async def token(self) -> str:
        if not self.issued or f"token-{self.issued}" in self.expired:
            self.issued += 1
        return f"token-{self.issued}"

    def expire(self, token: str) -> bool:
        self.expired.append(token)
        return True


def _events(client, store, from_beginning=True):  # type: ignore[no-untyped-def]
    return subscribe(client, store, "assignments", ASSIGNMENT_EVENTS, "assignmentEvents",
                     from_beginning=from_beginning, backoff=FAST)


async def _take(events, count: int, ack: set[str] | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    seen = []
    async for event in events:
        seen.append(event.cursor)
        if ack is None or event.cursor in ack:
            event.ack()
        if len(seen) == count:
            break
    await events.aclose()
    return seen


@pytest.fixture
def fake() -> FakeHub:
    hub = FakeHub()
    for number in ("KF20261127-AAAA0001", "KF20261127-AAAA0002", "KF20261127-AAAA0003"):
        hub.add_assignment(number)
    return hub


async def test_dropped_subscriber_resumes_after_the_last_acknowledged_event(fake, serve, tmp_path):
    fake.close_after = [(2, 4499)]  # the hub drops us after two events, as a slow consumer
    with CursorStore(tmp_path / "s.sqlite3") as store:
        async with HubClient(serve(fake.app()), StaticToken("good")) as client:
            seen = await _take(_events(client, store), 4, ack={"1", "3"})
        assert seen == ["1", "2", "2", "3"]  # event 2 was never acknowledged: delivered again
        assert fake.subscribed_after == ["0", "1"]
        assert store.cursor("assignments") == "3"
    assert fake.pongs == 2  # each connection's ping was answered


async def test_a_restart_resumes_from_the_stored_cursor(fake, serve, tmp_path):
    with CursorStore(tmp_path / "s.sqlite3") as store:
        store.commit("assignments", "2")
        async with HubClient(serve(fake.app()), StaticToken("good")) as client:
            seen = await _take(_events(client, store), 1)
    assert seen == ["3"]
    assert fake.subscribed_after == ["2"]


async def test_without_a_cursor_only_live_events_are_asked_for(fake, serve, tmp_path):
    fake.close_after = [(0, 1001), (0, 4400)]  # a reconnect, then an end to the test
    with CursorStore(tmp_path / "s.sqlite3") as store:
        async with HubClient(serve(fake.app()), StaticToken("good")) as client:
            with pytest.raises(SubscriptionClosed):
                await _take(_events(client, store, from_beginning=False), 1)
    assert fake.subscribed_after == [None, None]


async def test_network_drop_reconnects(fake, serve, tmp_path):
    fake.close_after = [(1, 1011), (0, 1001)]
    with CursorStore(tmp_path / "s.sqlite3") as store:
        async with HubClient(serve(fake.app()), StaticToken("good")) as client:
            seen = await _take(_events(client, store), 3)
    assert seen == ["1", "2", "3"]
    assert fake.subscribed_after == ["0", "1", "1"]


async def test_4403_renews_the_token_and_reconnects(fake, serve, tmp_path):
    tokens = Tokens()
    fake.valid_tokens = {"token-2"}  # token-1 has expired
    with CursorStore(tmp_path / "s.sqlite3") as store:
        async with HubClient(serve(fake.app()), tokens) as client:
            seen = await _take(_events(client, store), 3)
    assert seen == ["1", "2", "3"]
    assert fake.inits == ["Bearer token-1", "Bearer token-2"]


async def test_4403_after_renewing_is_access_revoked(fake, serve, tmp_path):
    tokens = Tokens()
    fake.valid_tokens = set()  # the client was disabled
    with CursorStore(tmp_path / "s.sqlite3") as store:
        async with HubClient(serve(fake.app()), tokens) as client:
            with pytest.raises(AccessRevoked):
                await _take(_events(client, store), 1)
    assert fake.inits == ["Bearer token-1", "Bearer token-2"]


async def test_4403_with_a_static_token_is_access_revoked_at_once(fake, serve, tmp_path):
    with CursorStore(tmp_path / "s.sqlite3") as store:
        async with HubClient(serve(fake.app()), StaticToken("revoked")) as client:
            with pytest.raises(AccessRevoked):
                await _take(_events(client, store), 1)
    assert fake.inits == ["Bearer revoked"]


async def test_4400_is_not_retried(fake, serve, tmp_path):
    fake.close_after = [(1, 4400)]
    with CursorStore(tmp_path / "s.sqlite3") as store:
        async with HubClient(serve(fake.app()), StaticToken("good")) as client:
            with pytest.raises(SubscriptionClosed) as closed:
                await _take(_events(client, store), 3)
    assert closed.value.code == 4400
    assert len(fake.subscribed_after) == 1
