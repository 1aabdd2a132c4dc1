"""Where file content lives: the local disk (embedded default) or an S3-compatible object store.

Both are addressed by SHA-256 only (`ab/cd/<sha256>`) and written whole or not
at all, so several hub instances may share one store: the same content is the
same object, and a reader never sees half a file. Blocking I/O runs in threads.
"""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import BinaryIO, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from hub.config import Settings

CHUNK = 256 * 1024
MISSING = {"404", "NoSuchKey", "NotFound"}


def object_name(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


class Content:
    """An opened file: read it through `chunks()` (which closes it at the end), or `close()` it unread."""

    def __init__(self, read: Callable[[], bytes], close: Callable[[], None]):
        self._read, self._close = read, close

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            while chunk := await asyncio.to_thread(self._read):
                yield chunk
        finally:
            await self.close()

    async def close(self) -> None:
        await asyncio.to_thread(self._close)


class FileStore(Protocol):
    async def put(self, sha256: str, body: BinaryIO, content_type: str) -> None: ...

    async def exists(self, sha256: str) -> bool: ...

    async def open(self, sha256: str) -> Content | None:
        """The content, or None when the store does not have it."""

    async def delete(self, sha256: str) -> None:
        """Remove the content; nothing happens when it is already gone."""


class LocalStore:
    def __init__(self, root: Path):
        self.root = root

    def _path(self, sha256: str) -> Path:
        return self.root / object_name(sha256)

    async def put(self, sha256: str, body: BinaryIO, content_type: str) -> None:
        await asyncio.to_thread(self._put, sha256, body)

    def _put(self, sha256: str, body: BinaryIO) -> None:
        target = self._path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.parent / f".{sha256}.{uuid.uuid4().hex}.part"
        with open(partial, "wb") as out:
            while chunk := body.read(CHUNK):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)  # atomic: readers see the whole file or none

    async def exists(self, sha256: str) -> bool:
        return await asyncio.to_thread(self._path(sha256).is_file)

    async def open(self, sha256: str) -> Content | None:
        try:
            handle = await asyncio.to_thread(open, self._path(sha256), "rb")
        except FileNotFoundError:
            return None
        return Content(lambda: handle.read(CHUNK), handle.close)

    async def delete(self, sha256: str) -> None:
        await asyncio.to_thread(self._path(sha256).unlink, missing_ok=True)


class S3Store:
    """Any S3-compatible service (Aliyun OSS, Huawei OBS, MinIO, Ceph RGW, AWS) through boto3."""

    def __init__(self, settings: Settings):
        if not settings.s3_bucket:
            raise ValueError("HUB_FILE_STORE=s3 needs HUB_S3_BUCKET")
        self.bucket = settings.s3_bucket
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=settings.s3_endpoint_url, region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key_id, aws_secret_access_key=settings.s3_secret_access_key,
            config=Config(s3={"addressing_style": settings.s3_addressing_style},
                          retries={"mode": "standard", "max_attempts": 4}, connect_timeout=5, read_timeout=30),
        )

    async def put(self, sha256: str, body: BinaryIO, content_type: str) -> None:
        await asyncio.to_thread(self.client.upload_fileobj, body, self.bucket, object_name(sha256),
                                ExtraArgs={"ContentType": content_type})

    async def exists(self, sha256: str) -> bool:
        try:
            await asyncio.to_thread(self.client.head_object, Bucket=self.bucket, Key=object_name(sha256))
        except ClientError as error:
            if _missing(error):
                return False
            raise
        return True

    async def open(self, sha256: str) -> Content | None:
        try:
            found = await asyncio.to_thread(self.client.get_object, Bucket=self.bucket, Key=object_name(sha256))
        except ClientError as error:
            if _missing(error):
                return None
            raise
        body = found["Body"]
        return Content(lambda: body.read(CHUNK), body.close)

    async def delete(self, sha256: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=object_name(sha256))


def _missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in MISSING


def build_store(settings: Settings) -> FileStore:
    if settings.file_store == "s3":
        return S3Store(settings)
    return LocalStore(settings.data_dir / "files")
