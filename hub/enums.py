"""The hub's shared vocabulary. Values are stable API and database codes."""

from enum import StrEnum


class CaseType(StrEnum):
    """过户 moves existing accounts; 报装 asks for new service."""

    TRANSFER = "TRANSFER"
    CONNECTION = "CONNECTION"


class Service(StrEnum):
    WATER = "WATER"
    ELECTRICITY = "ELECTRICITY"
    GAS = "GAS"
    HEATING = "HEATING"
    TELECOM = "TELECOM"


class ApplicantKind(StrEnum):
    INDIVIDUAL = "INDIVIDUAL"
    ENTERPRISE = "ENTERPRISE"


class EnterpriseType(StrEnum):
    """企业类型 on the enterprise form: 民营 / 国企 / 事业单位."""

    PRIVATE = "PRIVATE"
    STATE_OWNED = "STATE_OWNED"
    PUBLIC_INSTITUTION = "PUBLIC_INSTITUTION"


class Channel(StrEnum):
    """Where the application was taken (一窗受理 at any of them)."""

    CITIZEN_CENTRE_WINDOW = "CITIZEN_CENTRE_WINDOW"  # 市民之家窗口
    UTILITY_HALL = "UTILITY_HALL"  # a utility's business hall
    GOVERNMENT_PORTAL = "GOVERNMENT_PORTAL"  # 开封政务服务网
    MOBILE_APP = "MOBILE_APP"  # 汴捷办 APP
    GOVERNMENT_PLATFORM = "GOVERNMENT_PLATFORM"  # 一体化政务平台 / 统一收件平台


class AssignmentStatus(StrEnum):
    PENDING = "PENDING"
    RECEIVED = "RECEIVED"
    ACCEPTED = "ACCEPTED"  # 受理
    NEEDS_MATERIALS = "NEEDS_MATERIALS"  # 补正
    COMPLETED = "COMPLETED"
    REJECTED = "REJECTED"


TERMINAL_ASSIGNMENT_STATUSES = frozenset({AssignmentStatus.COMPLETED, AssignmentStatus.REJECTED})


class CaseStatus(StrEnum):
    """Derived from the case's assignments, never set directly."""

    SUBMITTED = "SUBMITTED"
    IN_PROGRESS = "IN_PROGRESS"
    NEEDS_MATERIALS = "NEEDS_MATERIALS"
    COMPLETED = "COMPLETED"
    PARTIALLY_COMPLETED = "PARTIALLY_COMPLETED"
    REJECTED = "REJECTED"


class Role(StrEnum):
    APPLICANT = "APPLICANT"
    CLERK = "CLERK"
    PLATFORM = "PLATFORM"
    UTILITY = "UTILITY"
    GOVERNANCE = "GOVERNANCE"
    SUPERVISOR = "SUPERVISOR"


class GroupRule(StrEnum):
    ALL_OF = "ALL_OF"
    ANY_ONE_OF = "ANY_ONE_OF"
