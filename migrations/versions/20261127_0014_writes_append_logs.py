"""append logs: the audit records and events of a write, appended under the chain head's lock in one call
(PostgreSQL; SQLite appends from the hub itself under its write lock)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 17:40:00
"""

from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# records: [{at, subject, organisation, client_id, kind, operation, case_id, items, grants, outcome, reason,
#            canonical}], each chained as sha256(previous hash || canonical), as hub.audit.service.digest does;
# events: [{occurred_at, kind, case_id, assignment_id, organisation_code, actor_subject, actor_organisation,
#           payload}]. The head's row lock is the one lock of both logs (hub/events/log.py); NOTIFY is sent at commit.
APPEND_LOGS = """
CREATE FUNCTION hub_append_logs(records jsonb, events jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    head_id bigint;
    head_hash text;
    rec jsonb;
BEGIN
    SELECT last_id, last_hash INTO head_id, head_hash FROM audit_head WHERE id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the audit chain head is missing; run `hub audit verify`' USING ERRCODE = 'HU001';
    END IF;
    FOR rec IN SELECT value FROM jsonb_array_elements(records) LOOP
        head_id := head_id + 1;
        INSERT INTO audit_records (id, at, subject, organisation, client_id, kind, operation, case_id, items,
                                   grants, outcome, reason, prev_hash, hash)
        VALUES (head_id, (rec->>'at')::timestamptz, rec->>'subject', rec->>'organisation', rec->>'client_id',
                rec->>'kind', rec->>'operation', (rec->>'case_id')::uuid, (rec->'items')::json,
                (rec->'grants')::json, rec->>'outcome', rec->>'reason', head_hash,
                encode(sha256(convert_to(head_hash || (rec->>'canonical'), 'UTF8')), 'hex'))
        RETURNING hash INTO head_hash;
    END LOOP;
    IF jsonb_array_length(records) > 0 THEN
        UPDATE audit_head SET last_id = head_id, last_hash = head_hash WHERE id = 1;
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
        op.execute(APPEND_LOGS)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION hub_append_logs(jsonb, jsonb)')
