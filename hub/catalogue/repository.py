"""Queries over the sharing catalogue, grants, requests, clients and the change log."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.models import OAuthClient
from hub.catalogue.models import CatalogueItem, GovernanceChange, SharingGrant, SharingRequest


async def items(session: AsyncSession, *, type_name: str | None, share_type: str | None,
                sensitivity: str | None) -> list[CatalogueItem]:
    stmt = select(CatalogueItem).order_by(CatalogueItem.code)
    for column, value in ((CatalogueItem.type_name, type_name), (CatalogueItem.share_type, share_type),
                          (CatalogueItem.sensitivity, sensitivity)):
        if value:
            stmt = stmt.where(column == value)
    return list((await session.scalars(stmt)).all())


async def grants(session: AsyncSession, *, item_code: str | None, organisation: str | None, role: str | None,
                 include_revoked: bool) -> list[SharingGrant]:
    stmt = select(SharingGrant).order_by(SharingGrant.item_code, SharingGrant.created_at)
    for column, value in ((SharingGrant.item_code, item_code), (SharingGrant.grantee_organisation, organisation),
                          (SharingGrant.grantee_role, role)):
        if value:
            stmt = stmt.where(column == value)
    if not include_revoked:
        stmt = stmt.where(SharingGrant.revoked_at.is_(None))
    return list((await session.scalars(stmt)).all())


async def requests(session: AsyncSession, *, organisation: str | None, status: str | None) -> list[SharingRequest]:
    stmt = select(SharingRequest).order_by(SharingRequest.requested_at.desc())
    if organisation:
        stmt = stmt.where(SharingRequest.organisation_code == organisation)
    if status:
        stmt = stmt.where(SharingRequest.status == status)
    return list((await session.scalars(stmt)).all())


async def clients(session: AsyncSession) -> list[OAuthClient]:
    return list((await session.scalars(select(OAuthClient).order_by(OAuthClient.created_at))).all())


async def changes(session: AsyncSession, *, entity: str | None, entity_id: str | None, after_version: int | None,
                  first: int) -> list[GovernanceChange]:
    stmt = select(GovernanceChange).order_by(GovernanceChange.id.desc()).limit(first)
    if entity:
        stmt = stmt.where(GovernanceChange.entity == entity)
    if entity_id:
        stmt = stmt.where(GovernanceChange.entity_id == entity_id)
    if after_version is not None:
        stmt = stmt.where(GovernanceChange.id < after_version)
    return list((await session.scalars(stmt)).all())
