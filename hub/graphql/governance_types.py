"""Names of the governance types (catalogue, grants, requests, clients, audit): gated by role, not by item grants."""

GOVERNANCE_TYPES = frozenset({
    "CatalogueItem", "SharingGrant", "SharingRequest", "OAuthClient", "AuditRecord",
    "AuditRecordConnection", "AuditRecordEdge", "GovernanceChange", "CatalogueItemPayload", "GrantPayload",
    "SharingRequestPayload", "OAuthClientPayload", "ChainVerification", "RequestableItem",
    "TimeLimitRule", "CalendarYear", "TimeLimitGroup", "StatusCount", "TimeLimitRulePayload", "CalendarImportPayload",
    "PersonalDataErasure", "PersonalDataErasurePayload",
    "ClockPayload",
    "PersistedDocument", "PersistedDocumentConnection", "PersistedDocumentEdge", "RegisterDocumentsPayload",
})
