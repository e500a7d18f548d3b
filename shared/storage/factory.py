"""Builds the two state stores the settings ask for.

Storage SDKs are imported only when their backend is chosen, so a memory run
never loads them.
"""

import logging
from dataclasses import dataclass
from typing import Awaitable, Callable, Optional

from ..settings import Settings
from .state_store import StateStore
from .sweepable import SweepableStore


@dataclass
class StateStores:
    """Conversation state and user state, always in separate stores."""

    conversation: SweepableStore
    user: StateStore
    close: Optional[Callable[[], Awaitable[None]]] = None

    async def aclose(self):
        """Release the backend's connections, if it holds any."""
        if self.close is not None:
            await self.close()


AZURE_SDK_LOGGER = "azure"


def create_state_stores(settings: Settings) -> StateStores:
    """The stores for ``settings.state_storage``."""
    if settings.state_storage in ("blob", "cosmos"):
        # The SDKs log every request at INFO, URL included, and state keys
        # hold channel, conversation and user ids: those stay out of logs.
        logging.getLogger(AZURE_SDK_LOGGER).setLevel(logging.WARNING)
    if settings.state_storage == "blob":
        from .blob_store import create_blob_stores

        return create_blob_stores(settings)
    if settings.state_storage == "cosmos":
        from .cosmos_store import create_cosmos_stores

        return create_cosmos_stores(settings)
    from .memory_store import MemoryStore

    return StateStores(conversation=MemoryStore(), user=MemoryStore())
