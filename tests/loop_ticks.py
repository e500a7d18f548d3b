"""Counting how often the event loop got round to other work while a test waited."""

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator


class LoopTicks:
    """How many 10 ms sleeps completed: a blocked loop completes few."""

    count = 0


@asynccontextmanager
async def loop_ticks() -> AsyncIterator[LoopTicks]:
    ticks = LoopTicks()

    async def tick():
        while True:
            await asyncio.sleep(0.01)
            ticks.count += 1

    ticking = asyncio.create_task(tick())
    try:
        yield ticks
    finally:
        ticking.cancel()
