"""Which time limit applies to an assignment, and how governance changes the rules."""

from dataclasses import dataclass
from datetime import datetime

import yaml
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Principal
from hub.catalogue import changes
from hub.enums import CaseType, Service
from hub.errors import ErrorCode
from hub.i18n import _l
from hub.kept import Kept, announce
from hub.policy import access
from hub.reference.loader import CATALOGUE_DIR
from hub.timelimits.models import TimeLimitRule
from hub.validation.checker import Checker

UNITS = ("WORKING_DAYS", "WORKING_HOURS", "SAME_WORKING_DAY")
VARIANTS = ("DEFAULT", "HIGH_VOLTAGE", "LOW_VOLTAGE_EXTERNAL_WORKS")


def variant_of(service: str, form: dict) -> str:
    """The rule variant a form selects: high voltage, or low voltage with external line works (外线工程)."""
    if service == Service.ELECTRICITY:
        if form.get("voltage") == "HIGH":
            return "HIGH_VOLTAGE"
        if form.get("external_line_works"):
            return "LOW_VOLTAGE_EXTERNAL_WORKS"
    return "DEFAULT"


async def current_rules(session: AsyncSession) -> dict[tuple[str, str, str], TimeLimitRule]:
    """The newest rule per (case type, service, variant)."""
    newest = select(func.max(TimeLimitRule.id)).group_by(TimeLimitRule.case_type, TimeLimitRule.service,
                                                         TimeLimitRule.variant)
    rows = (await session.scalars(select(TimeLimitRule).where(TimeLimitRule.id.in_(newest)))).all()
    return {(r.case_type, r.service, r.variant): r for r in rows}


@dataclass(frozen=True)
class Rule:
    """A rule as plain data (a rule never changes once written: a change is a new row)."""

    id: int
    case_type: str
    service: str
    variant: str
    unit: str
    amount: float


@dataclass(frozen=True)
class Rules:
    """The rules in force, by (case type, service, variant), and every rule by id (assignments keep theirs)."""

    current: dict[tuple[str, str, str], Rule]
    by_id: dict[int, Rule]


async def _load(session: AsyncSession) -> Rules:
    rows = (await session.execute(select(TimeLimitRule.id, TimeLimitRule.case_type, TimeLimitRule.service,
                                         TimeLimitRule.variant, TimeLimitRule.unit, TimeLimitRule.amount)
                                  .order_by(TimeLimitRule.id))).all()
    by_id = {row.id: Rule(*row) for row in rows}
    return Rules(current={(r.case_type, r.service, r.variant): r for r in by_id.values()}, by_id=by_id)  # newest wins


async def _stamp(session: AsyncSession) -> tuple:
    """Rules are only ever added."""
    return tuple((await session.execute(select(func.count(TimeLimitRule.id), func.max(TimeLimitRule.id)))).one())


KEPT = Kept("time_limit_rules", _load, _stamp)


async def kept_rules(session: AsyncSession) -> Rules:
    """Every rule, kept in memory until one is added (hub/kept.py): no query per request."""
    return await KEPT.get(session)


def rule_for(rules: dict, case_type: str, service: str, form: dict) -> "TimeLimitRule | Rule | None":
    return rules.get((case_type, service, variant_of(service, form))) or rules.get((case_type, service, "DEFAULT"))


async def load_defaults(session: AsyncSession, now: datetime) -> int:
    """Add the file's rules for keys that have none; never overrides a rule already in force."""
    doc = yaml.safe_load((CATALOGUE_DIR / "time_limits.yaml").read_text(encoding="utf-8"))
    existing = await current_rules(session)
    added = 0
    for rule in doc["rules"]:
        if (rule["case_type"], rule["service"], rule["variant"]) not in existing:
            session.add(TimeLimitRule(**rule, created_at=now, created_by="system:load-catalogue"))
            announce(session, KEPT.name)
            added += 1
    await session.flush()
    return added


async def set_rule(session: AsyncSession, *, principal: Principal, case_type: str, service: str, variant: str,
                   unit: str, amount: float, source: str, now: datetime) -> TimeLimitRule:
    """A new version of a rule (GOVERNANCE); assignments created from now on use it."""
    access.ensure_governance(principal)
    c = Checker()
    for field, value, allowed in (("caseType", case_type, [t.value for t in CaseType]),
                                  ("service", service, [s.value for s in Service]),
                                  ("variant", variant, VARIANTS), ("unit", unit, UNITS)):
        if value not in allowed:
            c.fail(field, ErrorCode.INVALID, _l("must be one of {values}", values=", ".join(allowed)))
    if unit != "SAME_WORKING_DAY" and not 0 < amount <= 365:
        c.fail("amount", ErrorCode.OUT_OF_RANGE, _l("must be greater than 0 and at most 365"))
    c.text({"source": source}, "source", "source", max_len=300, required=True)
    c.raise_if_any()
    rule = TimeLimitRule(case_type=case_type, service=service, variant=variant, unit=unit, amount=amount,
                         source=source.strip(), created_at=now, created_by=principal.subject)
    session.add(rule)
    announce(session, KEPT.name)
    await session.flush()
    changes.record(session, principal, now, entity="TIME_LIMIT_RULE", entity_id=f"{case_type}/{service}/{variant}",
                   action="SET", after={"id": rule.id, "unit": unit, "amount": amount, "source": rule.source})
    return rule
