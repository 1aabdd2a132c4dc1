"""The GraphQL schema: queries, mutations and the extensions around them."""

import strawberry
from strawberry.tools import merge_types
from strawberry import relay
from strawberry.types import Info

from hub.assignments import preconditions
from hub.assignments import service as assignment_service
from hub.assignments.service import Action
from hub.cases import service as case_service
from hub.enums import ApplicantKind, CaseType, Role, Service
from hub.errors import NotFound
from hub.graphql import resolvers as r
from hub.graphql.commitments import CommitmentQuery, current_notice
from hub.graphql.context import OperationScope
from hub.observability.metrics import OperationMetrics
from hub.graphql.document_registry import DocumentMutation, DocumentQuery
from hub.graphql.erasure import ErasureMutation
from hub.graphql.governance import GovernanceMutation, GovernanceQuery
from hub.graphql.subscriptions import Subscription
from hub.graphql.timelimits import TimeLimitMutation, TimeLimitQuery
from hub.graphql.field_policy import FieldPolicy
from hub.graphql.errors import MaskUnexpectedErrors, UserError, log_refusals, user_errors
from hub.graphql.input_text import StorableText
from hub.graphql.document_cache import CachedDocuments
from hub.graphql.types.cases import Assignment, Case
from hub.graphql.types.inputs import (
    AddMaterialsInput, AssignmentReasonInput, AssignmentWriteInput, CaseFilterInput, CompleteAssignmentInput,
    ConfirmPreconditionsInput, SubmitCaseInput, WorkQueueFilterInput,
)
from hub.graphql.types.reference import District, MaterialRequirement, MaterialType, Organisation


@strawberry.type(description="Who the hub takes the caller to be.")
class Viewer:
    subject: str
    organisation: str | None
    roles: list[Role]


@strawberry.type
class Query:
    node: relay.Node | None = relay.node(description="Any case or assignment by global id; null if it does not exist or is not yours to see.")

    @strawberry.field
    def viewer(self, info: Info) -> Viewer:
        p = info.context.principal
        return Viewer(subject=p.subject, organisation=p.organisation, roles=sorted(p.roles))

    @strawberry.field(description="A case by global id; null if it does not exist or is not yours to see.")
    async def case(self, info: Info, id: strawberry.ID) -> Case | None:
        return await r.case_by_id(info, id)

    @strawberry.field(description="A case by its human number, e.g. KF20261127-7Q3M9X2A.")
    async def case_by_number(self, info: Info, number: str) -> Case | None:
        return await r.case_by_number(info, number)

    @strawberry.field(description="Cases you may see, newest first.")
    async def cases(self, info: Info, filter: CaseFilterInput | None = None, first: int = 20,
                    after: str | None = None) -> relay.Connection[Case]:
        return await r.cases_page(info, filter, first, after)

    @strawberry.field(description="Your organisation's assignments, oldest first (role UTILITY).")
    async def work_queue(self, info: Info, filter: WorkQueueFilterInput | None = None, first: int = 20,
                         after: str | None = None, organisation: str | None = None) -> relay.Connection[Assignment]:
        return await r.work_queue(info, filter, organisation, first, after)

    @strawberry.field(description="申报材料目录: what each case type, service and applicant kind needs.")
    async def materials_catalogue(self, info: Info, case_type: CaseType | None = None, service: Service | None = None,
                                  applicant_kind: ApplicantKind | None = None) -> list[MaterialRequirement]:
        wanted = {"case_type": case_type, "service": service, "applicant_kind": applicant_kind}
        r.reference_filter(info, {"caseType": case_type, "service": service, "applicantKind": applicant_kind})
        rows = await info.context.loaders.reference.requirements()
        return [MaterialRequirement.from_row(row) for row in rows
                if all(v is None or getattr(row, k) == v.value for k, v in wanted.items())]

    @strawberry.field
    async def material_types(self, info: Info) -> list[MaterialType]:
        return [MaterialType.from_row(t) for t in (await info.context.loaders.reference.material_types()).values()]

    @strawberry.field
    async def organisations(self, info: Info) -> list[Organisation]:
        return [Organisation.from_row(o) for o in (await info.context.loaders.reference.organisations()).values()]

    @strawberry.field(description="Kaifeng's districts and counties (GB/T 2260), including abolished codes marked inactive.")
    async def districts(self, info: Info) -> list[District]:
        return [District.from_row(d) for d in (await info.context.loaders.reference.districts()).values()]


@strawberry.type
class CasePayload:
    case: Case | None
    errors: list[UserError]


@strawberry.type
class AssignmentPayload:
    assignment: Assignment | None
    errors: list[UserError]


async def _case_payload(info: Info, operation, **kwargs) -> CasePayload:  # type: ignore[no-untyped-def]
    row, errors = await r.write(info, operation, **kwargs)
    return CasePayload(case=Case.from_row(row) if row else None, errors=errors)


