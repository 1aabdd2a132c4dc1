"""Possible duplicates at submission (疑似重复申请): one errand should not be filed twice.

A transfer (过户) names existing 户号: another case whose assignment for the same service, with the same account
number, is still open (not finished) is a possible duplicate. A connection (报装) asks for service at a site:
another open connection for the same service at the same site (district and normalised address, as one search
key) is one too. Such a submission is refused with POSSIBLE_DUPLICATE and nothing written, unless it states
`duplicateOverride { reason }`: then it is filed, and the reason is kept on the case and in the audit log.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import bindparam, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from hub.assignments.models import Assignment
from hub.cases.models import Case, CaseSearchKey
from hub.cases.search import SITE, SearchKeys
from hub.db import lock_names
from hub.enums import CaseType
from hub.validation.checker import Checker

REASON_LENGTH = 500


@dataclass(frozen=True)
class Match:
    """Open cases that ask for the same thing as one part of the submission."""

    field: str  # the input that matches, e.g. water.accountNumber or site.address
    service: str
    case_ids: tuple[uuid.UUID, ...]


def override_reason(data: dict | None) -> str | None:
    """`duplicateOverride { reason }` checked: a reason of 1 to 500 characters."""
    if data is None:
        return None
    c = Checker()
    reason = c.text(data, "reason", "duplicateOverride.reason", max_len=REASON_LENGTH, required=True)
    c.raise_if_any()
    return reason


def _keys(keys: SearchKeys, valid: dict) -> list[tuple[str, str, str]]:
    """(field, service, key) for each part of the submission that another case could also ask for."""
    services = valid["services"]
    if valid["case_type"] == CaseType.TRANSFER:
        return [(f"{service.lower()}.accountNumber", service, form["account_number"])
                for service, form in services.items() if form.get("account_number")]
    site = keys.site(valid["site"]["district_code"], valid["site"]["address"])
    return [("site.address", service, site) for service in services] if site else []


async def find(session: AsyncSession, keys: SearchKeys, valid: dict) -> list[Match]:
    """Open cases matching the submission, after taking a lock per key until commit (PostgreSQL; SQLite writes
    one at a time already), so two clerks filing the same errand at once cannot both miss the other. One
    statement for all the keys (a branch each)."""
    wanted = _keys(keys, valid)
    await lock_names(session, [f"duplicate|{service}|{key}" for _, service, key in wanted])
    if not wanted:
        return []
    params = {f"service{i}": service for i, (_, service, _) in enumerate(wanted)}
    params.update({f"key{i}": key for i, (_, _, key) in enumerate(wanted)})
    found: dict[int, set] = {}
    for i, case_id in (await session.execute(_matching(valid["case_type"], len(wanted)), params)).all():
        found.setdefault(i, set()).add(case_id)
    return [Match(field, service, tuple(sorted(found[i]))) for i, (field, service, _) in enumerate(wanted) if i in found]


_statements: dict[tuple[str, int], object] = {}


def _matching(case_type: str, count: int):  # type: ignore[no-untyped-def]
    """(branch, case id) of the open cases matching each of `count` keys (bound as service<i>, key<i>)."""
    stmt = _statements.get((case_type, count))
    if stmt is None:
        branches = []
        for i in range(count):
            if case_type == CaseType.TRANSFER:
                branch = select(literal(i).label("branch"), Assignment.case_id).where(
                    Assignment.service == bindparam(f"service{i}"), Assignment.account_number == bindparam(f"key{i}"))
            else:
                branch = (select(literal(i).label("branch"), Assignment.case_id)
                          .join(CaseSearchKey, CaseSearchKey.case_id == Assignment.case_id)
                          .join(Case, Case.id == Assignment.case_id)
                          .where(CaseSearchKey.kind == SITE, CaseSearchKey.digest == bindparam(f"key{i}"),
                                 Assignment.service == bindparam(f"service{i}"),
                                 Case.case_type == CaseType.CONNECTION))
            branches.append(branch.where(Assignment.finished_at.is_(None)))
        stmt = _statements[(case_type, count)] = branches[0] if count == 1 else union_all(*branches)
    return stmt
