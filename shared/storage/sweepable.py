"""The part of a state store that the sweeper needs.

A store finds its own stale records: how it does so (an indexed query, blob
listing properties, a walk over a dict) is what decides a sweep's cost.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import AsyncIterator, Optional

from .state_store import StateStore


@dataclass(frozen=True)
class StaleRecord:
    """A conversation record that looked stale when it was listed."""

    key: str
    e_tag: str
    last_accessed: Optional[float]


class SweepableStore(StateStore, ABC):
    """A conversation-state store that can also list and delete stale records."""

    @abstractmethod
    def find_stale(self, cutoff: float) -> AsyncIterator[StaleRecord]:
        """Yield records whose LastAccessedTime is at or before ``cutoff``.

        Records with no usable LastAccessedTime are not yielded: the sweeper
        must never delete what it cannot prove is stale.
        """

    @abstractmethod
    async def delete_if_unchanged(self, key: str, e_tag: str) -> bool:
        """Delete ``key`` if it still has ``e_tag``.

        Returns False, deleting nothing, when the record changed or is gone.
        """
