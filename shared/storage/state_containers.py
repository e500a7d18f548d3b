"""The conversation and user containers of one backend, opened together.

Both stores of a backend share one SDK client; it is built, and the
containers created if missing, on the first call that needs them (inside the
running event loop, never at import time).
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Generic, TypeVar

from .lazy_resource import LazyResource

C = TypeVar("C")


@dataclass(frozen=True)
class StateContainers(Generic[C]):
    conversation: C
    user: C


class StateContainerConnection(ABC, Generic[C]):
    """Opens both containers once; hands each store its own."""

    def __init__(self):
        self._containers: LazyResource[StateContainers[C]] = LazyResource(self._open)

    async def conversation_container(self) -> C:
        return (await self._containers.get()).conversation

    async def user_container(self) -> C:
        return (await self._containers.get()).user

    @abstractmethod
    async def _open(self) -> StateContainers[C]:
        """Build the client and make sure both containers exist."""

    @abstractmethod
    async def close(self) -> None:
        """Release the client's connections and credential, if built."""
