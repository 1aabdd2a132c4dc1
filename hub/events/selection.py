"""What a feed carries, before the policy decides who may receive it.

One definition serves both the replay query and the live feed's routing, so the two cannot disagree about
which events a subscription is about; hub.policy.events then decides, for both alike, which of them the
caller may receive.
"""

import uuid
from dataclasses import dataclass

from hub.events.models import Event


@dataclass(frozen=True)
class Selection:
    case_id: uuid.UUID | None = None  # the events of one case
    organisation: str | None = None  # the events of this organisation's assignments
    kinds: frozenset[str] | None = None  # only these kinds

    def matches(self, event: Event) -> bool:
        return (
            (self.case_id is None or event.case_id == self.case_id)
            and (self.organisation is None
                 or (event.organisation_code == self.organisation and event.assignment_id is not None))
            and (self.kinds is None or event.kind in self.kinds)
        )

    def clauses(self, after: int) -> list:
        """The same as SQL conditions, for the events after a cursor."""
        conditions = [Event.id > after]
        if self.case_id is not None:
            conditions.append(Event.case_id == self.case_id)
        if self.organisation is not None:
            conditions += [Event.organisation_code == self.organisation, Event.assignment_id.is_not(None)]
        if self.kinds is not None:
            conditions.append(Event.kind.in_(sorted(self.kinds)))
        return conditions

    @property
    def route(self) -> str | None:
        """The feed route (hub.events.feed.routes) that carries every event this selection matches."""
        if self.organisation is not None:
            return f"org:{self.organisation}"
        if self.case_id is not None:
            return f"case:{self.case_id}"
        return None
