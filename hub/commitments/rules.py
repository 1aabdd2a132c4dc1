"""Rules of the applicant's commitment (申请人签章 / 承诺): which text a case's form carries, and what a
submission must state about the agreement. Plain data in and out; no database, no GraphQL."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from hub.enums import ApplicantKind, CaseType, Channel
from hub.errors import ErrorCode
from hub.validation.checker import Checker, section
from hub.i18n import _l

MAX_AGE = timedelta(days=7)  # a signature taken at the window is entered the same week, not later
CLOCK_SKEW = timedelta(minutes=5)


class ApplicationForm(StrEnum):
    """The printed form (申请表) a case is filed on."""

    CONNECTION_INDIVIDUAL = "CONNECTION_INDIVIDUAL"  # 水电气暖信报装申请表（个人报装）
    CONNECTION_ENTERPRISE = "CONNECTION_ENTERPRISE"  # 水电气暖信报装申请表（企业报装）
    TRANSFER = "TRANSFER"  # 一次过户申请表


class Signatory(StrEnum):
    """Who agreed: the applicant (an enterprise by its seal), its legal representative, or the agent (经办人)."""

    APPLICANT = "APPLICANT"
    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"
    AGENT = "AGENT"


class CommitmentChannel(StrEnum):
    """How the agreement was given."""

    WINDOW_SIGNATURE = "WINDOW_SIGNATURE"  # 在纸质申请表上签字/签章 at the window
    SIGNATURE_PAD = "SIGNATURE_PAD"  # 窗口电子签名板
    ONLINE_CONSENT = "ONLINE_CONSENT"  # 汴捷办 / 开封政务服务网 勾选确认


class IdentityVerification(StrEnum):
    """How the signer's identity was established."""

    ID_CARD_CHECKED = "ID_CARD_CHECKED"  # 窗口人员核验身份证原件
    ID_CARD_READER = "ID_CARD_READER"  # 身份证阅读器读取
    REAL_NAME_LOGIN = "REAL_NAME_LOGIN"  # 实名认证账号登录


WINDOW_CHANNELS = frozenset({Channel.CITIZEN_CENTRE_WINDOW, Channel.UTILITY_HALL})
ONLINE_CHANNELS = frozenset({Channel.MOBILE_APP, Channel.GOVERNMENT_PORTAL})
IN_PERSON = frozenset({CommitmentChannel.WINDOW_SIGNATURE, CommitmentChannel.SIGNATURE_PAD})
IN_PERSON_CHECKS = frozenset({IdentityVerification.ID_CARD_CHECKED, IdentityVerification.ID_CARD_READER})


@dataclass(frozen=True)
class PublishedText:
    """One published version of a form's commitment wording."""

    version: str
    form: str
    title: str
    signature_label: str
    source: str
    text: str
    sha256: str
    effective_from: date


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def form_of(case_type: str | None, applicant_kind: str | None) -> ApplicationForm | None:
    if case_type == CaseType.TRANSFER:
        return ApplicationForm.TRANSFER
    if case_type == CaseType.CONNECTION and applicant_kind == ApplicantKind.ENTERPRISE:
        return ApplicationForm.CONNECTION_ENTERPRISE
    if case_type == CaseType.CONNECTION and applicant_kind == ApplicantKind.INDIVIDUAL:
        return ApplicationForm.CONNECTION_INDIVIDUAL
    return None


def current_texts(texts: dict[str, PublishedText], today: date) -> dict[str, PublishedText]:
    """Per form, the newest version in force today. Before a form's first version (a hub clock set back for a
    demonstration or a test) that first version applies: there is no older wording to hold an applicant to."""
    current: dict[str, PublishedText] = {}
    for text in sorted(texts.values(), key=lambda t: t.effective_from):
        if text.effective_from <= today or text.form not in current:
            current[text.form] = text
    return current


@dataclass(frozen=True)
class Context:
    """What the commitment is checked against: the rest of the submission and the texts and notice in force."""

    form: ApplicationForm | None
    case_channel: str | None
    applicant_kind: str | None
    has_agent: bool
    texts: dict[str, PublishedText]
    notice_sha256: str | None
    now: datetime
    today: date


