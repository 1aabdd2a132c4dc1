"""Many cases at once, straight into PostgreSQL (INSERT … SELECT generate_series): for query plans and timings.

The mix, per case number i (1…n): two in three are submitted in the app by one of n/3 people (about three cases
each, one in ten with an agent, who is one of the same people); a quarter at the windows of the citizen centre
(CLERK, KF-CGJ); the rest pushed by the platform (PLATFORM, KF-DATA). Every case is assigned to water; every
third also to power; one in fifty to telecom (a small organisation). Submitted one minute apart.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from hub import migrate
from hub.db import Database
from hub.reference.loader import load_reference_data
from tests.harness import create_database, drop_database

PEOPLE = "GREATEST(:n / 3, 1)"

STATEMENTS = [
    f"""INSERT INTO cases (id, number, case_type, channel, status, version, submitted_at, updated_at,
                           submitted_by_subject, submitted_by_organisation, submitted_by_role)
        SELECT md5('case' || i)::uuid, 'BULK' || lpad(i::text, 12, '0'), 'TRANSFER',
               CASE WHEN i % 12 < 8 THEN 'MOBILE_APP' WHEN i % 12 < 11 THEN 'CITIZEN_CENTRE_WINDOW'
                    ELSE 'GOVERNMENT_PORTAL' END,
               (ARRAY['SUBMITTED', 'IN_PROGRESS', 'COMPLETED'])[1 + i / 7 % 3], 1,
               timestamp '2020-01-01' + i * interval '1 minute', timestamp '2020-01-01' + i * interval '1 minute',
               CASE WHEN i % 12 < 8 THEN 'person-' || i % {PEOPLE} ELSE 'staff-' || i % 7 END,
               CASE WHEN i % 12 < 8 THEN NULL WHEN i % 12 < 11 THEN 'KF-CGJ' ELSE 'KF-DATA' END,
               CASE WHEN i % 12 < 8 THEN 'APPLICANT' WHEN i % 12 < 11 THEN 'CLERK' ELSE 'PLATFORM' END
        FROM generate_series(1, :n) AS i""",
    f"""INSERT INTO applicants (case_id, kind, name, subject)
        SELECT md5('case' || i)::uuid, 'PERSON', 'Bulk ' || i,
               CASE WHEN i % 12 < 8 THEN 'person-' || i % {PEOPLE} END
        FROM generate_series(1, :n) AS i""",
    f"""INSERT INTO agents (case_id, name, phone, id_number, subject)
        SELECT md5('case' || i)::uuid, 'Agent ' || i, '13800000000', '410102199001011234',
               'person-' || (i * 7) % {PEOPLE}
        FROM generate_series(1, :n) AS i WHERE i % 10 = 0""",
    """INSERT INTO assignments (id, case_id, service, organisation_code, status, version, form, materials_complete,
                                missing_groups, created_at, updated_at, clock_elapsed_seconds,
                                deadline_provisional, correction_rounds)
        SELECT md5(s.service || i)::uuid, md5('case' || i)::uuid, s.service, s.organisation, 'RECEIVED', 1, '{}',
               true, '[]', timestamp '2020-01-01' + i * interval '1 minute',
               timestamp '2020-01-01' + i * interval '1 minute', 0, false, 0
        FROM generate_series(1, :n) AS i
        JOIN (VALUES ('WATER', 'KF-WATER', 1), ('ELECTRICITY', 'KF-POWER', 3), ('TELECOM', 'KF-TELECOM', 50))
             AS s (service, organisation, every) ON i % s.every = 0""",
]


async def fill(conn: AsyncConnection, n: int) -> None:
    """Adds cases 1…n (the database must be migrated, with its reference data), then refreshes statistics."""
    for statement in STATEMENTS:
        await conn.execute(text(statement), {"n": n})
    await conn.commit()
    for table in ("cases", "applicants", "agents", "assignments"):
        await conn.execute(text(f"ANALYZE {table}"))
    await conn.commit()


@asynccontextmanager
async def filled_database(tmp: Path, cases: int, *extra: str, **params: object) -> AsyncIterator[AsyncEngine]:
    """A migrated PostgreSQL database of its own with the reference data and `cases` cases (plus the `extra`
    statements, run with `params`), as an engine; dropped afterwards (also when filling it failed)."""
    url = await create_database(tmp, "postgresql")
    try:
        migrate.upgrade(url)
        db = Database(url)
        async with db.write() as session:
            await load_reference_data(session)
        await db.dispose()
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                await fill(conn, cases)
                for statement in extra:
                    await conn.execute(text(statement), params)
                await conn.commit()
            yield engine
        finally:
            await engine.dispose()
    finally:
        await drop_database(url)
