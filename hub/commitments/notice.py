"""The personal-information notice (个人信息处理告知, 个人信息保护法 Art. 23): which organisations receive which
personal data of an application, for what purpose — derived from the sharing catalogue and the grants in force,
so that it says what the hub does, and changes when governance changes a grant.

Its SHA-256 names the version shown: a submission states the hash it showed, and one that showed an older
notice is asked to show the current one.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime

from hub.auth.principal import Principal
from hub.enums import Role
from hub.policy import plan as policy_plan
from hub.policy.snapshot import PolicySnapshot


@dataclass(frozen=True)
class NoticeItem:
    code: str
    name: str
    masked: bool  # 去标识化: the recipient sees it partly hidden


@dataclass(frozen=True)
class Recipient:
    """An organisation (or, for grants to a role, the bodies holding it) that receives personal data."""

    name: str
    organisation_code: str | None
    role: str | None
    services: tuple[str, ...]
    items: tuple[NoticeItem, ...]
    purposes: tuple[str, ...]


@dataclass(frozen=True)
class PrivacyNotice:
    preamble: str
    recipients: tuple[Recipient, ...]
    sha256: str


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str
    kind: str
    services: tuple[str, ...]


def build(snapshot: PolicySnapshot, organisations: Iterable[Organisation], *, preamble: str,
          role_recipients: Mapping[str, str], value_items: frozenset[str], now: datetime) -> PrivacyNotice:
    """Each utility as its systems read a case (its organisation's grants and the role UTILITY's), then each role
    named in `role_recipients` (supervisors, the platform's results feed). `value_items`: the catalogue items that
    are values, not objects or lists that only gate nested data."""
    recipients = []
    for org in sorted(organisations, key=lambda o: o.code):
        if org.kind == "UTILITY":
            grants = _reads(snapshot, Principal(subject="privacy-notice", organisation=org.code,
                                                roles=frozenset({Role.UTILITY})), now)
            recipients.append(_recipient(snapshot, grants, value_items, name=org.name,
                                         organisation_code=org.code, role=None, services=org.services))
    for role, name in role_recipients.items():
        recipients.append(_recipient(snapshot, _role_reads(snapshot, role, now), value_items, name=name,
                                     organisation_code=None, role=role, services=()))
    kept = tuple(r for r in recipients if r.items)
    return PrivacyNotice(preamble=preamble, recipients=kept, sha256=_digest(preamble, kept))


def _reads(snapshot: PolicySnapshot, principal: Principal, now: datetime) -> Mapping:
    return policy_plan.decide(snapshot, principal, now).lanes[0].reads


def _role_reads(snapshot: PolicySnapshot, role: str, now: datetime) -> Mapping:
    """What a holder of the role alone reads; PLATFORM_RESULTS is how the platform reads through its results feed."""
    results = role == policy_plan.RESULTS_LANE
    holder = Principal(subject="privacy-notice", organisation=None,
                       roles=frozenset({Role.PLATFORM if results else Role(role)}))
    plan = policy_plan.decide(snapshot, holder, now, results=results)
    return next(lane.reads for lane in plan.lanes if lane.role == role)


def _recipient(snapshot: PolicySnapshot, reads: Mapping, value_items: frozenset[str], *, name: str,
               organisation_code: str | None, role: str | None, services: tuple[str, ...]) -> Recipient:
    grants = {g.id: g for g in snapshot.grants}
    personal = sorted(code for code, access in reads.items() if access.audited and code in value_items)
    items = tuple(NoticeItem(code, snapshot.items[code].name, reads[code].masked) for code in personal)
    purposes = tuple(sorted({grants[reads[code].grant_id].purpose for code in personal}))
    return Recipient(name=name, organisation_code=organisation_code, role=role, services=tuple(services),
                     items=items, purposes=purposes)


def _digest(preamble: str, recipients: tuple[Recipient, ...]) -> str:
    canonical = json.dumps({"preamble": preamble, "recipients": [asdict(r) for r in recipients]},
                           ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
