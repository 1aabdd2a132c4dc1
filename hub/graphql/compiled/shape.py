"""The fixed pass over a compiled response: masks, and the formatting SQLite's SQL cannot do exactly.

Only the paths that need it are visited (`Shape.pruned`); a plan without masks on PostgreSQL has none, and
its JSON goes into the response as the database wrote it. Masks are the policy's own functions
(hub.policy.masking). Which personal items were read is not found here but returned by the statement beside
the JSON (hub.graphql.compiled.record.Reads).
"""

from dataclasses import dataclass, field
from typing import Any

from hub.graphql.compiled.dialect import Transform


@dataclass
class Step:
    """One response key of an object: how its value is finished, and the shape of what it holds."""

    transform: Transform | None = None
    child: "Shape | None" = None


@dataclass
class Shape:
    steps: dict[str, Step] = field(default_factory=dict)

    def pruned(self) -> "Shape | None":
        """Only what the pass has to visit; None when nothing."""
        steps = {}
        for key, step in self.steps.items():
            child = step.child.pruned() if step.child is not None else None
            if step.transform is not None or child is not None:
                steps[key] = Step(step.transform, child)
        return Shape(steps) if steps else None


def walk(value: Any, shape: Shape) -> None:
    """Finish `value` (an object, or a list of them) in place."""
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            walk(item, shape)
        return
    for key, step in shape.steps.items():
        if step.transform is not None:
            value[key] = step.transform(value[key])
        if step.child is not None:
            walk(value[key], step.child)
