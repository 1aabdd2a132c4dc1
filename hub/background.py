"""A background loop inside the hub process: one step every interval, until the app stops."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from hub.faults import log_fault


class Periodic:
    def __init__(self, name: str, step: Callable[[], Awaitable[object]], interval: float):
        self.name, self.step, self.interval = name, step, interval
        self._task: asyncio.Task | None = None

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
            except Exception as error:  # noqa: BLE001  (a failed step is logged and tried again next time)
                log_fault(error, f"the {self.name} step")
            await asyncio.sleep(self.interval)
