"""SMS templates (短信模板): schema/catalogue/sms_templates.yaml, loaded into the database by
`hub load-catalogue` and read from there, so every instance words messages alike.

Stored flat, one row per text: `signature`, `result`, `results_separator`, `case_type.<TYPE>`,
`service.<SERVICE>` and `template.<KIND>`. Loading replaces them all: the file is the truth.
"""

from dataclasses import dataclass
from pathlib import Path
from string import Formatter

import yaml
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.notifications.models import SmsTemplate

# Each message kind the hub sends and the placeholders its text may use.
KINDS = {
    "CASE_SUBMITTED": {"number", "case_type"},
    "ASSIGNMENT_ACCEPTED": {"number", "service"},
    "MATERIALS_REQUESTED": {"number", "service", "reason"},
    "ASSIGNMENT_REJECTED": {"number", "service", "reason"},
    "CASE_COMPLETED": {"number", "results"},
    "CASE_CLOSED": {"number", "results"},
}


@dataclass(frozen=True)
class Templates:
    signature: str
    case_types: dict[str, str]
    services: dict[str, str]
    texts: dict[str, str]
    result: str
    results_separator: str

    @classmethod
    def from_rows(cls, rows: dict[str, str]) -> "Templates":
        def group(prefix: str) -> dict[str, str]:
            return {k.removeprefix(prefix): v for k, v in rows.items() if k.startswith(prefix)}

        return cls(rows["signature"], group("case_type."), group("service."), group("template."), rows["result"],
                   rows["results_separator"])


def read_file(path: Path) -> dict[str, str]:
    """The file's texts as rows; a template that is missing or uses an unknown placeholder is refused."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = {"signature": doc["signature"], "result": doc["result"], "results_separator": doc["results_separator"]}
    rows.update({f"case_type.{k}": v for k, v in doc["case_types"].items()})
    rows.update({f"service.{k}": v for k, v in doc["services"].items()})
    for kind, allowed in KINDS.items():
        text = doc["templates"].get(kind)
        if not text:
            raise ValueError(f"{path.name}: templates.{kind} is missing")
        unknown = {name for _, name, _, _ in Formatter().parse(text) if name} - allowed
        if unknown:
            raise ValueError(f"{path.name}: templates.{kind} uses {sorted(unknown)}; it may use {sorted(allowed)}")
        rows[f"template.{kind}"] = text
    return rows


async def load(session: AsyncSession, path: Path) -> int:
    rows = read_file(path)
    await session.execute(delete(SmsTemplate))
    session.add_all(SmsTemplate(key=key, text=text) for key, text in rows.items())
    await session.flush()
    return len(rows)


async def stored(session: AsyncSession) -> Templates:
    rows = {key: text for key, text in await session.execute(select(SmsTemplate.key, SmsTemplate.text))}
    return Templates.from_rows(rows)
