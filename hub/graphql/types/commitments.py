"""The applicant's commitment (申请人签章 / 承诺), its published texts and the personal-information notice."""

import uuid
from datetime import date, datetime

import strawberry
from strawberry.types import Info

from hub.commitments import notice as domain_notice
from hub.commitments.rules import ApplicationForm, CommitmentChannel, IdentityVerification, PublishedText, Signatory
from hub.enums import Service

for _enum in (ApplicationForm, CommitmentChannel, IdentityVerification, Signatory):
    strawberry.enum(_enum, description=(_enum.__doc__ or "").strip() or None)


@strawberry.type(description="One published version of a form's commitment wording (申请人签章); it never changes.")
class CommitmentText:
    form: ApplicationForm | None
    version: str | None = strawberry.field(description="Name this in `commitment.version` when submitting.")
    title: str | None = strawberry.field(description="The form's title, e.g. 水电气暖信报装申请表（个人报装）.")
    signature_label: str | None = strawberry.field(description="签字, 签章 or 申请用户确认.")
    text: str | None
    sha256: str | None = strawberry.field(description="SHA-256 of the UTF-8 text.")
    effective_from: date | None
    source: str | None = strawberry.field(description="Where the wording comes from.")

    @classmethod
    def from_text(cls, text: PublishedText) -> "CommitmentText":
        return cls(form=ApplicationForm(text.form), version=text.version, title=text.title,
                   signature_label=text.signature_label, text=text.text, sha256=text.sha256,
                   effective_from=text.effective_from, source=text.source)


@strawberry.type(description="申请人承诺: who agreed to which text, when, how, and which notice they were shown.")
class Commitment:
    version: str | None
    agreed_by: Signatory | None
    agreed_at: datetime | None
    channel: CommitmentChannel | None
    identity_verification: IdentityVerification | None
    text_sha256: str | None = strawberry.field(description="SHA-256 of the wording agreed to.")
    notice_sha256: str | None = strawberry.field(description="SHA-256 of the personal-information notice shown.")
    recorded_by: str | None = strawberry.field(description="The account that recorded the agreement.")
    recorded_at: datetime | None
    case_ref: strawberry.Private[uuid.UUID | None] = None

    @strawberry.field(description="The wording agreed to.")
    async def text(self, info: Info) -> CommitmentText | None:
        text = (await info.context.loaders.reference.commitment_texts()).get(self.version)
        return CommitmentText.from_text(text) if text else None

    @classmethod
    def from_row(cls, row) -> "Commitment":  # type: ignore[no-untyped-def]
        return cls(version=row.version, agreed_by=Signatory(row.agreed_by), agreed_at=row.agreed_at,
                   channel=CommitmentChannel(row.channel),
                   identity_verification=IdentityVerification(row.identity_verification),
                   text_sha256=row.text_sha256, notice_sha256=row.notice_sha256, recorded_by=row.recorded_by,
                   recorded_at=row.recorded_at, case_ref=row.case_id)


@strawberry.type(description="A personal data item a recipient receives.")
class NoticeItem:
    code: str | None = strawberry.field(description="The catalogue item, e.g. Applicant.idNumber.")
    name: str | None
    masked: bool | None = strawberry.field(description="去标识化: the recipient sees it partly hidden.")


@strawberry.type(description="An organisation (or the bodies holding a role) that receives personal data.")
class NoticeRecipient:
    name: str | None
    organisation_code: str | None
    role: str | None = strawberry.field(description="Set when the data goes to the holders of a role (e.g. SUPERVISOR).")
    services: list[Service] | None = strawberry.field(description="It receives the data of applications for these.")
    items: list[NoticeItem] | None
    purposes: list[str] | None


@strawberry.type(description="个人信息处理告知 (个人信息保护法 Art. 23), derived from the sharing catalogue in force.")
class PrivacyNotice:
    preamble: str | None
    recipients: list[NoticeRecipient] | None
    sha256: str | None = strawberry.field(description="Name this in `commitment.noticeSha256` when submitting.")

    @classmethod
    def from_notice(cls, notice: domain_notice.PrivacyNotice) -> "PrivacyNotice":
        return cls(preamble=notice.preamble, sha256=notice.sha256, recipients=[
            NoticeRecipient(name=r.name, organisation_code=r.organisation_code, role=r.role,
                            services=[Service(s) for s in r.services], purposes=list(r.purposes),
                            items=[NoticeItem(code=i.code, name=i.name, masked=i.masked) for i in r.items])
            for r in notice.recipients])
