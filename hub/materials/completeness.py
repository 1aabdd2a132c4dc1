"""材料齐全: which requirement groups a set of presented materials leaves unmet."""

from collections.abc import Iterable

from hub.enums import GroupRule


def missing_groups(groups: list[dict], presented: Iterable[str]) -> list[dict]:
    """Unmet groups, each with the material types that would satisfy it.

    ALL_OF lists the types still absent; ANY_ONE_OF lists every acceptable type.
    """
    have = set(presented)
    missing = []
    for group in groups:
        if group["rule"] == GroupRule.ALL_OF:
            absent = [t for t in group["types"] if t not in have]
        else:
            absent = [] if have.intersection(group["types"]) else list(group["types"])
        if absent:
            missing.append({"code": group["code"], "name": group["name"], "rule": group["rule"], "types": absent})
    return missing
