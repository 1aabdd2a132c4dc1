"""Queries over the materials catalogue."""

from sqlalchemy import literal_column, select
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


def insertion_position(sqlite: bool, table: str = "materials"):  # type: ignore[no-untyped-def]
    """Where a row was written (SQLite's rowid, PostgreSQL's ctid): orders the materials added together (one
    submission, one 补正, same `added_at`) as they were presented, whether one case or a page of them is read."""
    return literal_column(f"{table}.{'rowid' if sqlite else 'ctid'}")
