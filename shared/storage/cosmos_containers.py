"""The Cosmos client and the two state containers, made ready on first use.

Like the article's initializer, the database and containers are created when
missing: the conversation container with the TTL and the index the sweeper
relies on, the user container without a TTL. Existing containers are used as
they are. No throughput is ever requested, so serverless accounts work.
"""

import logging
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from azure.cosmos import PartitionKey
from azure.cosmos.aio import ContainerProxy, CosmosClient, DatabaseProxy
from azure.cosmos.exceptions import (
    CosmosHttpResponseError,
    CosmosResourceExistsError,
    CosmosResourceNotFoundError,
)

from ..settings import Settings
from .azure_errors import unavailable_on_outage
from .sdk_pipeline import idle_policy, pipeline_without
from .sdk_transport import client_options_with_transport
from .state_containers import StateContainerConnection, StateContainers

logger = logging.getLogger(__name__)

PARTITION_KEY_PATH = "/id"
LAST_ACCESSED_INDEX_PATH = "/document/LastAccessedTime/?"
DUE_AT_INDEX_PATH = "/document/DueAt/?"
SWEEP_INDEX_PATHS = (DUE_AT_INDEX_PATH, LAST_ACCESSED_INDEX_PATH)


def conversation_indexing_policy() -> Dict[str, Any]:
    """Index only DueAt and LastAccessedTime: the sweeper's range query needs
    them, and point reads by id need no index, so writes index nothing else."""
    return {
        "indexingMode": "consistent",
        "automatic": True,
        "includedPaths": [{"path": path} for path in SWEEP_INDEX_PATHS],
        "excludedPaths": [{"path": "/*"}],
    }


@dataclass(frozen=True)
class ContainerSpec:
    """How a state container is created when it does not exist yet."""

    id: str
    default_ttl: Optional[int]
    indexing_policy: Optional[Dict[str, Any]] = None


def _leave_out_idle_policies(client: CosmosClient) -> None:
    """Every request of ``client`` skips the policies that have nothing to do
    (``sdk_pipeline``): among them a second parse of every JSON answer."""
    # The SDK sends each request through its pipeline client's ``_pipeline``;
    # the SDK is pinned (requirements.txt), tests/storage/test_cosmos_pipeline.py.
    # pylint: disable=protected-access
    pipeline_client = client.client_connection.pipeline_client
    pipeline_client._pipeline = pipeline_without(pipeline_client._pipeline, idle_policy)


class CosmosConnection(StateContainerConnection[ContainerProxy]):
    """One async client shared by both stores; everything built lazily.

    ``client_options`` go to the SDK client as keyword arguments (tests pass
    a request-counting ``transport``).
    """

    def __init__(self, settings: Settings, client_options: Optional[Mapping[str, Any]] = None):
        super().__init__()
        self._settings = settings
        self._client_options = dict(client_options or {})

    async def _open(self) -> StateContainers[ContainerProxy]:
        settings = self._settings
        with unavailable_on_outage():
            client = await self._get_client()
            database = await _ensure_database(client, settings.cosmos_db_database_id)
            conversation = await _ensure_container(
                database,
                ContainerSpec(
                    id=settings.cosmos_db_conversation_state_container_id,
                    default_ttl=settings.cosmos_db_time_to_live,
                    indexing_policy=conversation_indexing_policy(),
                ),
            )
            user = await _ensure_container(
                database,
                ContainerSpec(id=settings.cosmos_db_user_state_container_id, default_ttl=None),
            )
        return StateContainers(conversation=conversation, user=user)

    async def _get_client(self) -> CosmosClient:
        if self._client is None:
            client = CosmosClient(
                self._settings.cosmos_db_endpoint, self._get_credential(), **self._options()
            )
            _leave_out_idle_policies(client)
            # Entering the client reads the account: its regions, and its
            # consistency level, so session tokens are kept when it is Session
            # (a turn then reads its own writes). Skipping it skips both.
            try:
                await client.__aenter__()
            except BaseException:
                await client.close()
                raise
            self._client = client
        return self._client

    def _get_credential(self) -> Any:
        return self._settings.cosmos_db_auth_key or self._azure_ad_credential()

    def _options(self) -> Dict[str, Any]:
        options = client_options_with_transport(self._client_options)
        if not self._settings.cosmos_db_verify_tls:
            options["connection_verify"] = False
        return options


