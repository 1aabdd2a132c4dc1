"""Loading a year's holiday arrangement: the `hub calendar import` command and the importCalendarYear mutation
refuse the same malformed input with the same field and reason, and load nothing then."""

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from hub.calendar.arrangement import read_file
from hub.clock import LOCAL
from hub.enums import Role
from tests.harness import create_database, drop_database
from tests.test_time_limits import _clock_of, water_connection
from tests.steps import by_service, submit

HUB = str(Path(sys.executable).parent / "hub")
EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "calendar-2027.example.yaml"
IMPORT = """mutation ($input: ImportCalendarYearInput!) { importCalendarYear(input: $input) {
  year recomputedDeadlines movedDeadlines errors { field code message } } }"""
YEARS = "{ calendarYears { year source } }"
DAYS = "{ calendarYears { year holidays workdays } }"

# (what is wrong, the file, the field reported, the code). 2040 is never loaded by any test.
MALFORMED = [
    ("impossible date", "year: 2040\nholidays: [2040-02-30]\nworkdays: []\n", "holidays[0]", "INVALID"),
    ("impossible date, quoted", 'year: 2040\nholidays: ["2040-13-01"]\nworkdays: []\n', "holidays[0]", "INVALID"),
    ("not a YYYY-MM-DD date", 'year: 2040\nholidays: ["2040/01/02"]\nworkdays: []\n', "holidays[0]", "INVALID"),
    ("missing year", "holidays: [2040-01-02]\nworkdays: []\n", "year", "REQUIRED"),
    ("year 0", "year: 0\nholidays: []\nworkdays: []\n", "year", "OUT_OF_RANGE"),
    ("year far away", "year: 20400\nholidays: []\nworkdays: []\n", "year", "OUT_OF_RANGE"),
    ("year as text", 'year: "2040"\nholidays: []\nworkdays: []\n', "year", "INVALID"),
    ("date outside the year", "year: 2040\nholidays: [2041-01-01]\nworkdays: []\n", "holidays[0]", "OUT_OF_RANGE"),
    ("a holiday twice", "year: 2040\nholidays: [2040-01-02, 2040-01-03, 2040-01-02]\nworkdays: []\n",
     "holidays[2]", "INVALID"),
    ("a Saturday as a holiday", "year: 2040\nholidays: [2040-01-07]\nworkdays: []\n", "holidays[0]", "INVALID"),
    ("a Sunday as a holiday", "year: 2040\nholidays: [2040-01-08]\nworkdays: []\n", "holidays[0]", "INVALID"),
    ("a weekday as a make-up day", "year: 2040\nholidays: []\nworkdays: [2040-01-09]\n", "workdays[0]", "INVALID"),
    ("a working day twice", "year: 2040\nholidays: []\nworkdays: [2040-01-07, 2040-01-07]\n", "workdays[1]", "INVALID"),
    ("unknown key", "year: 2040\nholidays: []\nworkdays: []\nholiday: [2040-01-02]\n", "holiday", "INVALID"),
    ("holidays not a list", "year: 2040\nholidays: 2040-01-02\nworkdays: []\n", "holidays", "INVALID"),
    ("workdays missing", "year: 2040\nholidays: []\n", "workdays", "REQUIRED"),
    ("source not text", "year: 2040\nholidays: []\nworkdays: []\nsource: [a, b]\n", "source", "INVALID"),
]
# The same refusals through the API, where the schema allows the input at all (a GraphQL Int is always a number).
API_CASES = [case for case in MALFORMED if case[0] not in (
    "missing year", "year as text", "unknown key", "holidays not a list", "workdays missing", "source not text",
    "year far away")]


