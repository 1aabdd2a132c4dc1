"""The printed application form (申请表) of a case: which form, what it may show to this caller, the PDF.

Printing is reading: the caller's rows must hold the case, the item `Case.applicationFormUrl` (申请表打印) must
be granted in full, and each value on the form passes the catalogue policy as the same field read through the
API. The personal items printed are one audit READ (operation printApplicationForm), since a form shows ID
numbers in full to those who may read them.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.service import ReadLog
from hub.cases.models import Case
from hub.cases.repository import scoped_by
from hub.clock import local_day
from hub.commitments import repository as commitments
from hub.commitments.rules import ApplicationForm, current_texts, form_of
from hub.errors import Forbidden, HubError
from hub.forms import layouts, repository
from hub.forms.reading import read_case
from hub.i18n import _l
from hub.materials import repository as materials_repository
from hub.policy import filters
from hub.policy.plan import AccessPlan
from hub.reference import repository as reference_repository
from hub.reference import snapshot as reference_snapshot

PRINT_ITEM = "Case.applicationFormUrl"


@dataclass(frozen=True)
class PrintedForm:
    case_id: uuid.UUID
    number: str
    form: ApplicationForm
    pdf: bytes


async def print_form(session: AsyncSession, plan: AccessPlan, log: ReadLog, *, now: datetime,
                     case_id: uuid.UUID | None = None, number: str | None = None) -> PrintedForm | None:
    """None when the case is not one the caller sees (or does not exist); Forbidden when it may not print it."""
    case = await _case(session, plan, case_id=case_id, number=number)
    if case is None:
        return None
    case_roles = (await scoped_by(session, plan.scopes, [case.id]))[case.id]
    grant = plan.record_reads(None, case_roles).get(PRINT_ITEM)
    if grant is None or grant.masked:
        raise Forbidden(_l("printing the application form needs a full read of {item}", item=PRINT_ITEM))
    form = form_of(case.case_type, case.applicant.kind)
    assignments = await repository.seen_assignments(session, plan.lanes, case.id)
    conditions = _conditions(await reference_snapshot.current(session), case, assignments)
    printed = read_case(plan, case_roles, case, transfer=form == ApplicationForm.TRANSFER, assignments=assignments,
                        conditions=conditions, materials=await repository.materials(session, case.id), log=log)
    texts = await commitments.published_texts(session)
    text = texts.get(case.commitment.version) if case.commitment else current_texts(texts, local_day(now)).get(form)
    names = layouts.Names(
        districts={d.code: d.name for d in await reference_repository.districts(session)},
        material_types={m.code: m.name for m in await materials_repository.material_types(session)},
    )
    return PrintedForm(case.id, case.number, form, layouts.build(form, printed, text, names, now))


def _conditions(reference: reference_snapshot.ReferenceSnapshot, case: Case, assignments: list) -> dict[str, list[str]]:
    """Each service's preconditions in the materials catalogue, as `Assignment.preconditions` lists them."""
    out = {}
    for assignment in assignments:
        requirement = reference.requirement(case.case_type, assignment.service, case.applicant.kind)
        out[assignment.service] = list(requirement.conditions) if requirement else []
    return out


async def _case(session: AsyncSession, plan: AccessPlan, *, case_id: uuid.UUID | None, number: str | None):  # type: ignore[no-untyped-def]
    if case_id is not None:
        return await repository.case_to_print(session, plan.rows, case_id=case_id)
    try:
        readable = filters.readable(plan, "number", filters.CASE_LOOKUP["number"])
    except HubError:
        return None  # no role of the caller reads case numbers: no case has the number it asks for
    return await repository.case_to_print(session, plan.rows, number=(number or "").strip().upper(), readable=readable)
