"""Receiving an uploaded file: hashed and measured as it streams in, its type judged from its bytes.

The type comes from the file's magic numbers (the `filetype` library: PDF
`%PDF`, JPEG `FF D8 FF`, PNG `89 50 4E 47 …` at offset 0), never from its name
or the Content-Type the sender claims.
"""

import hashlib
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import BinaryIO

import filetype

SNIFF_BYTES = 261  # the most filetype looks at
SPOOL_IN_MEMORY = 1024 * 1024  # larger bodies go to a temporary file
TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


class TooLarge(Exception):
    """The body grew past the limit; reading stopped there."""


@dataclass
class Received:
    body: BinaryIO  # positioned at the start; the caller closes it
    sha256: str
    size: int
    content_type: str | None  # judged from the bytes; None when not recognised


async def receive(chunks: AsyncIterator[bytes], max_bytes: int) -> Received:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        async for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge
            if len(head) < SNIFF_BYTES:
                head += chunk[:SNIFF_BYTES - len(head)]
            digest.update(chunk)
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return Received(body=spool, sha256=digest.hexdigest(), size=size, content_type=filetype.guess_mime(head))


def describe(types: list[str]) -> str:
    """["application/pdf", "image/jpeg", "image/png"] → "PDF, JPEG or PNG"."""
    names = [TYPE_NAMES.get(t, t) for t in types]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
