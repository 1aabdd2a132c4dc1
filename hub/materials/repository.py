"""Queries over the materials catalogue."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.materials.models import MaterialRequirement, MaterialType


async def requirements(session: AsyncSession) -> list[MaterialRequirement]:
    stmt = select(MaterialRequirement).order_by(
        MaterialRequirement.case_type, MaterialRequirement.service, MaterialRequirement.applicant_kind
    )
    return list((await session.scalars(stmt)).all())


async def material_types(session: AsyncSession) -> list[MaterialType]:
    return list((await session.scalars(select(MaterialType).order_by(MaterialType.code))).all())


async def material_type_codes(session: AsyncSession) -> frozenset[str]:
    return frozenset((await session.scalars(select(MaterialType.code))).all())
