"""The storage contract botbuilder's bot state relies on, without botbuilder.

botbuilder's ``Storage`` is an abstract base class in ``botbuilder.core``,
whose import costs most of a second. BotState only calls ``read``, ``write``
and ``delete``, so the stores implement this same contract on their own and
the sweeper, which never runs a turn, starts without loading botbuilder.
"""

from abc import ABC, abstractmethod
from typing import Dict, List


class StateStore(ABC):
    """Reads, writes and deletes store items by key (botbuilder's Storage contract)."""

    @abstractmethod
    async def read(self, keys: List[str]) -> Dict[str, object]:
        """The items stored under ``keys``; missing keys are left out."""

    @abstractmethod
    async def write(self, changes: Dict[str, object]):
        """Store each item; an item's e_tag (other than None or '*') must match."""

    @abstractmethod
    async def delete(self, keys: List[str]):
        """Remove the items under ``keys``; unknown keys are fine."""
