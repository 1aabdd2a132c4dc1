"""Who may receive which event: the one rule for live delivery and for replay from a cursor.

An event is about a record: the case itself (no organisation: CASE_SUBMITTED, CASE_STATUS_CHANGED) or one
assignment (its organisation: ASSIGNMENT_*, MATERIALS_*, TIME_LIMIT_*). A caller receives it exactly when one
of its lanes covers that record — the same rule that decides whether it may read the record — so a utility
hears only of its own assignment in a case it shares with others, whether the event reaches it live or from
the log. A feed that belongs to one role (assignmentEvents to UTILITY, resultEvents to PLATFORM) delivers only
what that role's lane covers — resultEvents through the lanes of the results plan (hub.policy.plan.RESULTS_LANE):
the platform hears the results of every case, whatever the channel, and reads each as the catalogue grants it.
"""

from collections.abc import Collection

from hub.enums import Role
from hub.policy.plan import RESULTS_LANE, AccessPlan

UTILITY_FEED = (Role.UTILITY,)  # assignmentEvents
RESULTS_FEED = (Role.PLATFORM, RESULTS_LANE)  # resultEvents, with a plan decided with results=True
RESULT_KINDS = frozenset({"ASSIGNMENT_COMPLETED", "ASSIGNMENT_REJECTED", "CASE_STATUS_CHANGED"})


def receives(plan: AccessPlan, organisation: str | None, case_roles: frozenset[Role | str] | None,
             via: Collection[Role | str] | None = None) -> bool | None:
    """Whether the caller may receive an event about a record of a case (`organisation`: the assignment's owner,
    None for the case itself). `case_roles`: the caller's roles whose rows include the event's case, if known.
    None: the answer depends on them; ask again with them (they never change for a case)."""
    answers = [lane.covers(organisation, None if case_roles is None else lane.role in case_roles)
               for lane in plan.lanes if via is None or lane.role in via]
    if any(answers):
        return True
    return None if None in answers else False
