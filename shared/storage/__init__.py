"""State stores: memory, Azure Blob Storage and Azure Cosmos DB."""

from .errors import ETagConflict, StorageUnavailable
from .factory import StateStores, create_state_stores
from .state_store import StateStore
from .sweepable import StaleRecord, SweepableStore

__all__ = [
    "ETagConflict",
    "StorageUnavailable",
    "StateStore",
    "StateStores",
    "create_state_stores",
    "StaleRecord",
    "SweepableStore",
]
