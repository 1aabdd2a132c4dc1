"""A background loop inside the hub process: one step every interval, until the app stops."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable


class Periodic:
    def __init__(self, name: str, step: Callable[[], Awaitable[object]], interval: float):
        self.name, self.step, self.interval = name, step, interval
        self._task: asyncio.Task | None = None
        self._log = logging.getLogger(f"hub.{name}")

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                await self.step()
            except Exception:  # noqa: BLE001  (a failed step is logged and tried again next time)
                self._log.exception("%s step failed", self.name)
            await asyncio.sleep(self.interval)
