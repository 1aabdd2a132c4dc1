"""How long the supervisors' statistics take over a large PostgreSQL database.

    .venv/bin/python bench/supervision_stats.py --cases 1000000

Creates a throw-away database, fills it in SQL (cases with a site, an applicant
and three assignments each, spread over 2025–2026, with finished clocks, on-time
flags and 补正 rounds), then times `timeLimitStatistics` for every grouping over a
month and over the whole period, and the overdue list. Prints figures only.
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from hub import migrate  # noqa: E402
from hub.db import Database  # noqa: E402
from hub.reference.loader import load_reference_data  # noqa: E402
from hub.timelimits import supervision  # noqa: E402
from tests.harness import create_database, drop_database  # noqa: E402

FILL = """
INSERT INTO cases (id, number, case_type, channel, status, version, submitted_at, updated_at, completed_at,
                   submitted_by_subject, submitted_by_organisation, submitted_by_role)
SELECT md5(i::text || 'case')::uuid, 'KF' || lpad(i::text, 12, '0'),
       CASE WHEN i % 3 = 0 THEN 'TRANSFER' ELSE 'CONNECTION' END,
       (ARRAY['CITIZEN_CENTRE_WINDOW','UTILITY_HALL','GOVERNMENT_PORTAL','MOBILE_APP','GOVERNMENT_PLATFORM'])[1 + i % 5],
       CASE WHEN i % 10 < 7 THEN 'COMPLETED' ELSE 'IN_PROGRESS' END, 1,
       timestamptz '2025-01-01 00:00+08' + (i * interval '1 second') * (63072000.0 / {n}),
       now(), NULL, 'bench', 'KF-DATA', 'CLERK'
FROM generate_series(1, {n}) AS i;
INSERT INTO applicants (case_id, kind, name, phone, subject)
SELECT md5(i::text || 'case')::uuid, 'INDIVIDUAL', '测试', '13800138000', 'bench-' || (i % 50000)
FROM generate_series(1, {n}) AS i;
INSERT INTO sites (case_id, address, district_code)
SELECT md5(i::text || 'case')::uuid, '开封市',
       (ARRAY['410202','410203','410204','410205','410212','410221','410222','410223','410225'])[1 + i % 9]
FROM generate_series(1, {n}) AS i;
INSERT INTO assignments (id, case_id, service, organisation_code, status, version, form, materials_complete,
                         missing_groups, created_at, updated_at, clock_started_at, clock_elapsed_seconds,
                         deadline_at, deadline_provisional, on_time, correction_rounds, finished_at, limit_seconds)
SELECT md5(i::text || s.service)::uuid, md5(i::text || 'case')::uuid, s.service, s.org,
       CASE WHEN i % 10 < 7 THEN 'COMPLETED' WHEN i % 10 = 7 THEN 'NEEDS_MATERIALS' ELSE 'ACCEPTED' END, 1, '{{}}', true,
       '[]', c.submitted_at, c.submitted_at, c.submitted_at, 86400.0 * ((i * 7 + s.k) % 90) / 10.0,
       c.submitted_at + interval '7 days', false, ((i * 7 + s.k) % 90) < 50, (i + s.k) % 3,
       CASE WHEN i % 10 < 7 THEN c.submitted_at + interval '5 days' END, 432000.0
FROM generate_series(1, {n}) AS i
JOIN cases c ON c.id = md5(i::text || 'case')::uuid
CROSS JOIN (VALUES ('WATER', 'KF-WATER', 1), ('ELECTRICITY', 'KF-POWER', 2), ('GAS', 'KF-GAS', 3)) AS s(service, org, k);
ANALYZE;
"""


async def timed(label: str, runs: int, coro_factory) -> None:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = await coro_factory()
        times.append(time.perf_counter() - started)
    print(f"{label:<48} median {statistics.median(times) * 1000:8.1f} ms   max {max(times) * 1000:8.1f} ms"
          f"   ({len(result)} rows, {runs} runs)")


async def main(args: argparse.Namespace) -> None:
    url = await create_database(Path(tempfile.mkdtemp()), "postgresql")
    db = Database(url)
    try:
        migrate.upgrade(url)
        async with db.write() as session:
            await load_reference_data(session)
        started = time.perf_counter()
        async with db.engine.begin() as conn:
            for statement in FILL.format(n=args.cases).split(";"):
                if statement.strip():
                    await conn.execute(text(statement))
        print(f"filled {args.cases} cases, {3 * args.cases} assignments in {time.perf_counter() - started:.0f} s")
        month = (datetime(2026, 3, 1, tzinfo=timezone.utc), datetime(2026, 4, 1, tzinfo=timezone.utc))
        everything = (datetime(2025, 1, 1, tzinfo=timezone.utc), datetime(2027, 1, 1, tzinfo=timezone.utc))
        for group in supervision.GROUPS:
            for name, (since, until) in (("one month", month), ("two years", everything)):
                async def run(group=group, since=since, until=until):  # type: ignore[no-untyped-def]
                    async with db.read() as session:
                        return await supervision.statistics_by(session, group, since, until)
                await timed(f"statistics by {group}, {name}", args.runs, run)

        async def overdue():  # type: ignore[no-untyped-def]
            async with db.read() as session:
                return await supervision.late(session, datetime(2026, 6, 1, tzinfo=timezone.utc), overdue=True,
                                              first=50, after=None)
        await timed("overdue list, first page of 50", args.runs, overdue)
    finally:
        await db.dispose()
        await drop_database(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    asyncio.run(main(parser.parse_args()))
