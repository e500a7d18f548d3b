"""Fire timerTrigger functions on their schedules, on the host's event loop.

Like the Functions host: times are UTC; one function never overlaps itself
(the next occurrence is computed after a run ends, so occurrences missed
during a long run are skipped); a failing run is logged and the schedule
carries on; ``past_due`` is set when a run starts late.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from azure.functions.timer import TimerRequest

from local_run.function_app import TimerFunction
from local_run.invocation import invoke

__all__ = ["TimerRunner", "utc_now"]

logger = logging.getLogger("local_run.timer_runner")

# Later than this after its scheduled time, a run counts as past due.
PAST_DUE_AFTER = timedelta(seconds=1)

# What Azure reports as the last run of a timer that has not run yet.
_NEVER = datetime.min.replace(tzinfo=UTC)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class TimerRunner:
    """Owns one asyncio task per timer function between ``start()`` and ``stop()``."""

    def __init__(self, functions: Sequence[TimerFunction], clock: Clock = utc_now) -> None:
        self._functions = tuple(functions)
        self._clock = clock
        self._tasks: list[asyncio.Task[None]] = []

    def next_occurrences(self) -> dict[str, datetime]:
        """Each timer's next fire time from now, for the start-up log."""
        now = self._clock()
        return {function.name: function.schedule.next_after(now) for function in self._functions}

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._run_forever(function), name=f"timer:{function.name}")
            for function in self._functions
        ]
        for task in self._tasks:
            task.add_done_callback(_log_unexpected_end)

    async def stop(self) -> None:
        """Cancel the schedules, including a run in progress."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def _run_forever(self, function: TimerFunction) -> None:
        last: datetime | None = None
        if function.run_on_startup:
            now = self._clock()
            await self._fire(function, scheduled=now, last=None)
            last = now
        while True:
            now = self._clock()
            scheduled = function.schedule.next_after(max(now, last) if last else now)
            await self._sleep_until(scheduled)
            await self._fire(function, scheduled, last)
            last = scheduled

    async def _sleep_until(self, moment: datetime) -> None:
        # The loop's monotonic clock and the wall clock drift apart; re-check so
        # a run never starts before its scheduled second.
        while (remaining := (moment - self._clock()).total_seconds()) > 0:
            await asyncio.sleep(remaining)

    async def _fire(
        self, function: TimerFunction, scheduled: datetime, last: datetime | None
    ) -> None:
        started = self._clock()
        # The concrete class the Python worker builds; ``func.TimerRequest`` is abstract.
        request = TimerRequest(
            past_due=started - scheduled > PAST_DUE_AFTER,
            schedule_status={
                "Last": (last or _NEVER).isoformat(),
                "Next": function.schedule.next_after(scheduled).isoformat(),
                "LastUpdated": started.isoformat(),
            },
            schedule={"AdjustForDST": True},
        )
        try:
            await invoke(function.name, function.main, {function.binding_name: request})
        except Exception:
            pass  # invoke() logged it; the next occurrence still fires


def _log_unexpected_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("%s stopped firing", task.get_name(), exc_info=task.exception())
