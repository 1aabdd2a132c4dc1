"""Text the database can store: every string that reaches a column passes here first.

PostgreSQL refuses U+0000 in text, and a lone UTF-16 surrogate (which JSON can carry as `\\ud800`) has no
UTF-8 form on any backend. Refusing both up front gives the same answer on SQLite and PostgreSQL.
"""

import re

from hub.i18n import _l

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(text: str) -> str | None:
    """Why `text` cannot be stored, or None when it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return _l("contains U+0000 (NUL), which cannot be stored")
    return _l("contains U+{code} (an unpaired surrogate), which cannot be stored", code=format(ord(char), "04X"))