def validate_commitment(c: Checker, data: object, ctx: Context) -> dict | None:
    if data is None:
        c.fail("commitment", ErrorCode.REQUIRED, _l("the applicant's commitment (申请人签章/承诺) is required: "
               "show the form's current text (commitmentTexts) and the privacyNotice, and state how it was agreed"))
        return None
    data = section(data)
    out = {
        "version": _version(c, data, ctx),
        "agreed_by": c.enum(data, "agreed_by", "commitment.agreed_by", Signatory) or Signatory.APPLICANT.value,
        "agreed_at": _agreed_at(c, data, ctx),
        "channel": c.enum(data, "channel", "commitment.channel", CommitmentChannel, required=True),
        "identity_verification": c.enum(data, "identity_verification", "commitment.identity_verification",
                                        IdentityVerification, required=True),
        "notice_sha256": _notice(c, data, ctx),
    }
    _signatory(c, out["agreed_by"], ctx)
    _how(c, out["channel"], out["identity_verification"], ctx)
    return out


def _version(c: Checker, data: dict, ctx: Context) -> str | None:
    version = c.text(data, "version", "commitment.version", max_len=60, required=True)
    if version is None:
        return None
    text = ctx.texts.get(version)
    current = current_texts(ctx.texts, ctx.today).get(ctx.form) if ctx.form else None
    if text is None:
        c.fail("commitment.version", ErrorCode.INVALID, _l("is not a published commitment text (see commitmentTexts)"))
    elif ctx.form is None:
        return None  # the case type or applicant kind is itself wrong and reported
    elif text.form != ctx.form:
        c.fail("commitment.version", ErrorCode.INVALID,
               _l("is the text of the {form} form; this application is on the {expected} form (current version "
                  "{current})", form=text.form, expected=ctx.form, current=current.version) if current else
               _l("is the text of the {form} form; this application is on the {expected} form", form=text.form,
                  expected=ctx.form))
    elif current is None or current.version != version:
        c.fail("commitment.version", ErrorCode.INVALID,
               _l("is not the version in force: show the current text, version {current}, and ask again",
                  current=current.version) if current else _l("is not the version in force"))
    else:
        return version
    return None


def _agreed_at(c: Checker, data: dict, ctx: Context) -> datetime:
    value = data.get("agreed_at")
    if value is None:
        return ctx.now
    if not isinstance(value, datetime) or value.tzinfo is None:
        c.fail("commitment.agreed_at", ErrorCode.INVALID, _l("must be a time with an offset, e.g. 2026-11-27T09:30:00+08:00"))
        return ctx.now
    if value > ctx.now + CLOCK_SKEW or value < ctx.now - MAX_AGE:
        c.fail("commitment.agreed_at", ErrorCode.OUT_OF_RANGE,
               _l("must lie within the last {days} days and not in the future", days=MAX_AGE.days))
    return value


def _notice(c: Checker, data: dict, ctx: Context) -> str | None:
    shown = c.text(data, "notice_sha256", "commitment.notice_sha256", max_len=64, required=True)
    if shown is not None and shown.lower() != ctx.notice_sha256:
        c.fail("commitment.notice_sha256", ErrorCode.INVALID,
               _l("is not the personal-information notice in force: show the current privacyNotice and ask again"))
        return None
    return shown.lower() if shown else None


def _signatory(c: Checker, agreed_by: str, ctx: Context) -> None:
    if agreed_by == Signatory.AGENT and not ctx.has_agent:
        c.fail("commitment.agreed_by", ErrorCode.INVALID, _l("AGENT needs the agent (经办人) on the application"))
    if agreed_by == Signatory.LEGAL_REPRESENTATIVE and ctx.applicant_kind != ApplicantKind.ENTERPRISE:
        c.fail("commitment.agreed_by", ErrorCode.INVALID, _l("LEGAL_REPRESENTATIVE applies to enterprise applicants only"))


def _how(c: Checker, channel: str | None, check: str | None, ctx: Context) -> None:
    """In person at a window: a signature and an identity document; online: consent under a real-name login."""
    if channel is None:
        return
    if ctx.case_channel in WINDOW_CHANNELS and channel not in IN_PERSON:
        c.fail("commitment.channel", ErrorCode.INVALID, _l("an application taken at a window is signed there "
               "(WINDOW_SIGNATURE or SIGNATURE_PAD)"))
    elif ctx.case_channel in ONLINE_CHANNELS and channel != CommitmentChannel.ONLINE_CONSENT:
        c.fail("commitment.channel", ErrorCode.INVALID, _l("an application made online is agreed online (ONLINE_CONSENT)"))
    if check is None:
        return
    if channel in IN_PERSON and check not in IN_PERSON_CHECKS:
        c.fail("commitment.identity_verification", ErrorCode.INVALID,
               _l("a signature in person goes with the identity document checked (ID_CARD_CHECKED or ID_CARD_READER)"))
    elif channel == CommitmentChannel.ONLINE_CONSENT and check != IdentityVerification.REAL_NAME_LOGIN:
        c.fail("commitment.identity_verification", ErrorCode.INVALID, _l("online consent goes with REAL_NAME_LOGIN"))
