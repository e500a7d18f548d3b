"""State kept in this process's memory: for local runs and tests."""

import itertools
from copy import deepcopy
from typing import Any, AsyncIterator, Dict, List, Mapping

from .errors import ETagConflict, MalformedRecord
from .due_records import is_due, sweep_fields
from .store_items import e_tag_of, is_conditional, with_e_tag
from .sweepable import DueRecord, SweepableStore


class MemoryStore(SweepableStore):
    """A dict of records, each with an e_tag that changes on every write.

    Unlike botbuilder's MemoryStorage, every record gets an e_tag and a write
    or delete with a stale e_tag is refused, so races behave as on Cosmos.
    State lives in one process: never use it where a second instance may run.
    """

    def __init__(self):
        super().__init__()
        self._records: Dict[str, dict] = {}
        self._e_tags: Dict[str, str] = {}
        self._next_e_tag = itertools.count(1)

    async def read(self, keys: List[str]) -> Dict[str, object]:
        if keys is None:
            raise ValueError("Keys are required when reading")
        found = {}
        for key in keys:
            if key in self._records:
                found[key] = with_e_tag(self._copy(key), self._e_tags[key])
        return found

    def _copy(self, key: str) -> object:
        """A copy of the record under ``key``; MalformedRecord if it cannot be made.

        Every item written here was copied once already, so this fails only for
        objects whose copying depends on state that has since changed.
        """
        try:
            return deepcopy(self._records[key])
        except Exception as error:  # pylint: disable=broad-except
            reason = f"record cannot be copied ({type(error).__name__})"
            raise MalformedRecord(key, self._e_tags[key], reason) from None

    async def write(self, changes: Dict[str, object]):
        if changes is None:
            raise ValueError("Changes are required when writing")
        if not changes:
            return
        for key, item in changes.items():
            if is_conditional(e_tag_of(item)) and self._e_tags.get(key) != e_tag_of(item):
                raise ETagConflict(key)
        for key, item in changes.items():
            record = deepcopy(item)
            if isinstance(record, dict):
                record.pop("e_tag", None)
            self._store(key, record)

    def _store(self, key: str, record: object) -> None:
        self._records[key] = record
        self._e_tags[key] = str(next(self._next_e_tag))

    async def delete(self, keys: List[str]):
        for key in keys:
            self._records.pop(key, None)
            self._e_tags.pop(key, None)

    async def find_due(self, now: float, legacy_cutoff: float) -> AsyncIterator[DueRecord]:
        # Each record's fields and e_tag are taken together, up front: a record
        # written while the sweep goes on must keep the e_tag it was judged by.
        due = [
            DueRecord(key, self._e_tags[key], deepcopy(fields))
            for key, record in self._records.items()
            if (fields := sweep_fields(record)) is not None and is_due(fields, now, legacy_cutoff)
        ]
        for record in due:
            yield record

    async def delete_if_unchanged(self, key: str, e_tag: str) -> bool:
        if self._e_tags.get(key) != e_tag:
            return False
        del self._records[key]
        del self._e_tags[key]
        return True

    async def replace_if_unchanged(self, key: str, e_tag: str, document: Mapping[str, Any]) -> bool:
        if self._e_tags.get(key) != e_tag:
            return False
        self._store(key, deepcopy(dict(document)))
        return True

    async def update_if_unchanged(self, key: str, e_tag: str, fields: Mapping[str, Any]) -> bool:
        if self._e_tags.get(key) != e_tag or not isinstance(self._records[key], dict):
            return False
        self._store(key, {**self._records[key], **deepcopy(dict(fields))})
        return True
