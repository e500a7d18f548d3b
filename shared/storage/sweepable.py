"""The part of a state store that the sweeper needs.

A store finds its own stale records: how it does so (an indexed query, blob
listing properties, a walk over a dict) is what decides a sweep's cost.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, AsyncIterator, Mapping, Optional, Union

from .last_accessed import parse_last_accessed
from .state_store import StateStore


@dataclass(frozen=True)
class DueRecord:
    """A conversation record that looked due when it was listed.

    ``fields`` are its lifecycle fields (``shared.lifecycle.record.SWEEP_FIELDS``)
    as stored: enough to decide what is due and to expire it, never its
    dialog state.
    """

    key: str
    e_tag: str
    fields: Mapping[str, Any]

    @property
    def last_accessed(self) -> Optional[float]:
        return parse_last_accessed(self.fields.get("LastAccessedTime"))


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
    """A conversation-state store that can also list due records and rewrite them."""

    @abstractmethod
    def find_due(
        self, now: float, legacy_cutoff: float
    ) -> AsyncIterator[Union[DueRecord, UnreadableRecord]]:
        """Yield records due at ``now``: a DueAt at or before it, or, for
        records without DueAt, a LastAccessedTime at or before ``legacy_cutoff``.

        Records with no usable time are not yielded: the sweeper must never
        expire what it cannot prove is due. Records the listing meets but
        cannot read (no key, not JSON...) are yielded as UnreadableRecord, so
        one bad record is counted, not fatal.
        """

    @abstractmethod
    async def delete_if_unchanged(self, key: str, e_tag: str) -> bool:
        """Delete ``key`` if it still has ``e_tag``.

        Returns False, deleting nothing, when the record changed or is gone.
        """

    @abstractmethod
    async def replace_if_unchanged(self, key: str, e_tag: str, document: Mapping[str, Any]) -> bool:
        """Store plain-JSON ``document`` under ``key`` if it still has ``e_tag``; else False."""

    @abstractmethod
    async def update_if_unchanged(self, key: str, e_tag: str, fields: Mapping[str, Any]) -> bool:
        """Set top-level plain-JSON ``fields`` of ``key``'s record, keeping the
        rest, if it still has ``e_tag``; else False."""
