"""State in Azure Cosmos DB (NoSQL), through the SDK's async client.

The stock CosmosDbPartitionedStorage calls the synchronous client from async
methods and so blocks the worker's event loop; this store never does. Its
documents keep that store's format (``id``, ``realId``, ``document``).
"""

import logging
import math
from datetime import datetime, timezone
from collections import OrderedDict
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, Mapping, Optional, Tuple, Union

from azure.cosmos.aio import ContainerProxy
from azure.cosmos.exceptions import CosmosHttpResponseError, CosmosResourceNotFoundError

from ..lifecycle.record import cosmos_item_ttl
from ..lifecycle.rules import LifecycleRules
from ..settings import Settings
from .azure_errors import unavailable_on_outage
from .cosmos_containers import CosmosConnection
from .cosmos_key_escape import cosmos_id_for
from .due_records import is_due, sweep_fields
from .errors import MalformedRecord
from .etag_conditions import conflict_if_changed, if_unchanged, is_lost_race
from .factory import StateStores
from .record_body import UnreadableBody, record_parts
from .record_store import DEFAULT_TIMEOUT_SECONDS, RecordStore, StoredRecord
from .sweepable import DueRecord, UnreadableRecord

logger = logging.getLogger(__name__)

MAX_REMEMBERED_UNREADABLE = 10_000

# Documents due now, and older ones (no DueAt) idle since the cutoff, whose
# LastAccessedTime is a number or an ISO string (the JavaScript bot's); the
# conversation container indexes exactly these two paths. Only the lifecycle
# fields come back, never the dialog state.
_DUE_SELECT = (
    "SELECT c.id, c.realId, c._etag, c.document.LastAccessedTime, c.document.Lifecycle, "
    "c.document.DueAt, c.document.Expired FROM c WHERE c.document.DueAt <= @now"
)
DUE_QUERY = _DUE_SELECT + (
    " OR (NOT IS_DEFINED(c.document.DueAt) AND (c.document.LastAccessedTime <= @cutoff"
    " OR c.document.LastAccessedTime <= @isoCutoff))"
)
LARGEST_TIME = 1e300  # stands in for "any time" (JSON has no infinity)


class CosmosStore(RecordStore[ContainerProxy]):
    """A botbuilder Storage over one Cosmos container partitioned on /id."""

    def __init__(
        self,
        container: Callable[[], Awaitable[ContainerProxy]],
        page_size: int = 1000,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        item_ttl: Optional[Callable[[Mapping[str, Any]], Optional[int]]] = None,
    ):
        """``item_ttl`` gives a document its own ``ttl`` (None: the container's)."""
        super().__init__(container, timeout_seconds)
        self._page_size = page_size
        self._item_ttl = item_ttl
        # Cosmos has nowhere to mark a document, so this worker remembers the
        # unreadable versions it has reported (a rewrite gets a new _etag).
        self._reported: "OrderedDict[Tuple[str, str], None]" = OrderedDict()

    async def find_due(
        self, now: float, legacy_cutoff: float
    ) -> AsyncIterator[Union[DueRecord, UnreadableRecord]]:
        """One indexed query, in pages: its cost follows what is due, not the store.

        Only documents with a due time match, so the unreadable ones a sweep
        can meet are those whose realId is missing or wrong; others (no
        document at all) never match and are left to the container's TTL.
        """
        container = await self._container()
        now = min(now, LARGEST_TIME)
        if legacy_cutoff == -math.inf:
            query, parameters = _DUE_SELECT, [{"name": "@now", "value": now}]
        else:
            legacy_cutoff = min(legacy_cutoff, LARGEST_TIME)
            query, parameters = DUE_QUERY, [
                {"name": "@now", "value": now},
                {"name": "@cutoff", "value": legacy_cutoff},
                {"name": "@isoCutoff", "value": _iso(legacy_cutoff)},
            ]
        with unavailable_on_outage():
            results = container.query_items(
                query, parameters=parameters, max_item_count=self._page_size
            )
            async for result in results:
                fields = sweep_fields(result)
                # Re-checked here: a comparison across types is undefined in
                # Cosmos, but not every Cosmos-compatible server agrees.
                if not is_due(fields, now, legacy_cutoff):
                    continue
                reason = _unreadable_key(result)
                if reason:
                    yield self._unreadable(str(result.get("id")), str(result.get("_etag")), reason)
                else:
                    yield DueRecord(result["realId"], result["_etag"], fields)

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
        ttl = self._item_ttl(document) if self._item_ttl else None
        if ttl is not None:
            body["ttl"] = ttl
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


def _iso(epoch_seconds: float) -> str:
    """An epoch time as JavaScript's toISOString writes it, which sorts as text."""
    moment = datetime.fromtimestamp(max(min(epoch_seconds, 253402300799), 0), timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


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
    rules = LifecycleRules.from_settings(settings)

    def conversation_ttl(document: Mapping[str, Any]) -> Optional[int]:
        return cosmos_item_ttl(document, rules, ttl)

    return StateStores(
        conversation=CosmosStore(
            connection.conversation_container, page_size, timeout, conversation_ttl
        ),
        user=CosmosStore(connection.user_container, page_size, timeout),
        close=connection.close,
    )
