"""State in Azure Cosmos DB (NoSQL), through the SDK's async client.

The stock CosmosDbPartitionedStorage calls the synchronous client from async
methods and so blocks the worker's event loop; this store never does. Its
documents keep that store's format (``id``, ``realId``, ``document``).
"""

import logging
from collections import OrderedDict
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, Mapping, Optional, Tuple, Union

from azure.cosmos.aio import ContainerProxy
from azure.cosmos.exceptions import CosmosHttpResponseError, CosmosResourceNotFoundError

from ..settings import Settings
from .azure_errors import unavailable_on_outage
from .cosmos_containers import CosmosConnection
from .cosmos_key_escape import cosmos_id_for
from .errors import MalformedRecord
from .etag_conditions import conflict_if_changed, if_unchanged, is_lost_race
from .factory import StateStores
from .record_body import UnreadableBody, record_parts
from .record_store import DEFAULT_TIMEOUT_SECONDS, RecordStore, StoredRecord
from .sweepable import StaleRecord, UnreadableRecord

logger = logging.getLogger(__name__)

MAX_REMEMBERED_UNREADABLE = 10_000

# Only documents whose LastAccessedTime is a number at or before the cutoff
# match; the conversation container indexes exactly that path.
STALE_QUERY = (
    "SELECT c.id, c.realId, c._etag, c.document.LastAccessedTime AS t FROM c "
    "WHERE c.document.LastAccessedTime <= @cutoff"
)


class CosmosStore(RecordStore[ContainerProxy]):
    """A botbuilder Storage over one Cosmos container partitioned on /id."""

    def __init__(
        self,
        container: Callable[[], Awaitable[ContainerProxy]],
        page_size: int = 1000,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ):
        super().__init__(container, timeout_seconds)
        self._page_size = page_size
        # Cosmos has nowhere to mark a document, so this worker remembers the
        # unreadable versions it has reported (a rewrite gets a new _etag).
        self._reported: "OrderedDict[Tuple[str, str], None]" = OrderedDict()

    async def find_stale(
        self, cutoff: float
    ) -> AsyncIterator[Union[StaleRecord, UnreadableRecord]]:
        """One indexed query, in pages: its cost follows the stale records, not the store.

        Only documents with a stale numeric time match, so the unreadable ones
        a sweep can meet are those whose realId is missing or wrong; others
        (no document at all) never match and are left to the container's TTL.
        """
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
                if not (_is_number(last_accessed) and last_accessed <= cutoff):
                    continue
                reason = _unreadable_key(result)
                if reason:
                    yield self._unreadable(str(result.get("id")), str(result.get("_etag")), reason)
                else:
                    yield StaleRecord(result["realId"], result["_etag"], float(last_accessed))

    def _unreadable(self, document_id: str, e_tag: str, reason: str) -> UnreadableRecord:
        version = (document_id, e_tag)
        reported = version in self._reported
        self._reported[version] = None
        self._reported.move_to_end(version)
        if len(self._reported) > MAX_REMEMBERED_UNREADABLE:
            self._reported.popitem(last=False)
        return UnreadableRecord(document_id, reason, reported)

    async def _read_record(self, container: ContainerProxy, key: str) -> Optional[StoredRecord]:
        document_id = cosmos_id_for(key)
        try:
            record = await container.read_item(item=document_id, partition_key=document_id)
        except CosmosResourceNotFoundError:
            return None
        try:
            real_id, document = record_parts(record)
        except UnreadableBody as unreadable:
            raise MalformedRecord(key, record.get("_etag", ""), unreadable.reason) from None
        return StoredRecord(real_id, document, record["_etag"])

    async def _write_record(
        self, container: ContainerProxy, key: str, document: Dict[str, Any], e_tag: Optional[str]
    ) -> None:
        body = {"id": cosmos_id_for(key), "realId": key, "document": document}
        if e_tag is None:
            await container.upsert_item(body=body)
            return
        with conflict_if_changed(key, e_tag):
            await container.replace_item(item=body["id"], body=body, **if_unchanged(e_tag))

    async def _delete_record(
        self, container: ContainerProxy, key: str, e_tag: Optional[str]
    ) -> bool:
        document_id = cosmos_id_for(key)
        try:
            await container.delete_item(
                item=document_id, partition_key=document_id, **if_unchanged(e_tag)
            )
        except CosmosHttpResponseError as error:
            if is_lost_race(error):
                return False
            raise
        return True


def _unreadable_key(result: Dict[str, Any]) -> str:
    """Why a stale query result names no record this store can delete; '' if it does."""
    if "realId" not in result:
        return "no realId"
    real_id = result["realId"]
    if not isinstance(real_id, str) or not real_id:
        return "realId is not a non-empty string"
    if cosmos_id_for(real_id) != result.get("id"):
        return "realId does not match the id"
    return ""


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
    timeout = settings.storage_timeout_seconds
    return StateStores(
        conversation=CosmosStore(connection.conversation_container, page_size, timeout),
        user=CosmosStore(connection.user_container, page_size, timeout),
        close=connection.close,
    )
