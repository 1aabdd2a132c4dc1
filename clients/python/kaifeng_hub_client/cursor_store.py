"""Local, durable progress: the last processed event cursor per subscription, and the agent's hand-offs.

One SQLite file. Every method is one transaction that is on disk when it returns (WAL with
`synchronous=FULL` fsyncs the log on each commit), so after a crash or power loss the store says exactly
what was committed before it. The calls are short and local, so they run directly on the event loop.
"""

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cursors (
    name TEXT PRIMARY KEY,
    cursor TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS handled (
    assignment_id TEXT PRIMARY KEY,
    event_cursor TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('STARTED', 'RESULT', 'WRITTEN')),
    result TEXT,
    updated_at TEXT NOT NULL
);
"""


class HandState(StrEnum):
    STARTED = "STARTED"  # handed to the company's system, no answer recorded yet
    RESULT = "RESULT"  # the company's decision is recorded, not yet (fully) written back
    WRITTEN = "WRITTEN"  # the decision is written back to the hub


@dataclass(frozen=True)
class Handoff:
    """The latest hand-off of one assignment to the company's system, opened by the event at `event_cursor`."""

    assignment_id: str
    event_cursor: str
    state: HandState
    result: dict[str, Any] | None


class CursorStore:
    """Event cursors and hand-off records in the SQLite file at `path` (created if missing)."""

    def __init__(self, path: str | os.PathLike[str]):
        # Autocommit mode: each statement below is its own transaction, committed (and synced) on return.
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA fullfsync=ON")  # macOS: fsync alone does not reach the platter
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "CursorStore":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def cursor(self, name: str) -> str | None:
        """The cursor of the last event of subscription `name` that was processed, or None."""
        row = self._db.execute("SELECT cursor FROM cursors WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def commit(self, name: str, cursor: str) -> None:
        """Record that every event of `name` up to and including `cursor` is processed."""
        self._db.execute(
            "INSERT INTO cursors (name, cursor, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
            (name, cursor, _now()),
        )

    def handoff(self, assignment_id: str) -> Handoff | None:
        """The latest hand-off of the assignment, if any."""
        row = self._db.execute(
            "SELECT assignment_id, event_cursor, state, result FROM handled WHERE assignment_id = ?",
            (assignment_id,),
        ).fetchone()
        if row is None:
            return None
        return Handoff(row[0], row[1], HandState(row[2]), json.loads(row[3]) if row[3] is not None else None)

    def start(self, assignment_id: str, event_cursor: str) -> None:
        """Record, before asking the company's system, that the event at `event_cursor` hands it the assignment.

        Replaces an earlier hand-off of the same assignment (a new round, e.g. after materials were supplied).
        """
        self._db.execute(
            "INSERT INTO handled (assignment_id, event_cursor, state, result, updated_at)"
            " VALUES (?, ?, 'STARTED', NULL, ?)"
            " ON CONFLICT (assignment_id) DO UPDATE SET event_cursor = excluded.event_cursor, state = 'STARTED',"
            " result = NULL, updated_at = excluded.updated_at",
            (assignment_id, event_cursor, _now()),
        )

    def record_result(self, assignment_id: str, event_cursor: str, result: dict[str, Any]) -> None:
        """Record the company's decision for the hand-off started by `event_cursor`."""
        self._advance(assignment_id, event_cursor, HandState.RESULT, json.dumps(result, ensure_ascii=False))

    def mark_written(self, assignment_id: str, event_cursor: str) -> None:
        """Record that the decision of the hand-off started by `event_cursor` is written back."""
        self._advance(assignment_id, event_cursor, HandState.WRITTEN, None)

    def _advance(self, assignment_id: str, event_cursor: str, state: HandState, result: str | None) -> None:
        updated = self._db.execute(
            "UPDATE handled SET state = ?, result = COALESCE(?, result), updated_at = ?"
            " WHERE assignment_id = ? AND event_cursor = ?",
            (state.value, result, _now(), assignment_id, event_cursor),
        )
        if updated.rowcount != 1:
            raise LookupError(f"no hand-off of {assignment_id} started by event {event_cursor}")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
