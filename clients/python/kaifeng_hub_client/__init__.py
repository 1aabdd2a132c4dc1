"""Client for utility systems of the Kaifeng utilities hub (水电气暖信 一件事一次办).

    from kaifeng_hub_client import ClientCredentials, CursorStore, HubClient, subscribe_assignment_events
"""

from kaifeng_hub_client.auth import ClientCredentials, StaticToken, TokenSource
from kaifeng_hub_client.client import ASSIGNMENT_FIELDS, HubClient, idempotency_key
from kaifeng_hub_client.cursor_store import CursorStore, HandState, Handoff
from kaifeng_hub_client.errors import (
    AccessRevoked, ConflictError, DownloadError, ForbiddenError, HubError, IllegalTransitionError, NotFoundError,
    PreconditionNotMetError, SubscriptionClosed, TokenError, UserError, ValidationError, WriteRefused,
)
from kaifeng_hub_client.subscribe import (
    SubscriptionEvent, subscribe, subscribe_assignment_events, subscribe_case_events, subscribe_result_events,
)

__all__ = [
    "ASSIGNMENT_FIELDS", "AccessRevoked", "ClientCredentials", "ConflictError", "CursorStore", "DownloadError",
    "ForbiddenError",
    "HandState", "Handoff", "HubClient", "HubError", "IllegalTransitionError", "NotFoundError",
    "PreconditionNotMetError", "StaticToken",
    "SubscriptionClosed", "SubscriptionEvent", "TokenError", "TokenSource", "UserError", "ValidationError",
    "WriteRefused", "idempotency_key", "subscribe", "subscribe_assignment_events", "subscribe_case_events",
    "subscribe_result_events",
]
