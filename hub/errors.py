"""Domain errors. Services raise these; the API layer turns them into typed results."""

from dataclasses import dataclass, field
from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    CONFLICT = "CONFLICT"
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"
    PRECONDITION_NOT_MET = "PRECONDITION_NOT_MET"
    UNAUTHENTICATED = "UNAUTHENTICATED"


@dataclass(frozen=True)
class FieldProblem:
    """One reason an input was refused: the field path (e.g. `applicant.idNumber`) and why."""

    field: str
    code: ErrorCode
    message: str


class HubError(Exception):
    code: ErrorCode = ErrorCode.INVALID

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class InvalidInput(HubError):
    """The input breaks one or more rules; nothing was written."""

    problems: list[FieldProblem] = field(default_factory=list)
    code = ErrorCode.INVALID

    def __post_init__(self) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in self.problems))


class NotFound(HubError):
    """Does not exist, or the caller may not know it exists (the two are indistinguishable)."""

    code = ErrorCode.NOT_FOUND


class Forbidden(HubError):
    code = ErrorCode.FORBIDDEN


class Conflict(HubError):
    """The caller wrote against a version that is no longer current."""

    code = ErrorCode.CONFLICT


class IllegalTransition(HubError):
    code = ErrorCode.ILLEGAL_TRANSITION


class Unauthenticated(HubError):
    code = ErrorCode.UNAUTHENTICATED
