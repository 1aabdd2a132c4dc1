"""Governance operations (role GOVERNANCE, and UTILITY for its own sharing requests)."""

import uuid
from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from hub.audit import repository as audit_repository
from hub.audit import verify as audit_verify
from hub.auth import clients as client_service
from hub.catalogue import repository as catalogue_repository
from hub.catalogue import service as catalogue_service
from hub.errors import HubError, NotFound
from hub.graphql import resolvers as r
from hub.graphql.errors import UserError, graphql_error, user_errors
from hub.graphql.types.governance import (
    AuditRecord, CatalogueItem, ChainVerification, GovernanceChange, OAuthClient, RequestableItem, SharingGrant,
    SharingRequest,
)
from hub.i18n import _l, localise
from hub.policy import access


def _governance(info: Info) -> None:
    try:
        access.ensure_governance(info.context.principal)
    except HubError as error:
        raise graphql_error(error) from None


def _maybe_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _uuid(value: str, missing: str) -> uuid.UUID:
    """The id in `value`, or NotFound with the message `missing`."""
    found = _maybe_uuid(value)
    if found is None:
        raise NotFound(missing)
    return found


@strawberry.input
class GranteeInput:
    role: str | None = None
    organisation: str | None = None


@strawberry.input(description="Only the attributes given are changed.")
class UpdateCatalogueItemInput:
    code: str
    expected_version: int
    name: str | None = None
    description: str | None = None
    sensitivity: str | None = None
    share_type: str | None = None
    update_cycle: str | None = None
    open_type: str | None = None
    mask: str | None = None


@strawberry.input
class GrantAccessInput:
    item_codes: list[str]
    grantee: GranteeInput
    access: str = strawberry.field(description="READ_FULL, READ_MASKED or WRITE.")
    purpose: str
    valid_from: datetime | None = None
    valid_until: datetime | None = None


@strawberry.input
class RevokeGrantInput:
    grant_id: strawberry.ID
    reason: str


@strawberry.input(description="Several grants revoked together, all or none.")
class RevokeGrantsInput:
    grant_ids: list[strawberry.ID]
    reason: str


@strawberry.input
class RequestSharingInput:
    item_codes: list[str]
    purpose: str


@strawberry.input
class ApproveSharingRequestInput:
    request_id: strawberry.ID
    valid_until: datetime
    valid_from: datetime | None = None


@strawberry.input
class RefuseSharingRequestInput:
    request_id: strawberry.ID
    reason: str


@strawberry.input
class RegisterOAuthClientInput:
    name: str
    organisation: str
    roles: list[str] = strawberry.field(description="UTILITY and/or PLATFORM.")


@strawberry.input(description="All given conditions must hold.")
class AuditFilterInput:
    case_id: strawberry.ID | None = None
    organisation: str | None = None
    subject: str | None = None
    kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@strawberry.type
class CatalogueItemPayload:
    item: CatalogueItem | None
    errors: list[UserError]


@strawberry.type
class GrantPayload:
    grants: list[SharingGrant]
    errors: list[UserError]


@strawberry.type
class SharingRequestPayload:
    request: SharingRequest | None
    errors: list[UserError]


@strawberry.type
class OAuthClientPayload:
    client: OAuthClient | None
    client_secret: str | None = strawberry.field(description="Shown once, on register and rotate.")
    errors: list[UserError]


@strawberry.type
class AuditRecordEdge:
    cursor: str
    node: AuditRecord


@strawberry.type(description="A Relay connection over the audit log, newest first.")
class AuditRecordConnection:
    edges: list[AuditRecordEdge]
    page_info: relay.PageInfo
    has_next_page: bool = strawberry.field(deprecation_reason="Use pageInfo.hasNextPage.")
    end_cursor: str | None = strawberry.field(deprecation_reason="Use pageInfo.endCursor.")

    @classmethod
    def of(cls, edges: list[AuditRecordEdge], more: bool, after: str | None) -> "AuditRecordConnection":
        end = edges[-1].cursor if edges else None
        page = relay.PageInfo(has_next_page=more, has_previous_page=after is not None,
                              start_cursor=edges[0].cursor if edges else None, end_cursor=end)
        return cls(edges=edges, page_info=page, has_next_page=more, end_cursor=end)


