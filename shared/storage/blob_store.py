"""State in Azure Blob Storage (or Azurite), through the SDK's async client.

One blob per key. The blob holds ``{"realId": key, "document": ...}``: the
same document a Cosmos record holds, plus the real key, since long keys are
hashed into their blob names. A record's e_tag is its blob's ETag.
"""

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Mapping, Optional

from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.storage.blob import ContentSettings
from azure.storage.blob.aio import ContainerClient
from botbuilder.core import Storage

from ..settings import Settings
from .azure_errors import NOT_FOUND, PRECONDITION_FAILED, status_of, unavailable_on_outage
from .blob_candidates import may_be_stale
from .blob_connection import BlobConnection
from .blob_names import blob_name_for
from .errors import ETagConflict
from .factory import StateStores
from .last_accessed import last_accessed_of
from .store_items import e_tag_of, is_conditional
from .stored_document import flatten_item, restore_item
from .sweepable import StaleRecord, SweepableStore

LIST_PAGE_SIZE = 5000  # the most one List Blobs request returns
DOWNLOAD_CONCURRENCY = 16  # candidate blobs checked at once during a sweep
JSON_CONTENT = ContentSettings(content_type="application/json")
LOST_RACE = (PRECONDITION_FAILED, NOT_FOUND)


@dataclass(frozen=True)
class _StoredBlob:
    key: str
    document: Dict[str, Any]
    e_tag: str


class BlobStore(Storage, SweepableStore):
    """A botbuilder Storage over one blob container."""

    def __init__(self, container: Callable[[], Awaitable[ContainerClient]]):
        super().__init__()
        self._container = container

    async def read(self, keys: List[str]) -> Dict[str, object]:
        if keys is None:
            raise ValueError("Keys are required when reading")
        keys = list(keys)
        if not keys:
            return {}
        container = await self._container()
        with unavailable_on_outage():
            stored = await asyncio.gather(
                *(_download(container, blob_name_for(key)) for key in keys)
            )
        return {blob.key: restore_item(blob.document, blob.e_tag) for blob in stored if blob}

    async def write(self, changes: Dict[str, object]):
        if changes is None:
            raise ValueError("Changes are required when writing")
        if not changes:
            return
        conditions = {key: is_conditional(e_tag_of(item)) for key, item in changes.items()}
        container = await self._container()
        for key, item in changes.items():
            blob = container.get_blob_client(blob_name_for(key))
            body = json.dumps({"realId": key, "document": flatten_item(item)})
            with unavailable_on_outage():
                if not conditions[key]:
                    await blob.upload_blob(body, overwrite=True, content_settings=JSON_CONTENT)
                    continue
                try:
                    await blob.upload_blob(
                        body,
                        overwrite=True,
                        content_settings=JSON_CONTENT,
                        etag=e_tag_of(item),
                        match_condition=MatchConditions.IfNotModified,
                    )
                except HttpResponseError as error:
                    if status_of(error) in LOST_RACE:
                        raise ETagConflict(key) from error
                    raise

    async def delete(self, keys: List[str]):
        container = await self._container()
        for key in keys:
            with unavailable_on_outage():
                try:
                    await container.delete_blob(blob_name_for(key))
                except ResourceNotFoundError:
                    pass

    async def find_stale(self, cutoff: float) -> AsyncIterator[StaleRecord]:
        """List every blob, but download only those the listing cannot clear."""
        container = await self._container()
        with unavailable_on_outage():
            pages = container.list_blobs(results_per_page=LIST_PAGE_SIZE).by_page()
            async for page in pages:
                now = time.time()
                candidates = [
                    blob.name async for blob in page if may_be_stale(blob.last_modified, cutoff, now)
                ]
                for start in range(0, len(candidates), DOWNLOAD_CONCURRENCY):
                    chunk = candidates[start : start + DOWNLOAD_CONCURRENCY]
                    for stored in await asyncio.gather(*(_download(container, n) for n in chunk)):
                        last_accessed = last_accessed_of(stored.document) if stored else None
                        if last_accessed is not None and last_accessed <= cutoff:
                            yield StaleRecord(stored.key, stored.e_tag, last_accessed)

    async def delete_if_unchanged(self, key: str, e_tag: str) -> bool:
        container = await self._container()
        with unavailable_on_outage():
            try:
                await container.delete_blob(
                    blob_name_for(key), etag=e_tag, match_condition=MatchConditions.IfNotModified
                )
            except HttpResponseError as error:
                if status_of(error) in LOST_RACE:
                    return False
                raise
        return True


async def _download(container: ContainerClient, name: str) -> Optional[_StoredBlob]:
    """The record in blob ``name``; None if it is gone or not one of ours."""
    try:
        downloader = await container.download_blob(name)
        content = await downloader.readall()
    except ResourceNotFoundError:
        return None
    try:
        body = json.loads(content)
        return _StoredBlob(body["realId"], body["document"], downloader.properties.etag)
    except (ValueError, TypeError, KeyError):
        return None


def create_blob_stores(
    settings: Settings, client_options: Optional[Mapping[str, Any]] = None
) -> StateStores:
    """Conversation and user stores sharing one lazily built Blob client.

    ``client_options`` are passed to the SDK client (e.g. a ``transport``).
    """
    connection = BlobConnection(settings, client_options)
    return StateStores(
        conversation=BlobStore(connection.conversation_container),
        user=BlobStore(connection.user_container),
        close=connection.close,
    )