def run_hub(database_url: str, *args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    environment.update({"HUB_DATABASE_URL": database_url, **(env or {})})
    return subprocess.run([HUB, *args], capture_output=True, text=True, env=environment, cwd=cwd, timeout=120)


def file_as_input(text: str, tmp_path: Path) -> dict:
    """The API form of a malformed file: the same keys and values, dates as text."""
    path = tmp_path / "as-input.yaml"
    path.write_text(text, encoding="utf-8")
    return read_file(path)


@pytest.fixture
def clock(hub):  # type: ignore[no-untyped-def]
    yield hub.app.state.clock
    hub.app.state.clock.reset()


async def _loaded_years(client) -> dict[int, str]:  # type: ignore[no-untyped-def]
    return {y["year"]: y["source"] for y in (await client.run(YEARS))["calendarYears"]}


@pytest.mark.parametrize("what, text, field, code", MALFORMED, ids=[case[0] for case in MALFORMED])
async def test_the_command_refuses_a_malformed_file_in_one_line(what, text, field, code, hub, tmp_path, as_role):
    path = tmp_path / "2040.yaml"
    path.write_text(text, encoding="utf-8")
    done = run_hub(hub.settings.database_url, "calendar", "import", str(path), cwd=tmp_path)
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert f"refused: {field}: " in done.stderr or f"; {field}: " in done.stderr, done.stderr
    assert 2040 not in await _loaded_years(as_role(Role.GOVERNANCE, "KF-DATA"))


@pytest.mark.parametrize("what, text, field, code", API_CASES, ids=[case[0] for case in API_CASES])
async def test_the_mutation_refuses_the_same_with_a_typed_error(what, text, field, code, as_role, tmp_path):
    governance = as_role(Role.GOVERNANCE, "KF-DATA")
    payload = (await governance.run(IMPORT, {"input": file_as_input(text, tmp_path)}))["importCalendarYear"]
    assert payload["year"] is None and payload["recomputedDeadlines"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)], payload["errors"]
    assert 2040 not in await _loaded_years(governance)


async def test_json_and_files_that_are_not_arrangements_are_refused(hub, tmp_path, as_role):
    files = {
        "duplicate-key.json": ('{"year": 2040, "year": 2041, "holidays": [], "workdays": []}', "appears twice"),
        "broken.json": ('{"year": 2040, "holidays": [', "not valid JSON"),
        "broken.yaml": ("year: 2040\nholidays: [2040-01-02\n", "not valid YAML"),
        "duplicate-key.yaml": ("year: 2040\nyear: 2041\nholidays: []\nworkdays: []\n", "appears twice"),
        "list.yaml": ("- 2040-01-02\n", "must be a mapping"),
        "empty.yaml": ("", "must be a mapping"),
        "impossible.json": ('{"year": 2040, "holidays": ["2040-02-30"], "workdays": []}', "holidays[0]: 2040-02-30 is not a date"),
        "float-year.json": ('{"year": 2040.5, "holidays": [], "workdays": []}', "year: must be a whole number"),
    }
    for name, (text, reason) in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        done = run_hub(hub.settings.database_url, "calendar", "import", str(tmp_path / name), cwd=tmp_path)
        assert done.returncode == 2 and "Traceback" not in done.stderr, (name, done)
        assert len(done.stderr.strip().splitlines()) == 1 and reason in done.stderr, (name, done.stderr)
    missing = run_hub(hub.settings.database_url, "calendar", "import", str(tmp_path / "absent.yaml"), cwd=tmp_path)
    assert missing.returncode == 2 and "cannot read" in missing.stderr and "Traceback" not in missing.stderr
    assert 2040 not in await _loaded_years(as_role(Role.GOVERNANCE, "KF-DATA"))


