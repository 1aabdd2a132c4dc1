"""Queries over organisations, service providers and districts."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.reference.models import District, Organisation, ServiceProvider


async def active_district_codes(session: AsyncSession) -> frozenset[str]:
    return frozenset((await session.scalars(select(District.code).where(District.active))).all())


async def districts(session: AsyncSession) -> list[District]:
    return list((await session.scalars(select(District).order_by(District.code))).all())


async def organisations(session: AsyncSession) -> list[Organisation]:
    return list((await session.scalars(select(Organisation).order_by(Organisation.code))).all())


async def providers(session: AsyncSession) -> dict[str, str]:
    """service → the organisation code that provides it."""
    rows = (await session.execute(select(ServiceProvider.service, ServiceProvider.organisation_code))).all()
    return dict(rows)
