"""Collects every problem of an input at once, each with its field path and reason."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Callable

from hub.errors import ErrorCode, FieldProblem, InvalidInput
from hub.i18n import _l


class Checker:
    """Reads fields out of plain input mappings, normalising and recording problems."""

    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def fail(self, path: str, code: ErrorCode, message: str) -> None:
        self.problems.append(FieldProblem(path, code, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise InvalidInput(problems=list(self.problems))

    def present(self, data: dict, key: str) -> bool:
        value = data.get(key)
        return value is not None and not (isinstance(value, str) and not value.strip())

    def required(self, data: dict, key: str, path: str) -> bool:
        if self.present(data, key):
            return True
        self.fail(path, ErrorCode.REQUIRED, _l("is required"))
        return False

    def text(self, data: dict, key: str, path: str, *, max_len: int, required: bool = False) -> str | None:
        if not self.present(data, key):
            if required:
                self.fail(path, ErrorCode.REQUIRED, _l("is required"))
            return None
        value = str(data[key]).strip()
        if len(value) > max_len:
            self.fail(path, ErrorCode.OUT_OF_RANGE, _l("must be at most {most} characters", most=max_len))
            return None
        return value

    def enum(self, data: dict, key: str, path: str, kind: type[StrEnum], *, required: bool = False) -> str | None:
        if not self.present(data, key):
            if required:
                self.fail(path, ErrorCode.REQUIRED, _l("is required"))
            return None
        try:
            return kind(str(data[key])).value
        except ValueError:
            self.fail(path, ErrorCode.INVALID, _l("must be one of {values}", values=", ".join(kind)))
            return None

    def number(
        self, data: dict, key: str, path: str, *, minimum: float, maximum: float,
        required: bool = False, integer: bool = False, exclusive_minimum: bool = False,
    ) -> float | int | None:
        if not self.present(data, key):
            if required:
                self.fail(path, ErrorCode.REQUIRED, _l("is required"))
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and value != int(value)):
            self.fail(path, ErrorCode.INVALID, _l("must be a whole number") if integer else _l("must be a number"))
            return None
        too_low = value <= minimum if exclusive_minimum else value < minimum
        if too_low or value > maximum:
            self.fail(path, ErrorCode.OUT_OF_RANGE,
                      _l("must be greater than {least:g} and at most {most:g}", least=minimum, most=maximum)
                      if exclusive_minimum else
                      _l("must be at least {least:g} and at most {most:g}", least=minimum, most=maximum))
            return None
        return int(value) if integer else float(value)

    def day(self, data: dict, key: str, path: str, *, earliest: date, latest: date, required: bool = False) -> date | None:
        if not self.present(data, key):
            if required:
                self.fail(path, ErrorCode.REQUIRED, _l("is required"))
            return None
        value = data[key]
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                self.fail(path, ErrorCode.INVALID, _l("must be a date (YYYY-MM-DD)"))
                return None
        if not earliest <= value <= latest:
            self.fail(path, ErrorCode.OUT_OF_RANGE, _l("must be between {earliest} and {latest}", earliest=earliest,
                                                       latest=latest))
            return None
        return value

    def identifier(self, data: dict, key: str, path: str, check: Callable[[str], str], *, required: bool = False) -> str | None:
        if not self.present(data, key):
            if required:
                self.fail(path, ErrorCode.REQUIRED, _l("is required"))
            return None
        try:
            return check(str(data[key]))
        except ValueError as exc:
            self.fail(path, ErrorCode.INVALID, exc.args[0] if exc.args else str(exc))  # keeps a marked reason
            return None

    def forbid(self, data: dict, key: str, path: str, why: str) -> None:
        if self.present(data, key):
            self.fail(path, ErrorCode.INVALID, why)


def section(data: Any) -> dict:
    return data if isinstance(data, dict) else {}
