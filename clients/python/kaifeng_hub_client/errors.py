"""Exceptions raised by the client: one base, `HubError`, so callers can catch everything from the hub at once."""

from dataclasses import asdict, dataclass
from typing import Any


class HubError(Exception):
    """The hub refused or failed a request; `errors` holds its GraphQL errors as received (may be empty)."""

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.errors: list[dict[str, Any]] = errors or []


class TokenError(HubError):
    """The token endpoint refused to issue a token (RFC 6749 §5.2), e.g. `invalid_client`."""

    def __init__(self, error: str, description: str | None, status: int):
        super().__init__(f"token request refused: {error}" + (f" ({description})" if description else ""))
        self.error = error
        self.description = description
        self.status = status


class AccessRevoked(HubError):
    """The hub closed the subscription (4403) and a fresh token was refused too: the client was disabled,
    its secret rotated, or its access withdrawn. Reconnecting will not help; ask governance."""


class SubscriptionClosed(HubError):
    """The hub closed the subscription with a code that retrying cannot fix (4400, 4401, …)."""

    def __init__(self, code: int, reason: str):
        super().__init__(f"subscription closed by the hub: {code} {reason}".rstrip())
        self.code = code
        self.reason = reason


class DownloadError(HubError):
    """A material's file could not be saved: no link (the catalogue does not grant you the file), a link the hub
    refused (HTTP 404: expired, or the material is no longer yours to read — read it again for a fresh link), or
    bytes that are not the file's SHA-256. Nothing is left at the destination."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class UserError:
    """One entry of a mutation's `errors`: the input `field` at fault (or None), a `code` and a `message`."""

    field: str | None
    code: str
    message: str


class WriteRefused(HubError):
    """A write-back mutation answered with `errors`; the hub wrote nothing.

    The subclass follows the first error's code; `user_errors` has them all.
    """

    def __init__(self, operation: str, user_errors: list[UserError]):
        detail = "; ".join(f"{e.code} {e.field + ': ' if e.field else ''}{e.message}" for e in user_errors)
        super().__init__(f"{operation} refused: {detail}", [asdict(e) for e in user_errors])
        self.operation = operation
        self.user_errors = user_errors

    @staticmethod
    def of(operation: str, user_errors: list[UserError]) -> "WriteRefused":
        """The exception matching the first error's code."""
        kind = _BY_CODE.get(user_errors[0].code, WriteRefused)
        return kind(operation, user_errors)


class ConflictError(WriteRefused):
    """CONFLICT: someone wrote since `expectedVersion` was read; reload and decide again."""


class IllegalTransitionError(WriteRefused):
    """ILLEGAL_TRANSITION: the state machine does not allow this move from the current status."""


class ForbiddenError(WriteRefused):
    """FORBIDDEN: no WRITE grant for what this write changes."""


class NotFoundError(WriteRefused):
    """NOT_FOUND: no such assignment, or not this organisation's."""


class ValidationError(WriteRefused):
    """INVALID, REQUIRED or OUT_OF_RANGE: an input field is wrong; see `user_errors[].field`."""


class PreconditionNotMetError(WriteRefused):
    """PRECONDITION_NOT_MET: the catalogue's preconditions (a gas transfer: safety check, fees settled) are not all
    confirmed; `HubClient.confirm_preconditions` first."""


_BY_CODE: dict[str, type[WriteRefused]] = {
    "PRECONDITION_NOT_MET": PreconditionNotMetError,
    "CONFLICT": ConflictError,
    "ILLEGAL_TRANSITION": IllegalTransitionError,
    "FORBIDDEN": ForbiddenError,
    "NOT_FOUND": NotFoundError,
    "INVALID": ValidationError,
    "REQUIRED": ValidationError,
    "OUT_OF_RANGE": ValidationError,
}
