"""Access rules: who may see which cases, and who may do what to them.

Row visibility is returned as plain data (`CaseScope`) that the repository
turns into SQL, so a case the caller may not see never leaves the database and
is indistinguishable from one that does not exist.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hub.auth.principal import Principal
from hub.enums import Channel, Role
from hub.errors import Forbidden, Unauthenticated
from hub.i18n import _l

SUBMITTING_ROLES = (Role.APPLICANT, Role.CLERK, Role.PLATFORM)
CHANNELS_BY_ROLE = {
    Role.APPLICANT: {Channel.MOBILE_APP, Channel.GOVERNMENT_PORTAL},
    Role.CLERK: {Channel.CITIZEN_CENTRE_WINDOW, Channel.UTILITY_HALL},
    Role.PLATFORM: set(Channel),
}


@dataclass(frozen=True)
class CaseScope:
    """Which cases a caller may read: the union of the listed conditions (empty = none)."""

    everything: bool = False
    applicant_subject: str | None = None  # APPLICANT: own cases, as applicant or agent
    submitted_by: tuple[tuple[str, str], ...] = ()  # (role, organisation) pairs: CLERK / PLATFORM of an organisation
    assigned_to: str | None = None  # UTILITY: cases with an assignment for this organisation

    @property
    def empty(self) -> bool:
        return not (self.everything or self.applicant_subject or self.submitted_by or self.assigned_to)

    def parts(self) -> list["CaseScope"]:
        """The scope as a union of scopes of one condition each (`everything` is one)."""
        if self.everything:
            return [self]
        parts = [CaseScope(applicant_subject=self.applicant_subject)] if self.applicant_subject else []
        parts += [CaseScope(submitted_by=(pair,)) for pair in self.submitted_by]
        return parts + ([CaseScope(assigned_to=self.assigned_to)] if self.assigned_to else [])


def role_scope(principal: Principal, role: Role) -> CaseScope:
    """The cases one of the principal's roles scopes (GOVERNANCE: none)."""
    if role == Role.SUPERVISOR:
        return CaseScope(everything=True)
    if role == Role.APPLICANT:
        return CaseScope(applicant_subject=principal.subject)
    if not principal.organisation:
        return CaseScope()
    if role in (Role.CLERK, Role.PLATFORM):
        return CaseScope(submitted_by=((role.value, principal.organisation),))
    if role == Role.UTILITY:
        return CaseScope(assigned_to=principal.organisation)
    return CaseScope()


def union(scopes: list[CaseScope]) -> CaseScope:
    """Every case any of the scopes includes."""
    return CaseScope(
        everything=any(s.everything for s in scopes),
        applicant_subject=next((s.applicant_subject for s in scopes if s.applicant_subject), None),
        submitted_by=tuple(pair for s in scopes for pair in s.submitted_by),
        assigned_to=next((s.assigned_to for s in scopes if s.assigned_to), None),
    )


def submitting_role(principal: Principal, channel: str) -> Role:
    """The role a submission is made under; refuses callers who may not submit through `channel`."""
    for role in SUBMITTING_ROLES:
        if role in principal.roles and channel in CHANNELS_BY_ROLE[role]:
            return role
    if any(role in principal.roles for role in SUBMITTING_ROLES):
        raise Forbidden(_l("your role may not submit through channel {channel}", channel=channel))
    raise Forbidden(_l("submitting cases needs the role APPLICANT, CLERK or PLATFORM"))


def ensure_may_supplement(covering_roles: Iterable[Role]) -> None:
    """补正: the applicant, a clerk or the platform may add materials to a case it sees in that role
    (`covering_roles`: the caller's roles that scope the case)."""
    if not any(r in SUBMITTING_ROLES for r in covering_roles):
        raise Forbidden(_l("adding materials needs the role APPLICANT, CLERK or PLATFORM"))


def ensure_may_write_assignment(principal: Principal, organisation_code: str) -> None:
    """Only the utility that owns an assignment writes it back (others' assignments are invisible to a utility)."""
    if Role.UTILITY not in principal.roles or principal.organisation != organisation_code:
        raise Forbidden(_l("only the utility that owns this assignment may change it"))


def work_queue_organisation(principal: Principal, requested: str | None) -> str:
    """A utility reads its own organisation's queue, never another's."""
    if Role.UTILITY not in principal.roles or not principal.organisation:
        raise Forbidden(_l("the work queue is for utility systems (role UTILITY)"))
    if requested and requested != principal.organisation:
        raise Forbidden(_l("a utility reads only its own organisation's work queue"))
    return principal.organisation


def ensure_client_active(snapshot, principal: Principal) -> None:  # type: ignore[no-untyped-def]
    """Tokens of a disabled client, or issued before its secret was rotated, stop working at once."""
    if principal.client_id is None:
        return
    state = snapshot.clients.get(principal.client_id)
    if state is None or not state.enabled or state.generation != principal.client_generation:
        raise Unauthenticated(_l("the client behind this token is disabled or its secret was rotated"))


def ensure_may_write(writes: Mapping[str, str], codes: set[str]) -> None:
    """`writes`: the WRITE grants of the caller's roles that act on the record (see AccessPlan)."""
    missing = codes - writes.keys()
    if missing:
        raise Forbidden(_l("no WRITE grant for {items}", items=", ".join(sorted(missing))))


FILE_ITEM = "Material.file"
# A download reaches the same content as the API's Material.file.downloadUrl, so it needs the same items.
FILE_DOWNLOAD_ITEMS = ("Case.materials", FILE_ITEM, "MaterialFile.downloadUrl")


def ensure_may_upload(writes: Mapping[str, str]) -> None:
    """Uploading is the first half of writing a material's file: the same WRITE grant (the intake roles).
    `writes`: those of every role the caller holds, since a file belongs to no record until attached."""
    ensure_may_write(writes, {FILE_ITEM})


def file_download_grants(reads: Mapping) -> list[str] | None:  # type: ignore[type-arg]
    """The grants a download rests on, or None unless every item on the way to the file is read in full.

    `reads`: what the caller reads on the material's case, with the roles that scope that case
    (AccessPlan.record_reads), as for every other field of the record.
    """
    reads = [reads.get(code) for code in FILE_DOWNLOAD_ITEMS]
    if any(read is None or read.masked for read in reads):
        return None
    return sorted({read.grant_id for read in reads})


def ensure_governance(principal: Principal) -> None:
    if Role.GOVERNANCE not in principal.roles:
        raise Forbidden(_l("this needs the role GOVERNANCE"))


def requesting_organisation(principal: Principal) -> str:
    """Conditional sharing is requested by an organisation's system or staff (a utility)."""
    if Role.UTILITY not in principal.roles or not principal.organisation:
        raise Forbidden(_l("sharing requests are made by utilities (role UTILITY)"))
    return principal.organisation


def sharing_requests_visible_to(principal: Principal) -> str | None:
    """GOVERNANCE sees every request (None); a utility only its own organisation's."""
    if Role.GOVERNANCE in principal.roles:
        return None
    return requesting_organisation(principal)


def ensure_role(principal: Principal, role: Role) -> None:
    if role not in principal.roles:
        raise Forbidden(_l("this needs the role {role}", role=role.value))



def registered_documents_only(principal: Principal, restricted_roles: frozenset[Role]) -> bool:
    """Whether the caller may send only registered documents (HUB_REGISTERED_DOCUMENTS_ONLY): so if any of its
    roles is held to them, since the document runs with all of the caller's roles."""
    return not principal.roles.isdisjoint(restricted_roles)
