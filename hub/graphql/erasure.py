"""erasePersonalData (role GOVERNANCE): a finished case's personal data, once its retention period has passed."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from hub.cases import erasure
from hub.errors import NotFound
from hub.graphql import resolvers as r
from hub.graphql.errors import UserError, user_errors


@strawberry.input
class ErasePersonalDataInput:
    case_id: strawberry.ID
    reason: str = strawberry.field(description="Why, e.g. the retention rule applied; kept in the audit log.")


@strawberry.type(description="What an erasure removed: item codes and a count, never values.")
class PersonalDataErasure:
    case_id: strawberry.ID
    erased_at: datetime
    items: list[str] = strawberry.field(description="Catalogue items that held a value and were emptied.")
    files_removed: int = strawberry.field(description="Files removed from the store (those no other material names).")


@strawberry.type
class PersonalDataErasurePayload:
    erasure: PersonalDataErasure | None
    errors: list[UserError]


@strawberry.type
class ErasureMutation:
    @strawberry.mutation(description="Erase a finished case's personal data and files after the retention period "
                                     "(GOVERNANCE); the case's process data stays, the audit keeps the fact.")
    async def erase_personal_data(self, info: Info, input: ErasePersonalDataInput) -> PersonalDataErasurePayload:
        try:
            case_id = r.node_uuid(input.case_id, "Case")
        except NotFound as error:
            return PersonalDataErasurePayload(erasure=None, errors=user_errors(error))
        files = info.context.files
        done, errors = await r.write(info, erasure.erase_personal_data, case_id=case_id, reason=input.reason,
                                     retention=files.retention)
        if done is None:
            return PersonalDataErasurePayload(erasure=None, errors=errors)
        removed = await files.collector.release(done.files) if done.files else 0
        return PersonalDataErasurePayload(
            erasure=PersonalDataErasure(case_id=input.case_id, erased_at=done.erased_at, items=done.items,
                                        files_removed=removed),
            errors=[])
