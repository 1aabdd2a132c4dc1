"""The fixed pass over a compiled response: masks, SQLite's formatting, and which audited items were read.

The executor notes a personal item as read when the object holding it is present and the field was
granted and requested (hub.graphql.field_policy), whatever its value. A compiled plan knows, per object of
the response, the audited items it selects (`notes`); the pass visits the objects the response holds and
notes them for the record's case. Masks are the policy's own functions (hub.policy.masking).
"""

from dataclasses import dataclass, field
from typing import Any
import uuid

from hub.audit.service import ReadLog
from hub.graphql.compiled.dialect import Transform


@dataclass
class Step:
    """One response key of an object: how its value is finished, and the shape of what it holds."""

    transform: Transform | None = None
    child: "Shape | None" = None


@dataclass
class Shape:
    notes: tuple[tuple[str, str], ...] = ()  # (item, grant) read wherever this object is present
    steps: dict[str, Step] = field(default_factory=dict)

    @property
    def transforms(self) -> bool:
        return any(s.transform is not None or (s.child is not None and s.child.transforms)
                   for s in self.steps.values())

    @property
    def audits(self) -> bool:
        return bool(self.notes) or any(s.child is not None and s.child.audits for s in self.steps.values())

    def pruned(self) -> "Shape | None":
        """Only what the pass has to visit; None when nothing."""
        steps = {}
        for key, step in self.steps.items():
            child = step.child.pruned() if step.child is not None else None
            if step.transform is not None or child is not None:
                steps[key] = Step(step.transform, child)
        return Shape(self.notes, steps) if steps or self.notes else None


def walk(value: Any, shape: Shape, case_id: uuid.UUID, reads: ReadLog) -> None:
    """Finish `value` (an object, or a list of them) in place and note its reads for `case_id`."""
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            walk(item, shape, case_id, reads)
        return
    for code, grant in shape.notes:
        reads.note(case_id, code, grant)
    for key, step in shape.steps.items():
        if step.transform is not None:
            value[key] = step.transform(value[key])
        if step.child is not None:
            walk(value[key], step.child, case_id, reads)