async def _ensure_database(client: CosmosClient, database_id: str) -> DatabaseProxy:
    database = client.get_database_client(database_id)
    try:
        await database.read()
    except CosmosResourceNotFoundError:
        try:
            await client.create_database(database_id)
        except CosmosResourceExistsError:
            pass  # another worker created it first
    return database


async def _ensure_container(database: DatabaseProxy, spec: ContainerSpec) -> ContainerProxy:
    """The container ``spec`` names, created from ``spec`` only if missing."""
    container = database.get_container_client(spec.id)
    try:
        properties = await container.read()
    except CosmosResourceNotFoundError:
        try:
            return await database.create_container(
                id=spec.id,
                partition_key=PartitionKey(path=PARTITION_KEY_PATH),
                default_ttl=spec.default_ttl,
                indexing_policy=spec.indexing_policy,
            )
        except CosmosResourceExistsError:
            properties = await container.read()  # another worker created it first
    _check_existing(spec, properties)
    if spec.indexing_policy and _missing_index_paths(spec, properties):
        await _add_index_paths(database, spec, properties)
    return container


def _missing_index_paths(spec: ContainerSpec, properties: Mapping[str, Any]) -> list:
    policy = properties.get("indexingPolicy") or {}
    if policy.get("indexingMode") == "none":
        return []  # indexing off altogether: an operator's choice, left alone
    indexed = {entry.get("path") for entry in policy.get("includedPaths") or []}
    if "/*" in indexed:
        return []  # everything is indexed
    wanted = [entry["path"] for entry in spec.indexing_policy["includedPaths"]]
    return [path for path in wanted if path not in indexed]


async def _add_index_paths(
    database: DatabaseProxy, spec: ContainerSpec, properties: Mapping[str, Any]
) -> None:
    """Index the sweep's paths in a container made by an older version.

    Without them the sweep's query would scan every document. Cosmos builds
    the new index in the background while the container stays in use.
    """
    missing = _missing_index_paths(spec, properties)
    policy = dict(properties.get("indexingPolicy") or conversation_indexing_policy())
    policy["includedPaths"] = list(policy.get("includedPaths") or []) + [
        {"path": path} for path in missing
    ]
    try:
        await database.replace_container(
            spec.id,
            partition_key=PartitionKey(path=PARTITION_KEY_PATH),
            indexing_policy=policy,
            default_ttl=properties.get("defaultTtl"),
        )
        logger.info("Cosmos container %r now also indexes %s", spec.id, ", ".join(missing))
    except CosmosHttpResponseError as error:
        logger.warning(
            "Cosmos container %r does not index %s and could not be changed (%s); "
            "add them to its indexing policy, or sweeps will scan every document",
            spec.id,
            ", ".join(missing),
            error.status_code,
        )


def _check_existing(spec: ContainerSpec, properties: Mapping[str, Any]) -> None:
    """Refuse a container the stores cannot address; warn about a TTL mismatch."""
    paths = (properties.get("partitionKey") or {}).get("paths") or []
    if paths != [PARTITION_KEY_PATH]:
        raise ValueError(
            f"Cosmos container {spec.id!r} is partitioned on {paths or 'nothing'}; "
            f"state containers must be partitioned on {PARTITION_KEY_PATH}"
        )
    existing_ttl = _effective_ttl(properties.get("defaultTtl"))
    if existing_ttl != spec.default_ttl:
        logger.warning(
            "Cosmos container %r already exists with defaultTtl=%s but the settings ask for %s; "
            "using it as it is (change its time to live in the Azure portal if needed)",
            spec.id,
            existing_ttl,
            spec.default_ttl,
        )


def _effective_ttl(default_ttl: Optional[int]) -> Optional[int]:
    """-1 turns TTL on without a default: items never expire, as with none."""
    return None if default_ttl == -1 else default_ttl
