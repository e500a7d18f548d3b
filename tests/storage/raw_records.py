"""Records the bot never writes, planted and read back through the raw SDK clients.

For tests of what the stores and the sweep do with records they cannot read:
another app's blob, a hand-edited document, a format from another version.
"""

import json
from contextlib import asynccontextmanager
from typing import AsyncIterator, Dict

from azure.cosmos.aio import CosmosClient
from azure.cosmos.exceptions import CosmosResourceNotFoundError
from azure.storage.blob.aio import BlobServiceClient, ContainerClient

from shared.settings import Settings
from shared.storage import StateStores
from shared.storage.blob_names import blob_name_for
from shared.storage.cosmos_key_escape import cosmos_id_for

STALE_TIME = 12  # a LastAccessedTime long past, in epoch seconds

# Documents whose envelope is fine but whose content cannot be rebuilt as state.
UNRESTORABLE_DOCUMENTS = {
    "a constructor that raises": {
        "LastAccessedTime": STALE_TIME,
        "DialogState": {"py/reduce": [{"py/function": "builtins.int"}, {"py/tuple": ["x"]}]},
    },
    "a class that does not exist": {
        "LastAccessedTime": STALE_TIME,
        "DialogState": {"py/object": "no_such_module.NoSuchClass", "stack": []},
    },
}


def _json(value: object) -> bytes:
    return json.dumps(value).encode("utf-8")


def unreadable_blobs(key: str) -> Dict[str, bytes]:
    """Blob contents, by kind, that cannot be read as the record of ``key``."""
    stale = {"LastAccessedTime": STALE_TIME}
    return {
        "not JSON": b"\x00\x01 not json",
        "JSON but not an object": _json([key, stale]),
        "no realId": _json({"document": stale}),
        "realId not a string": _json({"realId": 42, "document": stale}),
        "no document": _json({"realId": key}),
        "document not an object": _json({"realId": key, "document": [STALE_TIME]}),
        "realId of another blob": _json({"realId": f"{key}-elsewhere", "document": stale}),
    }


def unreadable_cosmos_documents(key: str) -> Dict[str, dict]:
    """Cosmos bodies, by kind, that cannot be read as the record of ``key``."""
    stale = {"LastAccessedTime": STALE_TIME}
    return {
        "no realId": {"document": stale},
        "realId not a string": {"realId": 42, "document": stale},
        "no document": {"realId": key},
        "document not an object": {"realId": key, "document": [STALE_TIME]},
        "realId of another document": {"realId": f"{key}-elsewhere", "document": stale},
    }


def record_holding(backend: str, key: str, document: dict) -> object:
    """The raw record ``backend`` keeps for ``document`` stored under ``key``."""
    if backend == "memory":
        return json.dumps(document)
    body = {"realId": key, "document": document}
    return _json(body) if backend == "blob" else body


def unrestorable_records(backend: str, key: str) -> Dict[str, object]:
    """Raw records of ``key`` with a good envelope and an unrestorable document."""
    return {
        kind: record_holding(backend, key, document)
        for kind, document in UNRESTORABLE_DOCUMENTS.items()
    }


NOT_JSON = "\x00\x01 not json"


def unreadable_records(backend: str, key: str) -> Dict[str, object]:
    """Every kind of unreadable raw record of ``key`` that ``backend`` can hold."""
    if backend == "memory":
        return {
            "not JSON": NOT_JSON,
            "JSON but not an object": json.dumps([key]),
            **unrestorable_records(backend, key),
        }
    if backend == "blob":
        return {**unreadable_blobs(key), **unrestorable_records(backend, key)}
    return {**unreadable_cosmos_documents(key), **unrestorable_records(backend, key)}


def backend_of(settings: Settings) -> str:
    return settings.state_storage


@asynccontextmanager
async def blob_container(settings: Settings, which: str) -> AsyncIterator[ContainerClient]:
    """The test's conversation or user container, through a client of the test's own."""
    name = (
        settings.blob_conversation_state_container
        if which == "conversation"
        else settings.blob_user_state_container
    )
    async with BlobServiceClient.from_connection_string(settings.blob_connection_string) as client:
        yield client.get_container_client(name)


@asynccontextmanager
async def cosmos_container(settings: Settings, which: str):
    container_id = (
        settings.cosmos_db_conversation_state_container_id
        if which == "conversation"
        else settings.cosmos_db_user_state_container_id
    )
    async with CosmosClient(
        settings.cosmos_db_endpoint,
        settings.cosmos_db_auth_key,
        connection_verify=settings.cosmos_db_verify_tls,
    ) as client:
        yield client.get_database_client(settings.cosmos_db_database_id).get_container_client(
            container_id
        )


async def plant(settings: Settings, stores: StateStores, which: str, key: str, raw: object):
    """Store ``raw`` as it is where the ``which`` ("conversation"/"user") record of ``key`` lives.

    The stores must have been used once, so their containers exist.
    """
    backend = backend_of(settings)
    if backend == "memory":
        store = getattr(stores, which)
        store._records[key] = raw  # pylint: disable=protected-access
        store._e_tags[key] = "planted"  # pylint: disable=protected-access
    elif backend == "blob":
        async with blob_container(settings, which) as container:
            await container.upload_blob(blob_name_for(key), raw, overwrite=True)
    else:
        async with cosmos_container(settings, which) as container:
            await container.upsert_item({**raw, "id": cosmos_id_for(key)})


async def raw_record(settings: Settings, stores: StateStores, which: str, key: str) -> object:
    """The ``which`` record of ``key`` exactly as stored, with its version; None if absent."""
    backend = backend_of(settings)
    if backend == "memory":
        store = getattr(stores, which)
        found = store._records.get(key)  # pylint: disable=protected-access
        if found is None:
            return None
        return found, store._e_tags[key]  # pylint: disable=protected-access
    if backend == "blob":
        async with blob_container(settings, which) as container:
            blob = container.get_blob_client(blob_name_for(key))
            if not await blob.exists():
                return None
            downloader = await blob.download_blob()
            return await downloader.readall(), downloader.properties.etag
    async with cosmos_container(settings, which) as container:
        try:
            return await container.read_item(cosmos_id_for(key), partition_key=cosmos_id_for(key))
        except CosmosResourceNotFoundError:
            return None
