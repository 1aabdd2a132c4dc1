"""audit append, set-based: hub_append_logs takes each record as its canonical text (the columns are read from
it), chains the hashes in one loop and inserts all records in one statement (PostgreSQL)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 20:40:00
"""

import importlib.util
from pathlib import Path

from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# records: the canonical text of each record (hub.audit.service.canonical: compact JSON, sorted keys, ids and
# times as text), chained as sha256(previous hash || text); its columns are read back from that text, so what is
# stored is what was hashed. events: as in 0014.
APPEND_LOGS = """
CREATE FUNCTION hub_append_logs(records text[], events jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    head_id bigint;
    head_hash text;
    prevs text[] := '{}';
    hashes text[] := '{}';
    n integer := coalesce(array_length(records, 1), 0);
BEGIN
    SELECT last_id, last_hash INTO head_id, head_hash FROM audit_head WHERE id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the audit chain head is missing; run `hub audit verify`' USING ERRCODE = 'HU001';
    END IF;
    IF n > 0 THEN
        FOR i IN 1 .. n LOOP
            prevs[i] := head_hash;
            head_hash := encode(sha256(convert_to(head_hash || records[i], 'UTF8')), 'hex');
            hashes[i] := head_hash;
        END LOOP;
        INSERT INTO audit_records (id, at, subject, organisation, client_id, kind, operation, case_id, items,
                                   grants, outcome, reason, prev_hash, hash)
        SELECT head_id + r.ord, c.at, c.subject, c.organisation, c.client_id, c.kind, c.operation, c.case_id,
               c.items, c.grants, c.outcome, c.reason, r.prev, r.hash
        FROM unnest(records, prevs, hashes) WITH ORDINALITY AS r(canonical, prev, hash, ord),
             LATERAL jsonb_to_record(r.canonical::jsonb) AS c(at timestamptz, subject text, organisation text,
                 client_id text, kind text, operation text, case_id uuid, items json, grants json, outcome text,
                 reason text)  -- one parse per record (a reference to `r.canonical::jsonb` per column parses anew)
        ORDER BY r.ord;
        UPDATE audit_head SET last_id = head_id + n, last_hash = head_hash WHERE id = 1;
    END IF;
    IF jsonb_array_length(events) > 0 THEN
        INSERT INTO events (occurred_at, kind, case_id, assignment_id, organisation_code, actor_subject,
                            actor_organisation, payload)
        SELECT occurred_at, kind, case_id, assignment_id, organisation_code, actor_subject, actor_organisation,
               payload
        FROM jsonb_to_recordset(events) AS e(occurred_at timestamptz, kind text, case_id uuid, assignment_id uuid,
                                             organisation_code text, actor_subject text, actor_organisation text,
                                             payload json);
        PERFORM pg_notify('hub_events', '');
    END IF;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION hub_append_logs(jsonb, jsonb)')
        op.execute(APPEND_LOGS)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION hub_append_logs(text[], jsonb)')
        op.execute(_revision_0014().APPEND_LOGS)


def _revision_0014():  # type: ignore[no-untyped-def]
    path = next(Path(__file__).parent.glob('*_0014_*.py'))
    spec = importlib.util.spec_from_file_location('revision_0014', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
