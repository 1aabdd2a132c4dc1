"""The examples of the README, docs/ and the Python client's README, read as a person reads them.

Each fenced ```graphql or ```sh block is preceded by a marker line saying how it is meant:

    <!-- example: as CLERK -->                 run every operation of the block with that demo token
    <!-- example: as KF-WATER, given accepted GAS -->   after a named precondition (see GIVENS in the test)
    <!-- example: shell -->                    run each command with bash, beside the embedded default's var/
    <!-- example: not run — <reason> -->       shown, not runnable here (installs, long-running agents, …)
    <!-- example: fragment -->                 a part of a larger document shown above or below

Where an example leaves something for the reader to fill in (an id written "…", a case number, the
`expectedVersion` they read, a `<downloadUrl>` printed by the previous command), the reader's value is the
one an earlier example of the same page answered; `Walk` keeps those.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from graphql import OperationDefinitionNode, OperationType, parse

MARKER = re.compile(r"^<!-- example: (?P<how>.*?) -->$")
FENCE = re.compile(r"^```(?P<lang>\w+)\s*$")
RUNNABLE_LANGS = {"graphql", "sh"}


@dataclass
class Example:
    path: Path
    line: int
    lang: str
    how: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"


def examples(path: Path) -> list[Example]:
    """Every fenced block of the page in a runnable language, with the marker above it ("" if none)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        if fence["lang"] in RUNNABLE_LANGS:
            marker = MARKER.match(lines[i - 1]) if i else None
            found.append(Example(path, i + 1, fence["lang"], marker["how"] if marker else "",
                                 "\n".join(lines[i + 1:end])))
        i = end + 1
    return found


def operations(document: str) -> list[OperationDefinitionNode]:
    """The operations of a block (blocks show several, one after another)."""
    return [d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)]


def without_errors_selected(operation: OperationDefinitionNode) -> list[str]:
    """Mutation fields whose selection has no `errors`: a refusal would answer a bare null."""
    if operation.operation != OperationType.MUTATION:
        return []
    return [f.name.value for f in operation.selection_set.selections
            if not any(s.name.value == "errors" for s in f.selection_set.selections)]


def commands(script: str) -> list[tuple[str, str | None]]:
    """(command, the answer shown under it as `# {...}` or None), continuation lines joined."""
    out: list[tuple[str, str | None]] = []
    pending = ""
    for line in script.splitlines():
        if pending:
            pending += "\n" + line
        elif line.startswith("# ") and out and out[-1][1] is None and line[2:].lstrip().startswith("{"):
            out[-1] = (out[-1][0], line[2:].strip())
            continue
        elif not line.strip() or line.startswith("#"):
            continue
        else:
            pending = line
        if not pending.endswith("\\"):
            out.append((pending, None))
            pending = ""
    return out


PLACEHOLDER_ARG = re.compile(r'(?P<name>\w+): "(?P<prefix>[\w-]*)…"')
CASE_NUMBER = re.compile(r"KF\d{8}-[0-9A-Z]{8}")
ELIDED_LIST_ITEM = re.compile(r', "…"')


@dataclass
class Walk:
    """What the reader has in hand after the examples so far: ids, numbers, versions, secrets."""

    facts: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)

    def fill(self, document: str, where: str) -> str:
        def value(match: re.Match) -> str:
            name = match["name"]
            assert name in self.facts, f"{where}: the example needs a {name} that no earlier example gave"
            return f'{name}: "{self.facts[name]}"'

        filled = ELIDED_LIST_ITEM.sub("", PLACEHOLDER_ARG.sub(value, document))
        if "caseNumber" in self.facts:
            filled = CASE_NUMBER.sub(self.facts["caseNumber"], filled)
        return re.sub(r'(?P<id>(assignmentId|caseId): "[^"]*")(?P<between>[^}]*?)expectedVersion: \d+',
                      self._version_read, filled)

    def _version_read(self, match: re.Match) -> str:
        """`expectedVersion` is the version the reader last saw of the object the write names."""
        object_id = match["id"].split('"')[1]
        version = self.versions.get(object_id)
        stated = match[0] if version is None else f"{match['id']}{match['between']}expectedVersion: {version}"
        return stated

    def fill_shell(self, command: str) -> str:
        command = re.sub(r'"<(\w+)>"', lambda m: json.dumps(self.facts[m[1]]), command)
        if "caseNumber" in self.facts:
            command = CASE_NUMBER.sub(self.facts["caseNumber"], command)
        return command

    def learn(self, data: object, service: str | None = None) -> None:
        """Keeps what a reader would copy from an answer: the ids, numbers and versions it shows."""
        if isinstance(data, list):
            for item in data:
                self.learn(item, service)
            return
        if not isinstance(data, dict):
            return
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                self.learn_named(key, value, service)
                self.learn(value, service)
            elif isinstance(value, str) and key in ("clientSecret", "downloadUrl", "sha256", "clientId"):
                self.facts[key] = value

    def learn_named(self, key: str, value: object, service: str | None) -> None:
        items = [i for i in (value if isinstance(value, list) else [value]) if isinstance(i, dict)]
        for item in items:
            if "id" in item and "version" in item:
                self.versions[item["id"]] = item["version"]
        first = items[0] if items else {}
        if key == "case" and "version" in first and "id" not in first and "caseId" in self.facts:
            self.versions[self.facts["caseId"]] = first["version"]  # the case the write named
        if key == "case":
            self.facts.update({name: first[field] for name, field in (("caseId", "id"), ("caseNumber", "number"))
                               if field in first})
        if key == "privacyNotice" and "sha256" in first:
            self.facts["noticeSha256"] = first["sha256"]
        if key == "grants" and "id" in first:
            self.facts["grantId"] = first["id"]
        if key == "request" and "id" in first:
            self.facts["requestId"] = first["id"]
        for item in items:
            if "id" in item and "service" in item:
                if item["service"] == service:
                    self.facts["assignmentId"] = item["id"]
                elif service is None:
                    self.facts.setdefault("assignmentId", item["id"])


def same_shape(shown: str, got: str) -> bool:
    """Whether an answer has the keys of the one shown (values shown as `…` stand for anything)."""
    try:
        expected, actual = json.loads(shown.split("  ")[0]), json.loads(got)
    except json.JSONDecodeError:
        return False
    return isinstance(actual, dict) and set(expected) <= set(actual)
