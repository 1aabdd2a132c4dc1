"""The manifest of persisted documents: a JSON object mapping each document's id to its exact text.

An id is `sha256:<hex>` (the GraphQL-over-HTTP persisted-documents form, as the TypeScript client's
`persisted-documents.json` writes it) or the bare `<hex>` (Apollo's persisted-query manifests); the hex is the
SHA-256 of the text's UTF-8 bytes, 64 digits. Each key's hash is checked against its text.
"""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hub.errors import ErrorCode
from hub.validation.checker import Checker
from hub.validation.text import unstorable
from hub.i18n import _l

PREFIX = "sha256:"
_HEX = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class ManifestEntry:
    sha256: str  # lowercase hex
    text: str
    operation_names: tuple[str, ...]


def sha256_hex(text: str) -> str:
    """The hash a client computes: of the text's UTF-8 bytes, exactly as sent."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def hex_of(document_id: str) -> str | None:
    """The lowercase hex of `sha256:<hex>` or `<hex>`; None when it is neither."""
    digits = document_id[len(PREFIX):] if document_id.startswith(PREFIX) else document_id
    return digits.lower() if _HEX.fullmatch(digits) else None


def parse(manifest: Any, inspect: Callable[[str], tuple[str, ...]]) -> list[ManifestEntry]:
    """Every entry of the manifest (its JSON text, or the object it holds), each hash checked and each text
    inspected (`inspect` gives the document's operation names or raises ValueError with the reason it cannot be
    served). All problems at once, each named `manifest["<key>"]`; an id given twice (with and without the
    prefix) is one entry."""
    c = Checker()
    if isinstance(manifest, str):
        try:
            manifest = json.loads(manifest)
        except (ValueError, RecursionError) as error:
            c.fail("manifest", ErrorCode.INVALID, _l("is not JSON: {reason}", reason=str(error)))
            c.raise_if_any()
    if not isinstance(manifest, dict):
        c.fail("manifest", ErrorCode.INVALID, _l('must be a JSON object mapping "sha256:<hex>" to document text'))
        c.raise_if_any()
    if not manifest:
        c.fail("manifest", ErrorCode.REQUIRED, _l("names no document"))
    entries: dict[str, ManifestEntry] = {}
    for key, text in manifest.items():
        entry = _entry(c, f"manifest[{json.dumps(key, ensure_ascii=False)}]", key, text, inspect)
        if entry is not None:
            entries.setdefault(entry.sha256, entry)
    c.raise_if_any()
    return list(entries.values())


def _entry(c: Checker, field: str, key: str, text: Any, inspect: Callable[[str], tuple[str, ...]]) -> ManifestEntry | None:
    digits = hex_of(key)
    if digits is None:
        c.fail(field, ErrorCode.INVALID, _l('the key must be "sha256:" and 64 hexadecimal digits'))
        return None
    if not isinstance(text, str) or not text.strip():
        c.fail(field, ErrorCode.INVALID, _l("must be the document's text"))
        return None
    if reason := unstorable(text):
        c.fail(field, ErrorCode.INVALID, reason)
        return None
    if (actual := sha256_hex(text)) != digits:
        c.fail(field, ErrorCode.INVALID, _l("the text's SHA-256 is {actual}, not the key's", actual=actual))
        return None
    try:
        names = inspect(text)
    except ValueError as reason:
        c.fail(field, ErrorCode.INVALID, reason.args[0] if reason.args else str(reason))  # keeps a marked reason
        return None
    return ManifestEntry(digits, text, names)
