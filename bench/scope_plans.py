"""Time of the `cases` page query (20 newest + 1) for each role, at two table sizes, on PostgreSQL.

    .venv/bin/python bench/scope_plans.py --sizes 10000 200000

For each size: a fresh database, filled by tests/bulk.py (its mix: INSERT … SELECT generate_series, ANALYZE),
then per caller the median execution time of EXPLAIN ANALYZE over --runs runs, the cases rows the plan touched,
and the ratio between the largest and the smallest size. Nothing is asserted: it is a measurement.
"""

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.dialects import postgresql  # noqa: E402

from hub.cases import repository  # noqa: E402
from hub.cases.models import Case  # noqa: E402
from tests import bulk  # noqa: E402
from tests.test_scope_plans import CALLERS, _cases_touched, _scope  # noqa: E402


def page_sql(name: str) -> str:
    scope = _scope(name)
    if hasattr(repository, "page_query"):
        stmt = repository.page_query(scope, (), repository.CaseFilter(), first=20, after=None)
    else:  # an older checkout, for a before/after comparison
        stmt = repository.visible(scope).order_by(Case.submitted_at.desc(), Case.id.desc()).limit(21)
    return str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


async def measure(size: int, runs: int) -> dict[str, tuple[float, int]]:
    async with bulk.filled_database(Path(tempfile.mkdtemp()), size) as engine, engine.connect() as conn:
        results = {}
        for name in CALLERS:
            sql, times = page_sql(name), []
            for _ in range(runs):
                plan = (await conn.execute(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}"))).scalar_one()
                plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]
                times.append(plan["Execution Time"])
            results[name] = (statistics.median(times), _cases_touched(plan["Plan"])[1])
        return results


async def main(args: argparse.Namespace) -> None:
    by_size = {size: await measure(size, args.runs) for size in args.sizes}
    small, large = min(args.sizes), max(args.sizes)
    print(f"{'caller':<34}" + "".join(f"{size:>10} cases (ms, rows)" for size in args.sizes) + "   ratio")
    for name in CALLERS:
        cells = "".join(f"{by_size[s][name][0]:>12.2f} {by_size[s][name][1]:>10}" for s in args.sizes)
        print(f"{name:<34}{cells}   {by_size[large][name][0] / by_size[small][name][0]:6.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 200_000])
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args()))
