"""Counting how often the event loop got round to other work while a test waited."""

import asyncio
import time
from contextlib import asynccontextmanager
from typing import AsyncIterator


class LoopTicks:
    """How many 10 ms sleeps completed (a blocked loop completes few), and the
    longest time, in seconds, from the start or one tick to the next or to the
    end: the longest the loop was held, plus the 10 ms."""

    count = 0
    longest_gap = 0.0


@asynccontextmanager
async def loop_ticks() -> AsyncIterator[LoopTicks]:
    ticks = LoopTicks()
    last = time.perf_counter()

    def gap_ends() -> None:
        nonlocal last
        now = time.perf_counter()
        ticks.longest_gap = max(ticks.longest_gap, now - last)
        last = now

    async def tick():
        while True:
            await asyncio.sleep(0.01)
            ticks.count += 1
            gap_ends()

    ticking = asyncio.create_task(tick())
    try:
        yield ticks
    finally:
        ticking.cancel()
        gap_ends()
