"""The registry as a running hub reads it: each registered document fetched once, then served from memory.

A registered document never changes (its key is its content's hash), so what was found once stays true and
every instance may keep it; what was not found is asked again, since another instance may register it meanwhile.
"""

from collections import OrderedDict
from collections.abc import Callable

from hub.db import Database
from hub.documents import repository


class DocumentRegistry:
    def __init__(self, db: Database, *, admit: Callable[[str], None], maxsize: int = 1024) -> None:
        """`admit` checks a text when it is first read (raising to refuse it); what it admits is kept."""
        self.db = db
        self.admit = admit
        self.maxsize = maxsize
        self._found: OrderedDict[str, str] = OrderedDict()

    async def text(self, sha256: str) -> str | None:
        """The registered text under this lowercase hex hash, or None."""
        if (text := self._found.get(sha256)) is not None:
            self._found.move_to_end(sha256)
            return text
        async with self.db.read() as session:
            text = await repository.text_of(session, sha256)
        if text is not None:
            self.admit(text)
            self._found[sha256] = text
            if len(self._found) > self.maxsize:
                self._found.popitem(last=False)
        return text
