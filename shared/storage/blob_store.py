"""State in Azure Blob Storage (or Azurite), through the SDK's async client.

One blob per key. The blob holds ``{"realId": key, "document": ...}``: the
same document a Cosmos record holds, plus the real key, since long keys are
hashed into their blob names. A record's e_tag is its blob's ETag.
"""

import asyncio
import json
import time
from typing import Any, AsyncIterator, Dict, List, Mapping, Optional

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.storage.blob import ContentSettings
from azure.storage.blob.aio import ContainerClient

from ..settings import Settings
from .azure_errors import unavailable_on_outage
from .blob_candidates import may_be_stale
from .blob_connection import BlobConnection
from .blob_names import blob_name_for
from .etag_conditions import conflict_if_changed, if_unchanged, is_lost_race
from .factory import StateStores
from .last_accessed import last_accessed_of
from .record_store import RecordStore, StoredRecord
from .sweepable import StaleRecord

LIST_PAGE_SIZE = 5000  # the most one List Blobs request returns
DOWNLOAD_CONCURRENCY = 16  # candidate blobs checked at once during a sweep
JSON_CONTENT = ContentSettings(content_type="application/json")


class BlobStore(RecordStore[ContainerClient]):
    """A botbuilder Storage over one blob container."""

    async def find_stale(self, cutoff: float) -> AsyncIterator[StaleRecord]:
        """List every blob, but download only those the listing cannot clear."""
        container = await self._container()
        with unavailable_on_outage():
            async for page in container.list_blobs(results_per_page=LIST_PAGE_SIZE).by_page():
                now = time.time()
                candidates = [
                    blob.name
                    async for blob in page
                    if may_be_stale(blob.last_modified, cutoff, now)
                ]
                async for record in _stale_among(container, candidates, cutoff):
                    yield record

    async def _read_record(self, container: ContainerClient, key: str) -> Optional[StoredRecord]:
        return await _download(container, blob_name_for(key))

    async def _write_record(
        self, container: ContainerClient, key: str, document: Dict[str, Any], e_tag: Optional[str]
    ) -> None:
        body = json.dumps({"realId": key, "document": document})
        blob = container.get_blob_client(blob_name_for(key))
        with conflict_if_changed(key, e_tag):
            await blob.upload_blob(
                body, overwrite=True, content_settings=JSON_CONTENT, **if_unchanged(e_tag)
            )

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


async def _stale_among(
    container: ContainerClient, names: List[str], cutoff: float
) -> AsyncIterator[StaleRecord]:
    """Download ``names`` a few at a time; yield those their content shows stale."""
    for start in range(0, len(names), DOWNLOAD_CONCURRENCY):
        chunk = names[start : start + DOWNLOAD_CONCURRENCY]
        for stored in await asyncio.gather(*(_download(container, name) for name in chunk)):
            last_accessed = last_accessed_of(stored.document) if stored else None
            if last_accessed is not None and last_accessed <= cutoff:
                yield StaleRecord(stored.key, stored.e_tag, last_accessed)


async def _download(container: ContainerClient, name: str) -> Optional[StoredRecord]:
    """The record in blob ``name``; None if it is gone or not one of ours."""
    try:
        downloader = await container.download_blob(name)
        content = await downloader.readall()
    except ResourceNotFoundError:
        return None
    try:
        body = json.loads(content)
        return StoredRecord(body["realId"], body["document"], downloader.properties.etag)
    except (ValueError, TypeError, KeyError):
        return None


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
