"""Loads schema/catalogue/commitments.yaml: the published commitment texts (into the database) and the
personal-information notice's preamble (read from the file, which ships with the hub)."""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.commitments.models import CommitmentText
from hub.commitments.rules import ApplicationForm, text_sha256
from hub.migrate import PROJECT_ROOT

FILE = PROJECT_ROOT / "schema" / "catalogue" / "commitments.yaml"


class PublishedTextChanged(ValueError):
    """A published version's wording differs from the file: agreements already name it, so it cannot change."""


@dataclass(frozen=True)
class NoticeWording:
    preamble: str
    role_recipients: dict[str, str]  # role → how the notice names the bodies holding it


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


async def load_commitment_texts(session: AsyncSession, path: Path = FILE) -> int:
    """Adds versions not yet in the database; returns how many. Refuses a changed text of a published version."""
    published = {t.version: t for t in (await session.scalars(select(CommitmentText))).all()}
    added = 0
    for entry in _read(path)["commitments"]:
        text = " ".join(entry["text"].split())
        existing = published.get(entry["version"])
        if existing is not None:
            if existing.sha256 != text_sha256(text):
                raise PublishedTextChanged(f"{path.name}: the text of published version {entry['version']} differs "
                                           "from the one agreements name; publish it as a new version instead")
            continue
        session.add(CommitmentText(
            version=entry["version"], form=ApplicationForm(entry["form"]).value, title=entry["title"],
            signature_label=entry["signature_label"], source=entry["source"], text=text, sha256=text_sha256(text),
            effective_from=date.fromisoformat(str(entry["effective_from"]))))
        added += 1
    return added


@lru_cache(maxsize=1)
def notice_wording(path: Path = FILE) -> NoticeWording:
    notice = _read(path)["privacy_notice"]
    return NoticeWording(preamble="".join(notice["preamble"].split()),
                         role_recipients=dict(notice.get("role_recipients") or {}))
