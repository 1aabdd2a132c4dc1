"""Finding a case taken at any window (无差别受理): by case number, ID number, phone or address.

A personal value is never kept for lookup in clear. Each is normalised and stored as a keyed hash
(`case_search_keys`): HMAC-SHA-256 under a key derived from the hub's signing key, cut to 128 bits. Without that
key the table cannot be turned back into ID numbers or phones by trying every candidate (an ID number has only
about 10^11 plausible values; a plain hash would be reversed in hours). The search term is hashed the same way
and matched exactly, from one index, newest case first.

- ID numbers (身份证号) of the applicant and the agent: GB 11643 checked, 18 characters, upper case.
- Phones of the applicant and the agent: E.164 through `phonenumbers` (+8613800138000).
- The site's address: NFKC, case folded, letters and digits only; every pair of adjacent characters (a bigram,
  the usual token for Chinese text, which has no spaces) is one key. A term matches a case whose address has
  every pair of the term: "北门大街12号" finds "开封市龙亭区北门大街 12 号 3 单元 402". Works alike on SQLite and
  PostgreSQL (a plain B-tree; no trigram extension).
- The whole site (district and normalised address) is one more key, for duplicate detection (hub.cases.duplicates).

Replacing the signing key changes every hash: run `hub search-index --rebuild` afterwards.
"""

import hashlib
import hmac
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from joserfc.jwk import ECKey
from sqlalchemy import Select, delete, exists, false, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from hub.cases.models import Case, CaseSearchKey
from hub.db import Database
from hub.errors import ErrorCode, FieldProblem, InvalidInput
from hub.validation import identifiers
from hub.i18n import _l

ID_NUMBER, PHONE, ADDRESS, SITE = "ID_NUMBER", "PHONE", "ADDRESS", "SITE"
ARGUMENTS = {"case_number": "caseNumber", "id_number": "idNumber", "phone": "phone", "address": "address"}  # API names
MIN_ADDRESS_CHARACTERS = 4  # a shorter term (a district, a road name alone) would sweep up whole neighbourhoods
MAX_ADDRESS_CHARACTERS = 60
RAREST_CAP = 1000  # enough to tell a rare pair from a common one; bounds the cost of counting


class SearchKeys:
    """Turns normalised values into the keyed hashes stored and searched for."""

    def __init__(self, secret: bytes):
        self._secret = secret

    @classmethod
    def from_signing_key(cls, key: ECKey) -> "SearchKeys":
        private = key.as_dict(private=True)["d"].encode()
        return cls(hmac.new(private, b"kaifeng-hub case search keys v1", hashlib.sha256).digest())

    def digest(self, kind: str, value: str) -> str:
        return hmac.new(self._secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]

    def site(self, district_code: str, address: str | None) -> str | None:
        normal = address_text(address or "")
        return self.digest(SITE, f"{district_code}|{normal}") if normal else None

    def of_case(self, case: Case) -> list[CaseSearchKey]:
        """Every search key of a case, from its applicant, agent and site."""
        return [CaseSearchKey(**row) for row in self.rows_of_case(case)]

    def rows_of_case(self, case: Case) -> list[dict]:
        """The same as plain rows of case_search_keys (hub.db.queue_insert)."""
        pairs: set[tuple[str, str]] = set()
        for person in (case.applicant, case.agent):
            if person is None:
                continue
            if person.id_number:
                pairs.add((ID_NUMBER, self.digest(ID_NUMBER, person.id_number.upper())))
            if person.phone:
                pairs.add((PHONE, self.digest(PHONE, e164(person.phone))))
        pairs |= {(ADDRESS, self.digest(ADDRESS, gram)) for gram in bigrams(address_text(case.site.address or ""))}
        site = self.site(case.site.district_code, case.site.address)
        if site:
            pairs.add((SITE, site))
        return [{"case_id": case.id, "kind": kind, "digest": digest, "submitted_at": case.submitted_at}
                for kind, digest in sorted(pairs)]


def e164(national: str) -> str:
    """A stored mainland mobile number (11 national digits) in E.164."""
    return f"+86{national}"


