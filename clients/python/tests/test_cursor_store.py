import sqlite3
import subprocess
import sys

import pytest

from kaifeng_hub_client.cursor_store import CursorStore, HandState, Handoff


def test_cursor_survives_reopening(tmp_path):
    path = tmp_path / "state.sqlite3"
    with CursorStore(path) as store:
        assert store.cursor("assignments") is None
        store.commit("assignments", "41")
        store.commit("assignments", "42")
        store.commit("results", "7")
    with CursorStore(path) as store:
        assert store.cursor("assignments") == "42"
        assert store.cursor("results") == "7"


def test_commit_is_on_disk_when_it_returns(tmp_path):
    """A process killed right after commit() (no close, no clean exit) loses nothing."""
    path = tmp_path / "state.sqlite3"
    script = (
        "import os, signal, sys\n"
        "from kaifeng_hub_client.cursor_store import CursorStore\n"
        "store = CursorStore(sys.argv[1])\n"
        "store.commit('assignments', '99')\n"
        "store.start('A1', '99')\n"
        "store.record_result('A1', '99', {'action': 'complete', 'accountNumber': 'W-1'})\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(path)])
    assert killed.returncode == -9
    with CursorStore(path) as store:
        assert store.cursor("assignments") == "99"
        decision = {"action": "complete", "accountNumber": "W-1"}
        assert store.handoff("A1") == Handoff("A1", "99", HandState.RESULT, decision)


def test_uses_write_ahead_log(tmp_path):
    path = tmp_path / "state.sqlite3"
    CursorStore(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_handoff_moves_through_its_states_and_a_new_round_replaces_it(tmp_path):
    path = tmp_path / "state.sqlite3"
    with CursorStore(path) as store:
        assert store.handoff("A1") is None
        store.start("A1", "5")
        assert store.handoff("A1") == Handoff("A1", "5", HandState.STARTED, None)
        store.record_result("A1", "5", {"action": "request_materials", "reason": "缺少房产证"})
        store.mark_written("A1", "5")
    with CursorStore(path) as store:
        assert store.handoff("A1") == Handoff("A1", "5", HandState.WRITTEN,
                                              {"action": "request_materials", "reason": "缺少房产证"})
        store.start("A1", "12")  # materials supplied: a second round
        assert store.handoff("A1") == Handoff("A1", "12", HandState.STARTED, None)


def test_a_stale_round_cannot_overwrite_the_current_one(tmp_path):
    with CursorStore(tmp_path / "state.sqlite3") as store:
        store.start("A1", "12")
        with pytest.raises(LookupError):
            store.record_result("A1", "5", {"action": "accept"})
        with pytest.raises(LookupError):
            store.mark_written("A2", "12")
        assert store.handoff("A1").state is HandState.STARTED