async def _submitted_payload(info: Info, data: dict, notice_sha256: str) -> CasePayload:
    row, errors = await r.write(info, case_service.submit_case, data=data, notice_sha256=notice_sha256)
    if row is None:
        return CasePayload(case=None, errors=errors)
    r.prime_submitted(info, row)
    return CasePayload(case=Case.from_row(row), errors=errors)


async def _transition(info: Info, gid: str, expected_version: int, action: Action,
                      **kwargs) -> AssignmentPayload:  # type: ignore[no-untyped-def]
    try:
        assignment_id = r.node_uuid(gid, "Assignment")
    except NotFound as error:
        return AssignmentPayload(assignment=None, errors=user_errors(error))
    row, errors = await r.write(info, assignment_service.transition, assignment_id=assignment_id,
                                expected_version=expected_version, action=action, **kwargs)
    return AssignmentPayload(assignment=Assignment.from_row(row) if row else None, errors=errors)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="File one application (TRANSFER or CONNECTION); all or nothing.")
    async def submit_case(self, info: Info, input: SubmitCaseInput) -> CasePayload | None:
        notice = await current_notice(info)
        return await _submitted_payload(info, r.plain(input), notice.sha256)

    @strawberry.mutation(description="补正: add materials; completeness is re-assessed and waiting assignments resume.")
    async def add_materials(self, info: Info, input: AddMaterialsInput) -> CasePayload | None:
        try:
            case_id = r.node_uuid(input.case_id, "Case")
        except NotFound as error:
            return CasePayload(case=None, errors=user_errors(error))
        return await _case_payload(info, case_service.add_materials, case_id=case_id,
                                   expected_version=input.expected_version, materials=r.plain(input.materials))

    @strawberry.mutation(description="The utility has received the assignment.")
    async def acknowledge_assignment(self, info: Info, input: AssignmentWriteInput) -> AssignmentPayload | None:
        return await _transition(info, input.assignment_id, input.expected_version, Action.ACKNOWLEDGE,
                                 idempotency_key=input.idempotency_key)

    @strawberry.mutation(description="受理: the utility takes the assignment on.")
    async def accept_assignment(self, info: Info, input: AssignmentWriteInput) -> AssignmentPayload | None:
        return await _transition(info, input.assignment_id, input.expected_version, Action.ACCEPT,
                                 idempotency_key=input.idempotency_key)

    @strawberry.mutation(description="补正: ask the applicant for more materials, saying why.")
    async def request_materials(self, info: Info, input: AssignmentReasonInput) -> AssignmentPayload | None:
        return await _transition(info, input.assignment_id, input.expected_version, Action.REQUEST_MATERIALS,
                                 reason=input.reason, idempotency_key=input.idempotency_key)

    @strawberry.mutation(description="办结: done, with the result (new or transferred account number).")
    async def complete_assignment(self, info: Info, input: CompleteAssignmentInput) -> AssignmentPayload | None:
        return await _transition(info, input.assignment_id, input.expected_version, Action.COMPLETE,
                                 result=r.plain(input.result), idempotency_key=input.idempotency_key,
                                 override=r.plain(input.override_incomplete_materials))

    @strawberry.mutation(description="The owning utility confirms preconditions of the catalogue (a gas transfer: "
                                     "safety check done, fees settled), each with the day it was met; completing "
                                     "needs them all (PRECONDITION_NOT_MET until then).")
    async def confirm_preconditions(self, info: Info, input: ConfirmPreconditionsInput) -> AssignmentPayload | None:
        try:
            assignment_id = r.node_uuid(input.assignment_id, "Assignment")
        except NotFound as error:
            return AssignmentPayload(assignment=None, errors=user_errors(error))
        row, errors = await r.write(info, preconditions.confirm, assignment_id=assignment_id,
                                    expected_version=input.expected_version,
                                    preconditions=r.plain(input.preconditions), idempotency_key=input.idempotency_key)
        return AssignmentPayload(assignment=Assignment.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(description="Refuse the assignment, saying why.")
    async def reject_assignment(self, info: Info, input: AssignmentReasonInput) -> AssignmentPayload | None:
        return await _transition(info, input.assignment_id, input.expected_version, Action.REJECT, reason=input.reason,
                                 idempotency_key=input.idempotency_key)


class HubSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[no-untyped-def, override]
        log_refusals(errors)


schema = HubSchema(
    query=merge_types("Query", (Query, GovernanceQuery, TimeLimitQuery, CommitmentQuery, DocumentQuery)),
    mutation=merge_types("Mutation", (Mutation, GovernanceMutation, TimeLimitMutation, ErasureMutation,
                                      DocumentMutation)),
    subscription=Subscription,
    types=[Case, Assignment],
    extensions=[
        OperationMetrics,
        OperationScope,
        FieldPolicy,
        MaskUnexpectedErrors,
        CachedDocuments,  # parse (cached by SHA-256), the limits on the parsed document, validation (cached)
        StorableText,  # after the cache: adds to the errors it restores
    ],
)
