"""A year's official holiday arrangement as governance gives it (a file or the API), checked in one place.

The input is plain data: a mapping with `year`, `holidays`, `workdays` and
optionally `source`, dates as `YYYY-MM-DD` text. Every problem is reported
with its field path (`holidays[2]`), and nothing is loaded unless all is well.
"""

import json
import re
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from hub.errors import ErrorCode, FieldProblem, InvalidInput
from hub.i18n import _l
from hub.validation.checker import Checker

FIRST_YEAR, LAST_YEAR = 2000, 2100
DEFAULT_SOURCE = "国务院办公厅节假日安排"
KEYS = ("year", "holidays", "workdays", "source")
SOURCE_MAX = 200
MAX_DAYS = 366
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday"))


@dataclass(frozen=True)
class Arrangement:
    """Weekday rest days (holidays) and weekend make-up working days (调休, workdays) of one year."""

    year: int
    holidays: tuple[date, ...]
    workdays: tuple[date, ...]
    source: str


def parse(data: Any) -> Arrangement:
    """The checked arrangement, or InvalidInput naming every problem."""
    if not isinstance(data, dict):
        raise InvalidInput(problems=[FieldProblem(
            "", ErrorCode.INVALID, _l("must be a mapping with the keys year, holidays, workdays and source"))])
    c = Checker()
    for key in data:
        if key not in KEYS:
            c.fail(str(key), ErrorCode.INVALID, _l("unknown key; the keys are {keys}", keys=", ".join(KEYS)))
    year = _year(c, data.get("year"))
    holidays = _days(c, data, "holidays", year)
    workdays = _days(c, data, "workdays", year)
    _check_weekdays(c, holidays, "holidays", weekend=False)
    _check_weekdays(c, workdays, "workdays", weekend=True)
    _check_repeats(c, holidays, workdays)
    source = _source(c, data.get("source", DEFAULT_SOURCE))
    c.raise_if_any()
    return Arrangement(year, tuple(d for _, d in holidays), tuple(d for _, d in workdays), source)


def _year(c: Checker, value: Any) -> int | None:
    if value is None:
        c.fail("year", ErrorCode.REQUIRED, _l("is required"))
    elif isinstance(value, bool) or not isinstance(value, int):
        c.fail("year", ErrorCode.INVALID, _l("must be a whole number, e.g. 2027"))
    elif not FIRST_YEAR <= value <= LAST_YEAR:
        c.fail("year", ErrorCode.OUT_OF_RANGE, _l("must be between {earliest} and {latest}", earliest=FIRST_YEAR,
                                                   latest=LAST_YEAR))
    else:
        return value
    return None


def _days(c: Checker, data: dict, key: str, year: int | None) -> list[tuple[str, date]]:
    """(path, day) of every well-formed entry in the year; the others are reported."""
    value = data.get(key)
    if value is None:
        c.fail(key, ErrorCode.REQUIRED, _l("is required (an empty list if there are none)"))
        return []
    if not isinstance(value, list):
        c.fail(key, ErrorCode.INVALID, _l("must be a list of dates (YYYY-MM-DD)"))
        return []
    if len(value) > MAX_DAYS:
        c.fail(key, ErrorCode.OUT_OF_RANGE, _l("a year has at most {most} days", most=MAX_DAYS))
        return []
    days = []
    for path, item in _indexed(key, value):
        day = _day(c, path, item)
        if day is None:
            continue
        if year is not None and day.year != year:
            c.fail(path, ErrorCode.OUT_OF_RANGE, _l("{day} is not in {year}", day=day, year=year))
            continue
        days.append((path, day))
    return days


def _indexed(key: str, items: list) -> Iterator[tuple[str, Any]]:
    for index, item in enumerate(items):
        yield f"{key}[{index}]", item


def _day(c: Checker, path: str, item: Any) -> date | None:
    if type(item) is date:  # a caller that parsed the date already (not a datetime)
        return item
    if not isinstance(item, str) or not ISO_DAY.fullmatch(item):
        c.fail(path, ErrorCode.INVALID, _l("{item} is not a date written YYYY-MM-DD", item=repr(item)))
        return None
    try:
        return date.fromisoformat(item)
    except ValueError:
        c.fail(path, ErrorCode.INVALID, _l("{item} is not a date in the calendar", item=item))
        return None


def _check_weekdays(c: Checker, days: list[tuple[str, date]], key: str, *, weekend: bool) -> None:
    """Only days that differ from Monday–Friday are listed: holidays on weekdays, 调休 on weekends."""
    for path, day in days:
        name = WEEKDAYS[day.weekday()]
        if weekend and day.weekday() < 5:
            c.fail(path, ErrorCode.INVALID, _l("{day} is a {weekday}, a working day already: "
                                               "workdays lists only weekend make-up working days (调休)",
                                               day=day, weekday=name))
        elif not weekend and day.weekday() >= 5:
            c.fail(path, ErrorCode.INVALID, _l("{day} is a {weekday}, a rest day already: "
                                               "a weekend day can only be listed under workdays (调休)",
                                               day=day, weekday=name))


def _check_repeats(c: Checker, holidays: list[tuple[str, date]], workdays: list[tuple[str, date]]) -> None:
    first: dict[date, str] = {}
    for path, day in holidays + workdays:
        if day in first:
            c.fail(path, ErrorCode.INVALID, _l("{day} is listed twice (also at {other})", day=day, other=first[day]))
        else:
            first[day] = path


def _source(c: Checker, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        c.fail("source", ErrorCode.INVALID, _l("must be text naming the official notice"))
    elif len(value.strip()) > SOURCE_MAX:
        c.fail("source", ErrorCode.OUT_OF_RANGE, _l("must be at most {most} characters", most=SOURCE_MAX))
    else:
        return value.strip()
    return ""


class _YamlLoader(yaml.SafeLoader):
    """Safe YAML where dates stay text (so `2027-02-30` is reported rather than crashing the parser)
    and a key given twice is an error rather than silently the last one."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if not isinstance(key, Hashable):
            continue  # construct_mapping reports it
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"the key {key!r} appears twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node)


_YamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _unique_object(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice")
        result[key] = value
    return result


def read_file(path: Path) -> dict:
    """The plain data of an arrangement file: JSON if it is named *.json, YAML otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _unreadable(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text, object_pairs_hook=_unique_object)
        return yaml.load(text, Loader=_YamlLoader)  # noqa: S506  (a SafeLoader subclass)
    except json.JSONDecodeError as error:
        raise _unreadable(f"not valid JSON: line {error.lineno} column {error.colno}: {error.msg}") from None
    except ValueError as error:
        raise _unreadable(f"not valid JSON: {error}") from None
    except yaml.YAMLError as error:
        raise _unreadable(f"not valid YAML: {_yaml_reason(error)}") from None


def _yaml_reason(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
    return where + (getattr(error, "problem", None) or str(error)).replace("\n", " ")


def _unreadable(message: str) -> InvalidInput:
    return InvalidInput(problems=[FieldProblem("", ErrorCode.INVALID, message)])
