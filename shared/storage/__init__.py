"""State stores: memory, Azure Blob Storage and Azure Cosmos DB."""

from .errors import ETagConflict, MalformedRecord, StorageUnavailable
from .factory import StateStores, create_state_stores
from .state_store import StateStore
from .sweepable import DueRecord, SweepableStore, UnreadableRecord

__all__ = [
    "ETagConflict",
    "MalformedRecord",
    "StorageUnavailable",
    "StateStore",
    "StateStores",
    "create_state_stores",
    "DueRecord",
    "SweepableStore",
    "UnreadableRecord",
]
