"""A resource built once, on first use, inside the running event loop.

Stores are created when a worker imports the app, possibly outside any event
loop; SDK async clients must be built inside the loop that will use them. The
lock makes concurrent first calls share one build instead of racing.
"""

import asyncio
from typing import Awaitable, Callable, Generic, Optional, TypeVar

T = TypeVar("T")


class LazyResource(Generic[T]):
    """Builds its value with ``build`` on the first :meth:`get`, then reuses it."""

    def __init__(self, build: Callable[[], Awaitable[T]]):
        self._build = build
        self._value: Optional[T] = None
        self._lock = asyncio.Lock()

    @property
    def built(self) -> bool:
        return self._value is not None

    async def get(self) -> T:
        if self._value is None:
            async with self._lock:
                if self._value is None:
                    self._value = await self._build()
        return self._value