@strawberry.type
class GovernanceQuery:
    @strawberry.field(description="信息共享目录: the catalogue entries (GOVERNANCE).")
    async def catalogue_items(self, info: Info, type_name: str | None = None, share_type: str | None = None,
                              sensitivity: str | None = None) -> list[CatalogueItem]:
        _governance(info)
        async with info.context.db.read() as session:
            rows = await catalogue_repository.items(session, type_name=type_name, share_type=share_type,
                                                    sensitivity=sensitivity)
        return [CatalogueItem.from_row(row) for row in rows]

    @strawberry.field(description="Grants, current unless includeRevoked (GOVERNANCE).")
    async def sharing_grants(self, info: Info, item_code: str | None = None, organisation: str | None = None,
                             role: str | None = None, include_revoked: bool = False) -> list[SharingGrant]:
        _governance(info)
        async with info.context.db.read() as session:
            rows = await catalogue_repository.grants(session, item_code=item_code, organisation=organisation, role=role,
                                                     include_revoked=include_revoked)
        return [SharingGrant.from_row(row) for row in rows]

    @strawberry.field(description="有条件共享目录: the CONDITIONAL items your organisation may request, and whether it holds them (UTILITY).")
    async def requestable_items(self, info: Info) -> list[RequestableItem]:
        try:
            async with info.context.db.read() as session:
                found = await catalogue_service.requestable_items(session, principal=info.context.principal,
                                                                  now=info.context.now())
        except HubError as error:
            raise graphql_error(error) from None
        return [RequestableItem.from_standing(f) for f in found]

    @strawberry.field(description="Conditional sharing requests: all (GOVERNANCE) or your organisation's (UTILITY).")
    async def sharing_requests(self, info: Info, status: str | None = None) -> list[SharingRequest]:
        try:
            organisation = access.sharing_requests_visible_to(info.context.principal)
        except HubError as error:
            raise graphql_error(error) from None
        async with info.context.db.read() as session:
            rows = await catalogue_repository.requests(session, organisation=organisation, status=status)
        return [SharingRequest.from_row(row) for row in rows]

    @strawberry.field(name="oauthClients", description="Registered OAuth clients (GOVERNANCE).")
    async def oauth_clients(self, info: Info) -> list[OAuthClient]:
        _governance(info)
        async with info.context.db.read() as session:
            rows = await catalogue_repository.clients(session)
        return [OAuthClient.from_row(row) for row in rows]

    @strawberry.field(description="Versioned change log of governance, newest first (GOVERNANCE).")
    async def governance_changes(self, info: Info, entity: str | None = None, entity_id: str | None = None,
                                 before_version: int | None = None, first: int = 50) -> list[GovernanceChange]:
        _governance(info)
        async with info.context.db.read() as session:
            rows = await catalogue_repository.changes(session, entity=entity, entity_id=entity_id,
                                                      after_version=before_version, first=r.check_page_size(first))
        return [GovernanceChange.from_row(row) for row in rows]

    @strawberry.field(description="The audit log, newest first (GOVERNANCE).")
    async def audit_records(self, info: Info, filter: AuditFilterInput | None = None, first: int = 50,
                            after: str | None = None) -> AuditRecordConnection:
        _governance(info)
        flt = filter or AuditFilterInput()
        case_id = None
        if flt.case_id is not None:
            try:
                case_id = r.node_uuid(flt.case_id, "Case")
            except NotFound:
                return AuditRecordConnection.of([], False, after)
        criteria = audit_repository.AuditFilter(case_id=case_id, organisation=flt.organisation, subject=flt.subject,
                                                kind=flt.kind, since=flt.since, until=flt.until)
        before = r.decode(after, int)
        async with info.context.db.read() as session:
            rows, more = await audit_repository.page(session, criteria, first=r.check_page_size(first), before_id=before)
        edges = [AuditRecordEdge(cursor=str(row.id), node=AuditRecord.from_row(row)) for row in rows]
        return AuditRecordConnection.of(edges, more, after)

    @strawberry.field(description="Walk the audit hash chain now and check it against its head and the signed checkpoints (GOVERNANCE).")
    async def verify_audit_chain(self, info: Info) -> ChainVerification:
        _governance(info)
        async with info.context.db.read() as session:
            report = await audit_verify.verify(session, key=info.context.signing_key)
        bad = strawberry.ID(str(report.first_bad_id)) if report.first_bad_id else None
        return ChainVerification(intact=report.intact, records=report.records, first_bad_id=bad,
                                 problem=localise(report.problem) if report.problem else None,
                                 checkpoints=report.checkpoints)


async def _run(info: Info, operation, **kwargs):  # type: ignore[no-untyped-def]
    return await r.write(info, operation, **kwargs)


