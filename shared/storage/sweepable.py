"""The part of a state store that the sweeper needs.

A store finds its own stale records: how it does so (an indexed query, blob
listing properties, a walk over a dict) is what decides a sweep's cost.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import AsyncIterator, Optional, Union

from .state_store import StateStore


@dataclass(frozen=True)
class StaleRecord:
    """A conversation record that looked stale when it was listed."""

    key: str
    e_tag: str
    last_accessed: Optional[float]


@dataclass(frozen=True)
class UnreadableRecord:
    """A record the listing found but could not read as conversation state.

    ``name`` is the backend's own name for it (blob name, Cosmos id), since
    its key may be missing or wrong. ``reason`` is a fixed phrase, never
    content. ``reported`` is True when an earlier sweep already found it and
    nothing has written it since (Blob remembers this on the blob itself).
    """

    name: str
    reason: str
    reported: bool = False


class SweepableStore(StateStore, ABC):
    """A conversation-state store that can also list and delete stale records."""

    @abstractmethod
    def find_stale(self, cutoff: float) -> AsyncIterator[Union[StaleRecord, UnreadableRecord]]:
        """Yield records whose LastAccessedTime is at or before ``cutoff``.

        Records with no usable LastAccessedTime are not yielded: the sweeper
        must never delete what it cannot prove is stale. Records the listing
        meets but cannot read (no key, not JSON...) are yielded as
        UnreadableRecord, so one bad record is counted, not fatal.
        """

    @abstractmethod
    async def delete_if_unchanged(self, key: str, e_tag: str) -> bool:
        """Delete ``key`` if it still has ``e_tag``.

        Returns False, deleting nothing, when the record changed or is gone.
        """
