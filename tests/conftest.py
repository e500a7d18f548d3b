"""Fixtures every test can use: the storage servers and a store per backend.

The servers (Azurite's Blob service and the Cosmos-compatible server, from
npm) start once per session, only when a test needs one; a missing
``node_modules`` fails those tests with the fix rather than skipping them.
Each test then gets fresh, uniquely named containers (or database), removed
afterwards. The ``cosmos-real`` case runs when COSMOS_TEST_ENDPOINT and
COSMOS_TEST_KEY are set (COSMOS_TEST_VERIFY_TLS=false for the emulator's
self-signed certificate) and is reported as skipped otherwise.
"""

import os
import uuid
from typing import AsyncIterator, Iterator

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.cosmos.aio import CosmosClient
from azure.storage.blob.aio import BlobServiceClient

from shared import worker
from shared.hosting import AZURE_HOST_VARIABLES
from shared.settings import Settings
from shared.storage import StateStores, create_state_stores
from tests.servers import (
    AzuriteServer,
    CosmosServer,
    RunningServer,
    ServerNotInstalled,
    check_installed,
    start_azurite,
    start_cosmos,
)

BACKENDS = ("memory", "blob", "cosmos", "cosmos-real")
TEST_EXPIRE_AFTER_SECONDS = 60
TEST_COSMOS_TIME_TO_LIVE = 3600


def _started(start) -> Iterator[RunningServer]:
    try:
        check_installed()
    except ServerNotInstalled as error:
        problem = str(error)
    else:
        server = start()
        yield server
        server.stop()
        return
    pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def azurite() -> Iterator[AzuriteServer]:
    """Azurite's Blob service on 127.0.0.1 (port 10000 when free)."""
    yield from _started(start_azurite)


@pytest.fixture(scope="session")
def cosmos_server() -> Iterator[CosmosServer]:
    """The Cosmos-compatible server on 127.0.0.1, HTTPS with a self-signed certificate."""
    yield from _started(start_cosmos)


@pytest.fixture
async def fresh_worker(monkeypatch) -> AsyncIterator[None]:
    """The worker's singletons rebuilt from local defaults: memory, no credentials."""
    for name in ("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppType", "StateStorage",
                 *AZURE_HOST_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ExpireAfterSeconds", "30")
    await worker.reset_worker()
    yield
    await worker.reset_worker()


@pytest.fixture(params=BACKENDS)
async def settings_for_backend(request) -> AsyncIterator[Settings]:
    """The Settings of one backend, naming storage no other test uses."""
    backend = request.param
    suffix = uuid.uuid4().hex[:12]
    common = dict(expire_after_seconds=TEST_EXPIRE_AFTER_SECONDS, state_storage=backend)
    if backend == "memory":
        yield Settings(**common)
        return
    if backend == "blob":
        server = request.getfixturevalue("azurite")
        settings = Settings(
            **common,
            blob_connection_string=server.connection_string,
            blob_conversation_state_container=f"conversation-{suffix}",
            blob_user_state_container=f"user-{suffix}",
        )
        yield settings
        await delete_blob_containers(settings)
        return
    if backend == "cosmos":
        server = request.getfixturevalue("cosmos_server")
        endpoint, key, verify_tls = server.url, server.key, False
    else:
        endpoint, key = os.environ.get("COSMOS_TEST_ENDPOINT"), os.environ.get("COSMOS_TEST_KEY")
        if not (endpoint and key):
            pytest.skip("cosmos-real: set COSMOS_TEST_ENDPOINT and COSMOS_TEST_KEY to run it")
        verify_tls = os.environ.get("COSMOS_TEST_VERIFY_TLS", "true").lower() != "false"
    settings = Settings(
        expire_after_seconds=TEST_EXPIRE_AFTER_SECONDS,
        state_storage="cosmos",
        cosmos_db_endpoint=endpoint,
        cosmos_db_auth_key=key,
        cosmos_db_verify_tls=verify_tls,
        cosmos_db_database_id=f"test-{suffix}",
        cosmos_db_conversation_state_container_id="conversation-state",
        cosmos_db_user_state_container_id="user-state",
        cosmos_db_time_to_live=TEST_COSMOS_TIME_TO_LIVE,
    )
    yield settings
    await _delete_cosmos_database(settings)


@pytest.fixture
async def state_stores(settings_for_backend: Settings) -> AsyncIterator[StateStores]:
    """The stores the factory builds from ``settings_for_backend``, closed afterwards."""
    stores = create_state_stores(settings_for_backend)
    yield stores
    await stores.aclose()


async def delete_blob_containers(settings: Settings) -> None:
    async with BlobServiceClient.from_connection_string(settings.blob_connection_string) as client:
        for name in (
            settings.blob_conversation_state_container,
            settings.blob_user_state_container,
        ):
            try:
                await client.delete_container(name)
            except ResourceNotFoundError:
                pass


async def _delete_cosmos_database(settings: Settings) -> None:
    async with CosmosClient(
        settings.cosmos_db_endpoint,
        settings.cosmos_db_auth_key,
        connection_verify=settings.cosmos_db_verify_tls,
    ) as client:
        try:
            await client.delete_database(settings.cosmos_db_database_id)
        except ResourceNotFoundError:
            pass