@strawberry.type
class GovernanceMutation:
    @strawberry.mutation(description="Change a catalogue entry's attributes (GOVERNANCE); versioned.")
    async def update_catalogue_item(self, info: Info, input: UpdateCatalogueItemInput) -> CatalogueItemPayload | None:
        fields = ("name", "description", "sensitivity", "share_type", "update_cycle", "open_type", "mask")
        row, errors = await _run(info, catalogue_service.update_item, code=input.code,
                                 expected_version=input.expected_version,
                                 changes_to={f: getattr(input, f) for f in fields})
        return CatalogueItemPayload(item=CatalogueItem.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(description="Grant items to a role or an organisation (GOVERNANCE); effective on the next request.")
    async def grant_access(self, info: Info, input: GrantAccessInput) -> GrantPayload | None:
        rows, errors = await _run(info, catalogue_service.grant, item_codes=input.item_codes,
                                  role=input.grantee.role, organisation=input.grantee.organisation,
                                  access_level=input.access, purpose=input.purpose, valid_from=input.valid_from,
                                  valid_until=input.valid_until)
        return GrantPayload(grants=[SharingGrant.from_row(row) for row in rows or []], errors=errors)

    @strawberry.mutation(description="Revoke a grant (GOVERNANCE); effective on the next request.")
    async def revoke_grant(self, info: Info, input: RevokeGrantInput) -> GrantPayload | None:
        try:
            grant_id = _uuid(input.grant_id, _l("no such grant"))
        except NotFound as error:
            return GrantPayload(grants=[], errors=user_errors(error))
        row, errors = await _run(info, catalogue_service.revoke, grant_id=grant_id, reason=input.reason)
        return GrantPayload(grants=[SharingGrant.from_row(row)] if row else [], errors=errors)

    @strawberry.mutation(description="Revoke several grants at once, all or none (GOVERNANCE); effective on the next request.")
    async def revoke_grants(self, info: Info, input: RevokeGrantsInput) -> GrantPayload | None:
        rows, errors = await _run(info, catalogue_service.revoke_many, grant_ids=[_maybe_uuid(g) for g in input.grant_ids],
                                  reason=input.reason)
        return GrantPayload(grants=[SharingGrant.from_row(row) for row in rows or []], errors=errors)

    @strawberry.mutation(description="有条件共享: a utility asks for CONDITIONAL items with a purpose.")
    async def request_sharing(self, info: Info, input: RequestSharingInput) -> SharingRequestPayload | None:
        row, errors = await _run(info, catalogue_service.request_sharing, item_codes=input.item_codes,
                                 purpose=input.purpose)
        return SharingRequestPayload(request=SharingRequest.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(description="Approve a sharing request for a period (GOVERNANCE).")
    async def approve_sharing_request(self, info: Info, input: ApproveSharingRequestInput) -> SharingRequestPayload | None:
        return await _decide(info, input.request_id, approve=True, reason=None, valid_from=input.valid_from,
                             valid_until=input.valid_until)

    @strawberry.mutation(description="Refuse a sharing request with a reason (GOVERNANCE).")
    async def refuse_sharing_request(self, info: Info, input: RefuseSharingRequestInput) -> SharingRequestPayload | None:
        return await _decide(info, input.request_id, approve=False, reason=input.reason, valid_from=None,
                             valid_until=None)

    @strawberry.mutation(name="registerOAuthClient", description="Register a machine client; its secret is shown once (GOVERNANCE).")
    async def register_oauth_client(self, info: Info, input: RegisterOAuthClientInput) -> OAuthClientPayload | None:
        result, errors = await _run(info, client_service.register, name=input.name, organisation=input.organisation,
                                    roles=input.roles)
        return _client_payload(result, errors)

    @strawberry.mutation(name="rotateOAuthClientSecret", description="New secret; the old secret and its tokens stop working (GOVERNANCE).")
    async def rotate_oauth_client_secret(self, info: Info, client_id: str) -> OAuthClientPayload | None:
        result, errors = await _run(info, client_service.rotate, client_id=client_id)
        return _client_payload(result, errors)

    @strawberry.mutation(name="disableOAuthClient", description="Disable a client; its tokens stop working on the next request (GOVERNANCE).")
    async def disable_oauth_client(self, info: Info, client_id: str) -> OAuthClientPayload | None:
        row, errors = await _run(info, client_service.disable, client_id=client_id)
        return OAuthClientPayload(client=OAuthClient.from_row(row) if row else None, client_secret=None, errors=errors)


async def _decide(info: Info, request_id: str, **kwargs) -> SharingRequestPayload:  # type: ignore[no-untyped-def]
    try:
        row_id = _uuid(request_id, _l("no such sharing request"))
    except NotFound as error:
        return SharingRequestPayload(request=None, errors=user_errors(error))
    row, errors = await _run(info, catalogue_service.decide_request, request_id=row_id, **kwargs)
    return SharingRequestPayload(request=SharingRequest.from_row(row) if row else None, errors=errors)


def _client_payload(result, errors) -> OAuthClientPayload:  # type: ignore[no-untyped-def]
    if result is None:
        return OAuthClientPayload(client=None, client_secret=None, errors=errors)
    client, secret = result
    return OAuthClientPayload(client=OAuthClient.from_row(client), client_secret=secret, errors=errors)
