"""Expected failures as data (`UserError` in payloads); everything else masked with an id."""

import logging
import re
from collections.abc import Iterator

import strawberry
from graphql import GraphQLError
from starlette.responses import Response
from strawberry.extensions import MaskErrors
from strawberry.relay import GlobalIDValueError

from hub.errors import ErrorCode, HubError, InvalidInput
from hub.faults import RETRY_AFTER, UNAVAILABLE_MESSAGE, internal_error, log_fault
from hub.i18n import localise

log = logging.getLogger("hub.graphql")
FAULT_CODES = ("INTERNAL", "UNAVAILABLE")

ErrorCodeType = strawberry.enum(ErrorCode, name="ErrorCode", description="Why a request was refused.")


@strawberry.type(description="One reason a mutation was refused. Nothing was written.")
class UserError:
    field: str | None = strawberry.field(description="Path of the offending input field, e.g. `applicant.idNumber`; null when the whole request is refused.")
    code: ErrorCodeType  # type: ignore[valid-type]
    message: str


def camel_path(path: str) -> str:
    """`applicant.id_number` → `applicant.idNumber` (the names the caller sent)."""
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), path)


def user_errors(error: HubError) -> list[UserError]:
    """The payload's errors, in the caller's language (the log line stays in English)."""
    if isinstance(error, InvalidInput):
        problems = [(camel_path(p.field), p.code, p.message) for p in error.problems]
    else:
        problems = [(None, error.code, error.message)]
    log.info("refused: %s", "; ".join(f"{code.value} {field or '-'}: {message}" for field, code, message in problems))
    return [UserError(field=field, code=code, message=localise(message)) for field, code, message in problems]


def localised(error: HubError) -> str:
    """The error's message in the caller's language; every problem of an invalid input, each with its field."""
    if isinstance(error, InvalidInput):
        return "; ".join(f"{camel_path(p.field)}: {localise(p.message)}" for p in error.problems)
    return localise(error.message)


def localise_error(error: GraphQLError) -> GraphQLError:
    """Render a GraphQL error's message in the caller's language, where it is a marked message (hub.i18n)."""
    original = error.original_error
    error.message = localised(original) if isinstance(original, HubError) else localise(error.message)
    return error


def log_refusals(errors: list[GraphQLError]) -> None:
    """A caller's mistake is theirs: one INFO line each, no traceback. The hub's own faults are logged where
    they are masked (ERROR with traceback, or a WARNING for an outage)."""
    for error in errors:
        if not is_fault(error):
            code = (error.extensions or {}).get("code", "GRAPHQL")
            where = ".".join(str(p) for p in error.path or []) or "-"
            log.info("refused: %s %s: %s", code, where, error.message[:300])


def graphql_error(error: HubError) -> GraphQLError:
    """For queries, where there is no payload: a GraphQL error carrying the code."""
    return GraphQLError(localised(error), extensions={"code": error.code.value})


def fault_error(error: BaseException, where: str, *, nodes=None, path=None) -> GraphQLError:  # type: ignore[no-untyped-def]
    """The caller's view of a fault that is not theirs: UNAVAILABLE (retry later) or INTERNAL with an incident id."""
    incident = log_fault(error, where)
    if incident is None:
        return GraphQLError(localise(UNAVAILABLE_MESSAGE), nodes=nodes, path=path, extensions={"code": "UNAVAILABLE"})
    return GraphQLError(localise(internal_error(incident)), nodes=nodes, path=path,
                        extensions={"code": "INTERNAL", "incident": incident})


def is_fault(error: GraphQLError) -> bool:
    """The hub's own fault (masked or to be masked), as opposed to a refusal of what the caller sent."""
    return _is_unexpected(error) or (error.extensions or {}).get("code") in FAULT_CODES


def answer_unavailable(context: object, result: object) -> None:
    """503 with Retry-After when the database kept an HTTP operation from producing anything.

    A response with data (a mutation that committed before a later one failed) stays 200 so that the
    caller retries only the fields that failed, never the whole document.
    """
    response = getattr(context, "response", None)
    errors = getattr(result, "errors", None) or []
    if not isinstance(response, Response) or not any((e.extensions or {}).get("code") == "UNAVAILABLE" for e in errors):
        return
    data = getattr(result, "data", None)
    if data and any(value is not None for value in data.values()):
        return
    response.status_code = 503
    response.headers.update(RETRY_AFTER)


class MaskUnexpectedErrors(MaskErrors):
    """Hide unexpected faults from the caller; log each under an incident id the caller can quote. Every error an
    operation answers, over HTTP or WebSocket, passes here: here its message takes the caller's language."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [localise_error(error) for error in super()._process_errors(errors)]

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        where = ".".join(str(p) for p in error.path or []) or "an operation"
        return fault_error(error.original_error, where, nodes=error.nodes, path=error.path)

    def on_operation(self) -> Iterator[None]:
        yield from super().on_operation()
        answer_unavailable(self.execution_context.context, self.execution_context.result)


def _is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, (HubError, GraphQLError, GlobalIDValueError))