async def test_every_problem_of_a_request_is_reported_and_nothing_is_loaded(as_role):
    governance = as_role(Role.GOVERNANCE, "KF-DATA")
    payload = (await governance.run(IMPORT, {"input": {
        "year": 2040, "holidays": ["2040-01-02", "2040-01-07", "2040-02-30"], "workdays": ["2040-01-09", "2039-12-31"],
        "source": " "}}))["importCalendarYear"]
    assert {(e["field"], e["code"]) for e in payload["errors"]} == {
        ("holidays[1]", "INVALID"), ("holidays[2]", "INVALID"), ("workdays[0]", "INVALID"),
        ("workdays[1]", "OUT_OF_RANGE"), ("source", "INVALID")}
    assert 2040 not in await _loaded_years(governance)
    flood = (await governance.run(IMPORT, {"input": {"year": 2040, "holidays": ["x"] * 400, "workdays": []}}))
    assert [(e["field"], e["code"]) for e in flood["importCalendarYear"]["errors"]] == [("holidays", "OUT_OF_RANGE")]
    beyond_any_list = await governance.errors(IMPORT, {"input": {"year": 2040, "holidays": ["x"] * 5000, "workdays": []}})
    assert [e["extensions"]["code"] for e in beyond_any_list] == ["LIST_TOO_LONG"]  # the request limit, before execution
    utility = as_role(Role.UTILITY, "KF-WATER")
    refused = (await utility.run(IMPORT, {"input": {"year": 2040, "holidays": ["bad"], "workdays": []}}))["importCalendarYear"]
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]  # no detail about the input for a caller who may not


async def test_files_loaded_by_the_command_govern_the_served_hub(hub, clock, clerk, utilities, as_role, tmp_path):
    governance = as_role(Role.GOVERNANCE, "KF-DATA")
    yaml_file, json_file = tmp_path / "2004.yaml", tmp_path / "2004.json"
    yaml_file.write_text("year: 2004\nsource: 开封测试安排 2004\nholidays:\n  - 2004-05-11   # a Tuesday\nworkdays:\n"
                         "  - 2004-05-15   # a Saturday (调休)\n", encoding="utf-8")
    done = run_hub(hub.settings.database_url, "calendar", "import", str(yaml_file), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (await _loaded_years(governance))[2004] == "开封测试安排 2004"
    year = next(y for y in (await governance.run(DAYS))["calendarYears"] if y["year"] == 2004)
    assert year["holidays"] == ["2004-05-11"] and year["workdays"] == ["2004-05-15"]

    clock.freeze_at(datetime(2004, 5, 10, 9, 0, tzinfo=LOCAL))  # Monday
    water = by_service(await submit(clerk, water_connection()))["WATER"]
    # Mon (15 h), Tue is a holiday, Wed, Thu, Fri, Sat is a working day: 4 days 15 h; 9 h on Mon 17 May.
    assert (await _clock_of(utilities["WATER"], water))["deadline"] == _iso(2004, 5, 17, 9)

    # A correction through the command (JSON this time) reaches the served hub at once and moves the deadline.
    json_file.write_text(json.dumps({"year": 2004, "holidays": [], "workdays": [], "source": "更正"}), encoding="utf-8")
    done = run_hub(hub.settings.database_url, "calendar", "import", str(json_file), cwd=tmp_path)
    # −1 day +1 day: the same deadline, an earlier warning point (Fri 03:00 instead of Sat 03:00).
    assert done.returncode == 0 and "recounted: 1, deadlines moved: 0" in done.stdout, done
    timer = await _clock_of(utilities["WATER"], water)
    assert timer["deadline"] == _iso(2004, 5, 17, 9) and timer["warningAt"] == _iso(2004, 5, 14, 3)
    json_file.write_text(json.dumps({"year": 2004, "holidays": ["2004-05-11"], "workdays": []}), encoding="utf-8")
    done = run_hub(hub.settings.database_url, "calendar", "import", str(json_file), cwd=tmp_path)
    assert done.returncode == 0 and "recounted: 1, deadlines moved: 1" in done.stdout, done
    assert (await _clock_of(utilities["WATER"], water))["deadline"] == _iso(2004, 5, 18, 9)
    assert (await _loaded_years(governance))[2004] == "国务院办公厅节假日安排"  # the default source


async def test_the_shipped_example_file_loads(tmp_path):
    url = await create_database(tmp_path)
    try:
        assert run_hub(url, "migrate", cwd=tmp_path).returncode == 0
        done = run_hub(url, "calendar", "import", str(EXAMPLE), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("loaded 2027;")
    finally:
        await drop_database(url)


def _iso(*args: int) -> str:
    return datetime(*args, tzinfo=LOCAL).astimezone(timezone.utc).isoformat()
