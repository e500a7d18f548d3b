"""The storage backends a benchmark runs on, for the product and for the stock baseline.

The product is configured through its app settings; the baseline gets the
stock storages the article would use. Product and stock keep their state in
separate containers.
"""

from dataclasses import dataclass, field
from typing import Callable, Dict, Tuple

from botbuilder.core import MemoryStorage, Storage

EXPIRE_AFTER_SECONDS = 300  # longer than any benchmark conversation, so none expires
COSMOS_DATABASE = "bench"

StockStorages = Tuple[Storage, Storage]  # conversation, user
LABELS = {"memory": "memory", "blob": "blob → Azurite", "cosmos": "cosmos → Cosmos-compatible"}


@dataclass(frozen=True)
class Backend:
    """One storage backend, as both the product and the stock baseline reach it."""

    name: str
    label: str
    product_settings: Dict[str, str] = field(repr=False)
    make_stock_storages: Callable[[], StockStorages] = field(repr=False)
    server_pids: Tuple[int, ...] = ()  # storage server and proxy processes, for their CPU


def _common_settings(storage: str) -> Dict[str, str]:
    return {"StateStorage": storage, "ExpireAfterSeconds": str(EXPIRE_AFTER_SECONDS)}


def memory_backend() -> Backend:
    """Process memory; the stock side shares one MemoryStorage, as the sample does."""

    def stock() -> StockStorages:
        storage = MemoryStorage()
        return storage, storage

    return Backend("memory", LABELS["memory"], _common_settings("memory"), stock)


def blob_backend(
    connection_string: str, label: str = LABELS["blob"], server_pids: Tuple[int, ...] = ()
) -> Backend:
    """Azure Blob Storage at ``connection_string``: one container per state."""

    def stock() -> StockStorages:
        from botbuilder.azure import BlobStorage, BlobStorageSettings

        return tuple(
            BlobStorage(BlobStorageSettings(container_name=name, connection_string=connection_string))
            for name in ("stock-conversations", "stock-users")
        )

    settings = {
        **_common_settings("blob"),
        "BlobConnectionString": connection_string,
        "BlobConversationStateContainer": "product-conversations",
        "BlobUserStateContainer": "product-users",
    }
    return Backend("blob", label, settings, stock, server_pids)


def cosmos_backend(
    endpoint: str,
    key: str,
    label: str = LABELS["cosmos"],
    server_pids: Tuple[int, ...] = (),
) -> Backend:
    """Cosmos DB (NoSQL) at ``endpoint``, whose certificate is self-signed."""

    def stock() -> StockStorages:
        from azure.cosmos.documents import ConnectionPolicy
        from botbuilder.azure import CosmosDbPartitionedConfig, CosmosDbPartitionedStorage

        def storage(container_id: str) -> Storage:
            policy = ConnectionPolicy()
            policy.DisableSSLVerification = True
            return CosmosDbPartitionedStorage(
                CosmosDbPartitionedConfig(
                    cosmos_db_endpoint=endpoint,
                    auth_key=key,
                    database_id=COSMOS_DATABASE,
                    container_id=container_id,
                    cosmos_client_options={"connection_policy": policy},
                )
            )

        return storage("stock-conversations"), storage("stock-users")

    settings = {
        **_common_settings("cosmos"),
        "CosmosDbEndpoint": endpoint,
        "CosmosDbAuthKey": key,
        "CosmosDbDatabaseId": COSMOS_DATABASE,
        "CosmosDbConversationStateContainerId": "product-conversations",
        "CosmosDbUserStateContainerId": "product-users",
        "CosmosDbVerifyTls": "false",
    }
    return Backend("cosmos", label, settings, stock, server_pids)


async def close_stock_storages(storages: StockStorages) -> None:
    """Close the aiohttp sessions the stock BlobStorage opens and never closes.

    BlobStorage keeps only a container client made from a service client it
    drops; that client's transport is a wrapper whose close does nothing, so
    the service client's own transport is closed here.
    """
    for storage in set(storages):
        client = getattr(storage, "_BlobStorage__container_client", None)
        if client is None:
            continue
        transport = client._pipeline._transport  # pylint: disable=protected-access
        await getattr(transport, "_transport", transport).close()
