"""State in Azure Blob Storage (or Azurite), through the SDK's async client.

One blob per key. The blob holds ``{"realId": key, "document": ...}``: the
same document a Cosmos record holds, plus the real key, since long keys are
hashed into their blob names. A record's e_tag is its blob's ETag.
"""

import asyncio
import json
import time
from datetime import datetime
from typing import Any, AsyncIterator, Dict, List, Mapping, Optional, Union

from azure.core.exceptions import HttpResponseError
from azure.storage.blob.aio import ContainerClient

from ..settings import Settings
from .azure_errors import unavailable_on_outage
from .blob_candidates import may_be_stale
from .blob_connection import BlobConnection
from .blob_requests import get_blob, put_blob
from .blob_names import blob_name_for
from .errors import MalformedRecord
from .etag_conditions import conflict_if_changed, if_unchanged, is_lost_race
from .factory import StateStores
from .due_records import DUE_AT, due_time, is_due, sweep_fields
from .record_body import UnreadableBody, record_parts
from .record_store import RecordStore, StoredRecord
from .sweepable import DueRecord, UnreadableRecord

LIST_PAGE_SIZE = 5000  # the most one List Blobs request returns
DOWNLOAD_CONCURRENCY = 16  # candidate blobs checked at once during a sweep
JSON_CONTENT = "application/json"
DUE_MARK = "dueat"  # metadata: the record's DueAt, so the listing shows what is due
NEVER_DUE = "never"
UNREADABLE_MARK = "unreadable"  # metadata naming why a blob is not a state record


class BlobStore(RecordStore[ContainerClient]):
    """A botbuilder Storage over one blob container."""

    async def find_due(
        self, now: float, legacy_cutoff: float
    ) -> AsyncIterator[Union[DueRecord, UnreadableRecord]]:
        """List every blob, but download only those the listing cannot clear.

        Each write puts the record's DueAt in the blob's metadata, which the
        listing returns: only blobs due now are downloaded and re-checked.
        Blobs written without it are judged by their last-modified time, as
        before. A blob already marked unreadable is reported from the listing
        alone, without downloading it again (see ``_mark_unreadable``).
        """
        container = await self._container()
        with unavailable_on_outage():
            pages = container.list_blobs(include=["metadata"], results_per_page=LIST_PAGE_SIZE)
            async for page in pages.by_page():
                listed_at = time.time()
                marked, candidates = [], []
                async for blob in page:
                    metadata = blob.metadata or {}
                    reason = metadata.get(UNREADABLE_MARK)
                    if reason is not None:
                        marked.append(UnreadableRecord(blob.name, reason, reported=True))
                    elif _may_be_due(metadata, blob.last_modified, now, legacy_cutoff, listed_at):
                        candidates.append(blob.name)
                for record in marked:
                    yield record
                async for record in _due_among(container, candidates, now, legacy_cutoff):
                    yield record

    async def _read_record(self, container: ContainerClient, key: str) -> Optional[StoredRecord]:
        name = blob_name_for(key)
        downloaded = await get_blob(container, name)
        if downloaded is None:
            return None
        content, e_tag = downloaded
        try:
            return _parse(name, content, e_tag)
        except UnreadableBody as unreadable:
            raise MalformedRecord(key, e_tag, unreadable.reason) from None

    async def _write_record(
        self, container: ContainerClient, key: str, document: Dict[str, Any], e_tag: Optional[str]
    ) -> None:
        body = json.dumps({"realId": key, "document": document}).encode("utf-8")
        metadata = {DUE_MARK: _due_mark(document)} if DUE_AT in document else None
        with conflict_if_changed(key, e_tag):
            await put_blob(container, blob_name_for(key), body, JSON_CONTENT, metadata, e_tag)

    async def _delete_record(
        self, container: ContainerClient, key: str, e_tag: Optional[str]
    ) -> bool:
        try:
            await container.delete_blob(blob_name_for(key), **if_unchanged(e_tag))
        except HttpResponseError as error:
            if is_lost_race(error):
                return False
            raise
        return True


def _due_mark(document: Mapping[str, Any]) -> str:
    due = due_time(document)
    return NEVER_DUE if due is None else repr(due)


def _may_be_due(
    metadata: Mapping[str, str],
    last_modified: datetime,
    now: float,
    legacy_cutoff: float,
    listed_at: float,
) -> bool:
    mark = metadata.get(DUE_MARK)
    if mark is None:
        return may_be_stale(last_modified, legacy_cutoff, listed_at)
    try:
        return mark != NEVER_DUE and float(mark) <= now
    except ValueError:
        return True  # an odd mark: let the content decide


async def _due_among(
    container: ContainerClient, names: List[str], now: float, legacy_cutoff: float
) -> AsyncIterator[Union[DueRecord, UnreadableRecord]]:
    """Download ``names`` a few at a time; yield those their content shows due
    and those it shows unreadable."""
    for start in range(0, len(names), DOWNLOAD_CONCURRENCY):
        chunk = names[start : start + DOWNLOAD_CONCURRENCY]
        examined = (_examine(container, name, now, legacy_cutoff) for name in chunk)
        for found in await asyncio.gather(*examined):
            if found is not None:
                yield found


async def _examine(
    container: ContainerClient, name: str, now: float, legacy_cutoff: float
) -> Union[DueRecord, UnreadableRecord, None]:
    downloaded = await get_blob(container, name)
    if downloaded is None:
        return None
    content, e_tag = downloaded
    try:
        stored = _parse(name, content, e_tag)
    except UnreadableBody as unreadable:
        if await _mark_unreadable(container, name, e_tag, unreadable.reason):
            return UnreadableRecord(name, unreadable.reason)
        return None  # rewritten since the download: a later sweep judges the new content
    fields = sweep_fields(stored.document)
    if fields is not None and is_due(fields, now, legacy_cutoff):
        return DueRecord(stored.key, stored.e_tag, fields)
    return None


async def _mark_unreadable(container: ContainerClient, name: str, e_tag: str, reason: str) -> bool:
    """Note on the blob itself that its content is unreadable; False if it changed.

    The mark is metadata, which the listing returns, so no sweep on any
    instance downloads the blob again. It is set only over the version that
    was read, and every write by the bot replaces the blob without metadata,
    so a mark always describes the content it sits on.
    """
    try:
        await container.get_blob_client(name).set_blob_metadata(
            {UNREADABLE_MARK: reason}, **if_unchanged(e_tag)
        )
    except HttpResponseError as error:
        if is_lost_race(error):
            return False
        raise
    return True


def _parse(name: str, content: bytes, e_tag: str) -> StoredRecord:
    """The record in blob ``name``, or UnreadableBody."""
    try:
        body = json.loads(content)
    except (ValueError, RecursionError):
        raise UnreadableBody("not JSON") from None
    real_id, document = record_parts(body)
    if blob_name_for(real_id) != name:
        raise UnreadableBody("realId does not match the blob name")
    return StoredRecord(real_id, document, e_tag)


def create_blob_stores(
    settings: Settings, client_options: Optional[Mapping[str, Any]] = None
) -> StateStores:
    """Conversation and user stores sharing one lazily built Blob client.

    ``client_options`` are passed to the SDK client (e.g. a ``transport``).
    """
    connection = BlobConnection(settings, client_options)
    timeout = settings.storage_timeout_seconds
    return StateStores(
        conversation=BlobStore(connection.conversation_container, timeout),
        user=BlobStore(connection.user_container, timeout),
        close=connection.close,
    )
