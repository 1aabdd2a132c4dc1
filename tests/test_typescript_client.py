"""The TypeScript client (clients/typescript) runs its own tests, with Node's test runner, against a real hub on
this backend's database: `npm ci` when its dependencies are missing or out of date, then `npm test`."""

import fcntl
import os
import re
import shutil
import subprocess
from pathlib import Path

from tests.harness import create_database, drop_database

PACKAGE = Path(__file__).resolve().parent.parent / "clients" / "typescript"


def _npm() -> str:
    npm = shutil.which("npm")
    assert npm, "the TypeScript client needs Node.js 20+ and npm on PATH"
    return npm


def _install(npm: str) -> None:
    installed = PACKAGE / "node_modules" / ".package-lock.json"  # npm's record of what node_modules holds
    if installed.exists() and installed.stat().st_mtime >= (PACKAGE / "package-lock.json").stat().st_mtime:
        return
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PACKAGE, check=True, timeout=600)


async def test_typescript_client_against_a_real_hub(tmp_path):
    npm = _npm()
    url = await create_database(tmp_path)
    # `make test` runs both backends at once: one npm install and build in the package folder at a time
    with open(PACKAGE / ".test-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            _install(npm)
            result = subprocess.run([npm, "test", "--silent"], cwd=PACKAGE,
                                    env={**os.environ, "HUB_TEST_DATABASE_URL": url},
                                    capture_output=True, text=True, timeout=600)
        finally:
            await drop_database(url)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    summary = result.stdout[-2000:]
    assert re.search(r"^# pass [1-9]\d*$", summary, re.M) and re.search(r"^# fail 0$", summary, re.M), summary
