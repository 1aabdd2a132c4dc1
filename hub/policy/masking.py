"""Masked display (GB/T 35273 §7.2 practice): what a READ_MASKED grant shows of a value."""

from typing import Any


def mask(kind: str, value: Any) -> Any:
    if value is None or kind == "NONE":
        return value
    if not isinstance(value, str):
        return None  # numbers, dates and objects have no partial form: withheld
    return MASKERS.get(kind, _redact)(value)


def _name(value: str) -> str:
    """张伟 → 张*: the surname only."""
    return value[:1] + "*" * max(len(value) - 1, 1)


def _phone(value: str) -> str:
    """13800138000 → 138****8000."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def _id_number(value: str) -> str:
    """First 6 + last 4: 410202********0038."""
    if len(value) < 11:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def _account(value: str) -> str:
    return "*" * max(len(value) - 4, 1) + value[-4:]


def _redact(_: str) -> str:
    return "***"


MASKERS = {"NAME": _name, "PHONE": _phone, "ID_NUMBER": _id_number, "ACCOUNT": _account, "REDACT": _redact}