def address_text(address: str) -> str:
    """Full-width forms folded (NFKC), case folded, letters and digits only: "北门大街 １２号" → "北门大街12号"."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", address).casefold() if ch.isalnum())


def bigrams(text: str) -> list[str]:
    return list(dict.fromkeys(text[i:i + 2] for i in range(len(text) - 1)))


@dataclass(frozen=True)
class Term:
    """One normalised search: the kind of key and the digests every match must have (a case number: its value)."""

    argument: str  # the API's name: caseNumber, idNumber, phone, address
    kind: str | None  # None: the case number, matched on the cases table itself
    values: tuple[str, ...]


def term(keys: SearchKeys, by: dict, today: date) -> Term:
    """The search `by` names exactly one key; InvalidInput naming `by.<argument>` and why otherwise."""
    given = {k: v for k, v in by.items() if v is not None}
    if len(given) != 1:
        raise InvalidInput([FieldProblem("by", ErrorCode.INVALID,
                                         _l("give exactly one of caseNumber, idNumber, phone, address"))])
    (argument, raw), = given.items()
    try:
        return _term(keys, argument, str(raw), today)
    except ValueError as error:
        # the validators' messages are marked for translation: pass them on as they are
        raise InvalidInput([FieldProblem(f"by.{ARGUMENTS[argument]}", ErrorCode.INVALID, error.args[0])]) from None


def _term(keys: SearchKeys, argument: str, raw: str, today: date) -> Term:
    name = ARGUMENTS[argument]
    if argument == "case_number":
        return Term(name, None, (raw.strip().upper(),))
    if argument == "id_number":
        return Term(name, ID_NUMBER, (keys.digest(ID_NUMBER, identifiers.resident_id_number(raw, today=today)),))
    if argument == "phone":
        return Term(name, PHONE, (keys.digest(PHONE, e164(identifiers.mobile_number(raw))),))
    text = address_text(raw)
    if not MIN_ADDRESS_CHARACTERS <= len(text) <= MAX_ADDRESS_CHARACTERS:
        raise ValueError(_l("must have {least} to {most} letters or digits", least=MIN_ADDRESS_CHARACTERS,
                            most=MAX_ADDRESS_CHARACTERS))
    return Term(name, ADDRESS, tuple(keys.digest(ADDRESS, gram) for gram in bigrams(text)))


async def rarest_first(session: AsyncSession, found: Term) -> Term:
    """An address term's pairs ordered by how many cases have them, counted up to RAREST_CAP each from the
    index: the page is then walked from the rarest pair ("12" of a house number, not "开封" of every address),
    and each candidate is probed for the others by primary key."""
    if len(found.values) < 2:
        return found
    counts = [select(func.count()).select_from(
        select(CaseSearchKey.case_id).where(CaseSearchKey.kind == found.kind, CaseSearchKey.digest == value)
        .limit(RAREST_CAP).subquery()).scalar_subquery() for value in found.values]
    row = (await session.execute(select(*counts))).one()
    ordered = [value for _, value in sorted(zip(row, found.values, strict=True), key=lambda pair: pair[0])]
    return Term(found.argument, found.kind, tuple(ordered))


def page_query(found: Term, *, first: int, after: uuid.UUID | None) -> Select:
    """Case ids matching the term, newest first by (submitted_at, id), one more than `first`."""
    if found.kind is None:  # one case at most: nothing follows it
        stmt = select(Case.id.label("case_id"), Case.submitted_at).where(Case.number == found.values[0])
        return stmt.where(false()) if after is not None else stmt
    driver = aliased(CaseSearchKey)
    stmt = select(driver.case_id, driver.submitted_at).where(driver.kind == found.kind, driver.digest == found.values[0])
    for value in found.values[1:]:
        other = aliased(CaseSearchKey)
        stmt = stmt.where(exists().where(other.case_id == driver.case_id, other.kind == found.kind,
                                         other.digest == value).correlate(driver))
    if after is not None:
        position = select(Case.submitted_at).where(Case.id == after).scalar_subquery()
        stmt = stmt.where(tuple_(driver.submitted_at, driver.case_id) < tuple_(position, after))
    return stmt.order_by(driver.submitted_at.desc(), driver.case_id.desc()).limit(first + 1)


async def page(session: AsyncSession, found: Term, *, first: int, after: uuid.UUID | None) -> tuple[list[Case], bool]:
    found = await rarest_first(session, found)
    ids = [row.case_id for row in (await session.execute(page_query(found, first=first, after=after))).all()]
    rows = {c.id: c for c in (await session.scalars(select(Case).where(Case.id.in_(ids[:first])))).all()}
    return [rows[i] for i in ids[:first] if i in rows], len(ids) > first


async def forget(session: AsyncSession, case_ids: Iterable[uuid.UUID]) -> None:
    """Erasure: a case whose personal data is gone can no longer be found by it."""
    await session.execute(delete(CaseSearchKey).where(CaseSearchKey.case_id.in_(list(case_ids))))


async def index_all(db: Database, keys: SearchKeys, *, rebuild: bool = False, batch: int = 500) -> int:
    """Write the keys of every case that has none (taken before the search existed), a batch per transaction;
    with `rebuild`, of every case (after the signing key was replaced). How many cases were indexed."""
    if rebuild:
        async with db.write() as session:
            await session.execute(delete(CaseSearchKey))
    total = 0
    while True:
        async with db.write() as session:
            ids = await unindexed_case_ids(session, batch)
            for case in await with_parties(session, ids):
                session.add_all(keys.of_case(case))
        total += len(ids)
        if len(ids) < batch:
            return total


async def unindexed_case_ids(session: AsyncSession, limit: int) -> list[uuid.UUID]:
    """Cases without keys whose personal data is still held, a batch at a time."""
    indexed = exists().where(CaseSearchKey.case_id == Case.id)
    stmt = select(Case.id).where(~indexed, Case.personal_data_erased_at.is_(None)).order_by(Case.id).limit(limit)
    return list((await session.scalars(stmt)).all())


async def with_parties(session: AsyncSession, case_ids: list[uuid.UUID]) -> list[Case]:
    stmt = select(Case).where(Case.id.in_(case_ids)).options(
        selectinload(Case.applicant), selectinload(Case.agent), selectinload(Case.site))
    return list((await session.scalars(stmt)).all())
