"""State kept in this process's memory: for local runs and tests."""

import itertools
import json
from copy import deepcopy
from typing import Any, AsyncIterator, Dict, List, Mapping, Optional

from .due_records import is_due, sweep_fields
from .errors import ETagConflict, MalformedRecord
from .record_body import UnreadableBody
from .state_json import from_document, to_document
from .store_items import e_tag_of, is_conditional
from .sweepable import DueRecord, SweepableStore


class MemoryStore(SweepableStore):
    """Records as the JSON text Blob and Cosmos would hold, each with an e_tag
    that changes on every write.

    Unlike botbuilder's MemoryStorage, a write with a stale e_tag is refused,
    so races behave as on Cosmos, and state that has no JSON form is refused
    here too, not first in Azure. State lives in one process: never use it
    where a second instance may run.
    """

    def __init__(self):
        super().__init__()
        self._records: Dict[str, str] = {}
        self._e_tags: Dict[str, str] = {}
        # The lifecycle fields of each record, read when it was written, for the sweep.
        self._sweep_fields: Dict[str, Optional[Dict[str, Any]]] = {}
        self._next_e_tag = itertools.count(1)

    async def read(self, keys: List[str]) -> Dict[str, object]:
        if keys is None:
            raise ValueError("Keys are required when reading")
        return {key: self._item(key) for key in keys if key in self._records}

    def _item(self, key: str) -> Dict[str, Any]:
        """The item stored under ``key``, with its e_tag; MalformedRecord if unreadable."""
        e_tag = self._e_tags[key]
        try:
            return from_document(_parsed(self._records[key]), e_tag)
        except UnreadableBody as unreadable:
            raise MalformedRecord(key, e_tag, unreadable.reason) from None

    async def write(self, changes: Dict[str, object]):
        if changes is None:
            raise ValueError("Changes are required when writing")
        if not changes:
            return
        for key, item in changes.items():
            if is_conditional(e_tag_of(item)) and self._e_tags.get(key) != e_tag_of(item):
                raise ETagConflict(key)
        documents = {key: to_document(item) for key, item in changes.items()}
        for key, document in documents.items():
            self._store(key, document)

    def _store(self, key: str, document: Dict[str, Any]) -> None:
        self._records[key] = json.dumps(document, allow_nan=False)
        self._e_tags[key] = str(next(self._next_e_tag))
        self._sweep_fields[key] = sweep_fields(document)

    async def delete(self, keys: List[str]):
        for key in keys:
            self._records.pop(key, None)
            self._e_tags.pop(key, None)
            self._sweep_fields.pop(key, None)

    async def find_due(self, now: float, legacy_cutoff: float) -> AsyncIterator[DueRecord]:
        # Each record's fields and e_tag are taken together, up front: a record
        # written while the sweep goes on must keep the e_tag it was judged by.
        due = [
            DueRecord(key, self._e_tags[key], deepcopy(fields))
            for key, fields in self._sweep_fields.items()
            if fields is not None and is_due(fields, now, legacy_cutoff)
        ]
        for record in due:
            yield record

    async def delete_if_unchanged(self, key: str, e_tag: str) -> bool:
        if self._e_tags.get(key) != e_tag:
            return False
        await self.delete([key])
        return True

    async def replace_if_unchanged(self, key: str, e_tag: str, document: Mapping[str, Any]) -> bool:
        if self._e_tags.get(key) != e_tag:
            return False
        self._store(key, dict(document))
        return True

    async def update_if_unchanged(self, key: str, e_tag: str, fields: Mapping[str, Any]) -> bool:
        if self._e_tags.get(key) != e_tag:
            return False
        try:
            document = _parsed(self._records[key])
        except UnreadableBody:
            return False
        self._store(key, {**document, **fields})
        return True


def _parsed(text: str) -> Dict[str, Any]:
    try:
        document = json.loads(text)
    except ValueError:
        raise UnreadableBody("not JSON") from None
    if not isinstance(document, dict):
        raise UnreadableBody("not a JSON object")
    return document
