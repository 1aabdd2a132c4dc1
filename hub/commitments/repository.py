"""Queries over the commitment texts and the cases' commitments."""

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.commitments.models import Commitment, CommitmentText
from hub.commitments.rules import PublishedText


async def published_texts(session: AsyncSession) -> dict[str, PublishedText]:
    rows = (await session.scalars(select(CommitmentText))).all()
    return {r.version: PublishedText(version=r.version, form=r.form, title=r.title, signature_label=r.signature_label,
                                     source=r.source, text=r.text, sha256=r.sha256, effective_from=r.effective_from)
            for r in rows}


async def of_cases(session: AsyncSession, case_ids: Sequence[uuid.UUID]) -> list[Commitment]:
    return list((await session.scalars(select(Commitment).where(Commitment.case_id.in_(case_ids)))).all())
