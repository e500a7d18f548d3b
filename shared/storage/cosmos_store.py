"""State in Azure Cosmos DB (NoSQL), through the SDK's async client.

The stock CosmosDbPartitionedStorage calls the synchronous client from async
methods and so blocks the worker's event loop; this store never does. Its
documents keep that store's format (``id``, ``realId``, ``document``).
"""

import asyncio
import logging
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Mapping, Optional

from azure.core import MatchConditions
from azure.cosmos.aio import ContainerProxy
from azure.cosmos.exceptions import CosmosHttpResponseError, CosmosResourceNotFoundError
from botbuilder.core import Storage

from ..settings import Settings
from .azure_errors import NOT_FOUND, PRECONDITION_FAILED, status_of, unavailable_on_outage
from .cosmos_containers import CosmosConnection
from .cosmos_key_escape import cosmos_id_for
from .errors import ETagConflict
from .factory import StateStores
from .store_items import e_tag_of, is_conditional
from .stored_document import flatten_item, restore_item
from .sweepable import StaleRecord, SweepableStore

logger = logging.getLogger(__name__)

# Only documents whose LastAccessedTime is a number at or before the cutoff
# match; the conversation container indexes exactly that path.
STALE_QUERY = (
    "SELECT c.realId, c._etag, c.document.LastAccessedTime AS t FROM c "
    "WHERE c.document.LastAccessedTime <= @cutoff"
)
LOST_RACE = (PRECONDITION_FAILED, NOT_FOUND)


class CosmosStore(Storage, SweepableStore):
    """A botbuilder Storage over one Cosmos container partitioned on /id."""

    def __init__(self, container: Callable[[], Awaitable[ContainerProxy]], page_size: int = 1000):
        super().__init__()
        self._container = container
        self._page_size = page_size

    async def read(self, keys: List[str]) -> Dict[str, object]:
        if keys is None:
            raise ValueError("Keys are required when reading")
        keys = list(keys)
        if not keys:
            return {}
        container = await self._container()
        with unavailable_on_outage():
            documents = await asyncio.gather(*(_read_document(container, key) for key in keys))
        return {
            document["realId"]: restore_item(document["document"], document["_etag"])
            for document in documents
            if document is not None
        }

    async def write(self, changes: Dict[str, object]):
        if changes is None:
            raise ValueError("Changes are required when writing")
        if not changes:
            return
        conditions = {key: is_conditional(e_tag_of(item)) for key, item in changes.items()}
        container = await self._container()
        for key, item in changes.items():
            document = {"id": cosmos_id_for(key), "realId": key, "document": flatten_item(item)}
            with unavailable_on_outage():
                if conditions[key]:
                    await _replace_unchanged(container, key, document, e_tag_of(item))
                else:
                    await container.upsert_item(body=document)

    async def delete(self, keys: List[str]):
        container = await self._container()
        for key in keys:
            document_id = cosmos_id_for(key)
            with unavailable_on_outage():
                try:
                    await container.delete_item(item=document_id, partition_key=document_id)
                except CosmosResourceNotFoundError:
                    pass

    async def find_stale(self, cutoff: float) -> AsyncIterator[StaleRecord]:
        container = await self._container()
        with unavailable_on_outage():
            results = container.query_items(
                STALE_QUERY,
                parameters=[{"name": "@cutoff", "value": cutoff}],
                max_item_count=self._page_size,
            )
            async for result in results:
                last_accessed = result.get("t")
                # Re-checked here: a comparison across types is undefined in
                # Cosmos, but not every Cosmos-compatible server agrees.
                if _is_number(last_accessed) and last_accessed <= cutoff:
                    yield StaleRecord(result["realId"], result["_etag"], float(last_accessed))

    async def delete_if_unchanged(self, key: str, e_tag: str) -> bool:
        container = await self._container()
        document_id = cosmos_id_for(key)
        with unavailable_on_outage():
            try:
                await container.delete_item(
                    item=document_id,
                    partition_key=document_id,
                    etag=e_tag,
                    match_condition=MatchConditions.IfNotModified,
                )
            except CosmosHttpResponseError as error:
                if status_of(error) in LOST_RACE:
                    return False
                raise
        return True


async def _read_document(container: ContainerProxy, key: str) -> Optional[Dict[str, Any]]:
    document_id = cosmos_id_for(key)
    try:
        return await container.read_item(item=document_id, partition_key=document_id)
    except CosmosResourceNotFoundError:
        return None


async def _replace_unchanged(
    container: ContainerProxy, key: str, document: Dict[str, Any], e_tag: str
) -> None:
    """Replace the document only if it still has ``e_tag``; gone counts as changed."""
    try:
        await container.replace_item(
            item=document["id"],
            body=document,
            etag=e_tag,
            match_condition=MatchConditions.IfNotModified,
        )
    except CosmosHttpResponseError as error:
        if status_of(error) in LOST_RACE:
            raise ETagConflict(key) from error
        raise


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def create_cosmos_stores(
    settings: Settings, client_options: Optional[Mapping[str, Any]] = None
) -> StateStores:
    """Conversation and user stores sharing one lazily built Cosmos client.

    ``client_options`` are passed to the SDK client (e.g. a ``transport``).
    """
    ttl = settings.cosmos_db_time_to_live
    if ttl is not None and ttl < settings.expire_after_seconds:
        logger.warning(
            "CosmosDbTimeToLive (%s s) is shorter than ExpireAfterSeconds (%s s): Cosmos will "
            "delete conversation state before the bot can say 'welcome back'",
            ttl,
            settings.expire_after_seconds,
        )
    connection = CosmosConnection(settings, client_options)
    page_size = settings.sweep_batch_size
    return StateStores(
        conversation=CosmosStore(connection.conversation_container, page_size),
        user=CosmosStore(connection.user_container, page_size),
        close=connection.close,
    )
