"""botbuilder's Storage contract on top of one-record operations.

Argument checks, e_tag rules and the stored document format are the same for
every SDK-backed store, so they live here once; a backend only reads, writes
and deletes single records, and finds stale ones its own way.
"""

import asyncio
from abc import ABC, abstractmethod
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Generic,
    List,
    Mapping,
    Optional,
    TypeVar,
)

from .azure_errors import unavailable_on_outage
from .errors import ETagConflict, MalformedRecord, StorageUnavailable
from .record_body import UnreadableBody
from .store_items import e_tag_of, is_conditional
from .state_json import from_document, to_document
from .sweepable import SweepableStore

C = TypeVar("C")
DEFAULT_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class StoredRecord:
    """One record as the backend holds it."""

    key: str
    document: Dict[str, Any]
    e_tag: str


class RecordStore(SweepableStore, ABC, Generic[C]):
    """A Storage over one container of type ``C``, opened on first use.

    Each call, opening the container included, is bounded by
    ``timeout_seconds``: a stalled service makes a turn fail with
    StorageUnavailable instead of holding it until the SDK gives up.
    """

    def __init__(
        self,
        container: Callable[[], Awaitable[C]],
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ):
        super().__init__()
        self._container = container
        self._timeout_seconds = timeout_seconds

    @asynccontextmanager
    async def _storage_call(self) -> AsyncIterator[None]:
        try:
            async with asyncio.timeout(self._timeout_seconds):
                with unavailable_on_outage():
                    yield
        except TimeoutError as error:
            raise StorageUnavailable(
                f"storage did not answer within {self._timeout_seconds:g} s"
            ) from error

    async def read(self, keys: List[str]) -> Dict[str, object]:
        if keys is None:
            raise ValueError("Keys are required when reading")
        keys = list(keys)
        if not keys:
            return {}
        async with self._storage_call():
            container = await self._container()
            if len(keys) == 1:  # a turn's read: no task to schedule, as gather would make
                records = [await self._read_record(container, keys[0])]
            else:
                records = await asyncio.gather(*(self._read_record(container, key) for key in keys))
        return {
            key: _restored(key, record) for key, record in zip(keys, records) if record is not None
        }

    async def write(self, changes: Dict[str, object]):
        if changes is None:
            raise ValueError("Changes are required when writing")
        if not changes:
            return
        # Every e_tag is checked before anything is written.
        e_tags = {
            key: e_tag_of(item) if is_conditional(e_tag_of(item)) else None
            for key, item in changes.items()
        }
        documents = {key: to_document(item) for key, item in changes.items()}
        async with self._storage_call():
            container = await self._container()
            for key, document in documents.items():
                await self._write_record(container, key, document, e_tags[key])

    async def delete(self, keys: List[str]):
        async with self._storage_call():
            container = await self._container()
            for key in keys:
                await self._delete_record(container, key, None)

    async def delete_if_unchanged(self, key: str, e_tag: str) -> bool:
        async with self._storage_call():
            container = await self._container()
            return await self._delete_record(container, key, e_tag)

    async def replace_if_unchanged(self, key: str, e_tag: str, document: Mapping[str, Any]) -> bool:
        async with self._storage_call():
            container = await self._container()
            return await self._write_if_unchanged(container, key, dict(document), e_tag)

    async def update_if_unchanged(self, key: str, e_tag: str, fields: Mapping[str, Any]) -> bool:
        """Read, check and rewrite the stored document as it is: no object is rebuilt."""
        async with self._storage_call():
            container = await self._container()
            try:
                stored = await self._read_record(container, key)
            except MalformedRecord:
                return False
            if stored is None or stored.e_tag != e_tag:
                return False
            document = {**stored.document, **fields}
            return await self._write_if_unchanged(container, key, document, e_tag)

    async def _write_if_unchanged(
        self, container: C, key: str, document: Dict[str, Any], e_tag: str
    ) -> bool:
        try:
            await self._write_record(container, key, document, e_tag)
        except ETagConflict:
            return False
        return True

    @abstractmethod
    async def _read_record(self, container: C, key: str) -> Optional[StoredRecord]:
        """The record stored under ``key``, or None; MalformedRecord if it is not one."""

    @abstractmethod
    async def _write_record(
        self, container: C, key: str, document: Dict[str, Any], e_tag: Optional[str]
    ) -> None:
        """Store ``document``; with an ``e_tag``, only over that version, else ETagConflict."""

    @abstractmethod
    async def _delete_record(self, container: C, key: str, e_tag: Optional[str]) -> bool:
        """Delete ``key`` (only that version, given an ``e_tag``); False if changed or gone."""


def _restored(key: str, record: StoredRecord) -> object:
    """The item in ``record``, which was stored under ``key``; else MalformedRecord.

    A record naming another key (a hashed name's collision, a copied blob)
    is not this key's state, and must not be handed out or overwritten as if
    it were.
    """
    if record.key != key:
        raise MalformedRecord(key, record.e_tag, "realId does not match its key")
    try:
        return from_document(record.document, record.e_tag)
    except UnreadableBody as unreadable:
        raise MalformedRecord(key, record.e_tag, unreadable.reason) from None
