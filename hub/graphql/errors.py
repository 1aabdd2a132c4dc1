"""Expected failures as data (`UserError` in payloads); everything else masked with an id."""

import logging
import re
import uuid

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.relay import GlobalIDValueError

from hub.errors import ErrorCode, HubError, InvalidInput

log = logging.getLogger("hub.graphql")

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
    if isinstance(error, InvalidInput):
        return [UserError(field=camel_path(p.field), code=p.code, message=p.message) for p in error.problems]
    return [UserError(field=None, code=error.code, message=error.message)]


def graphql_error(error: HubError) -> GraphQLError:
    """For queries, where there is no payload: a GraphQL error carrying the code."""
    return GraphQLError(error.message, extensions={"code": error.code.value})


class MaskUnexpectedErrors(MaskErrors):
    """Hide unexpected faults from the caller; log each under an incident id the caller can quote."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return internal_error(error.original_error, nodes=error.nodes, path=error.path)


def internal_error(cause: BaseException | None, *, nodes=None, path=None) -> GraphQLError:  # type: ignore[no-untyped-def]
    """What the caller sees of an unexpected fault: an incident id; the fault itself goes to the log."""
    incident = uuid.uuid4().hex[:12]
    log.error("unexpected error, incident %s", incident, exc_info=cause)
    return GraphQLError(f"internal error (incident {incident})", nodes=nodes, path=path,
                        extensions={"code": "INTERNAL", "incident": incident})


def _is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, (HubError, GraphQLError, GlobalIDValueError))
