"""Cosmos specifics: containers, TTL, document format, and what a sweep costs.

Run against the Cosmos-compatible server, and against a real account or the
emulator when COSMOS_TEST_ENDPOINT and COSMOS_TEST_KEY are set.
"""

import dataclasses
import logging
import time
from contextlib import asynccontextmanager
from typing import AsyncIterator

import pytest
from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient, DatabaseProxy

from shared.settings import Settings
from shared.storage.cosmos_containers import DUE_AT_INDEX_PATH, LAST_ACCESSED_INDEX_PATH
from shared.storage.cosmos_key_escape import cosmos_id_for
from shared.storage.cosmos_store import create_cosmos_stores
from tests.storage.fake_credential import FakeCredential
from tests.storage.request_counting import CountingTransport

COSMOS_BACKENDS = pytest.mark.parametrize(
    "settings_for_backend", ["cosmos", "cosmos-real"], indirect=True
)


@asynccontextmanager
async def opened_database(settings: Settings) -> AsyncIterator[DatabaseProxy]:
    """The test's database (created if missing), through a client of the test's own."""
    async with CosmosClient(
        settings.cosmos_db_endpoint,
        settings.cosmos_db_auth_key,
        connection_verify=settings.cosmos_db_verify_tls,
    ) as client:
        yield await client.create_database_if_not_exists(settings.cosmos_db_database_id)


async def container_properties(settings: Settings, container_id: str) -> dict:
    async with opened_database(settings) as database:
        return await database.get_container_client(container_id).read()


@COSMOS_BACKENDS
async def test_first_use_creates_the_containers_the_sweep_and_ttl_need(
    settings_for_backend, state_stores
):
    # given a database that does not exist yet; when the stores are first used
    await state_stores.user.read(["anything"])
    # then the conversation container expires items and indexes the last access
    settings = settings_for_backend
    conversation = await container_properties(
        settings, settings.cosmos_db_conversation_state_container_id
    )
    assert conversation["defaultTtl"] == settings.cosmos_db_time_to_live
    assert conversation["partitionKey"]["paths"] == ["/id"]
    indexed = [path["path"] for path in conversation["indexingPolicy"]["includedPaths"]]
    assert LAST_ACCESSED_INDEX_PATH in indexed and DUE_AT_INDEX_PATH in indexed
    # and the user container keeps profiles for good
    user = await container_properties(settings, settings.cosmos_db_user_state_container_id)
    assert user.get("defaultTtl") in (None, -1)
    assert user["partitionKey"]["paths"] == ["/id"]


@COSMOS_BACKENDS
async def test_existing_containers_are_used_as_they_are_with_a_warning(
    settings_for_backend, state_stores, caplog
):
    # given containers created earlier with other TTLs
    settings = settings_for_backend
    async with opened_database(settings) as database:
        await database.create_container(
            settings.cosmos_db_conversation_state_container_id, PartitionKey("/id"), default_ttl=10
        )
        await database.create_container(
            settings.cosmos_db_user_state_container_id, PartitionKey("/id"), default_ttl=20
        )
    # when the stores are first used
    with caplog.at_level(logging.WARNING, logger="shared.storage.cosmos_containers"):
        await state_stores.conversation.write({"key": {"LastAccessedTime": 1}})
    # then the containers keep their TTLs, and each mismatch was logged
    conversation = await container_properties(
        settings, settings.cosmos_db_conversation_state_container_id
    )
    assert conversation["defaultTtl"] == 10
    warnings = [record.getMessage() for record in caplog.records]
    assert any(settings.cosmos_db_conversation_state_container_id in w for w in warnings)
    assert any(settings.cosmos_db_user_state_container_id in w for w in warnings)
    assert (await state_stores.conversation.read(["key"]))["key"]["LastAccessedTime"] == 1


@COSMOS_BACKENDS
async def test_a_container_partitioned_otherwise_is_refused_by_name(
    settings_for_backend, state_stores
):
    settings = settings_for_backend
    async with opened_database(settings) as database:
        await database.create_container(
            settings.cosmos_db_user_state_container_id, PartitionKey("/partitionKey")
        )
    with pytest.raises(ValueError, match=settings.cosmos_db_user_state_container_id):
        await state_stores.user.read(["key"])


def test_a_ttl_shorter_than_the_expiry_window_warns_at_start_up(caplog):
    settings = Settings(
        state_storage="cosmos",
        expire_after_seconds=600,
        cosmos_db_time_to_live=300,
        cosmos_db_endpoint="https://127.0.0.1:9/",
        cosmos_db_auth_key="key",
        cosmos_db_database_id="db",
        cosmos_db_conversation_state_container_id="conversations",
        cosmos_db_user_state_container_id="users",
    )
    with caplog.at_level(logging.WARNING, logger="shared.storage.cosmos_store"):
        create_cosmos_stores(settings)
    assert "CosmosDbTimeToLive (300 s) is shorter than ExpireAfterSeconds (600 s)" in caplog.text
    caplog.clear()
    create_cosmos_stores(dataclasses.replace(settings, cosmos_db_time_to_live=600))
    assert caplog.text == ""


@COSMOS_BACKENDS
async def test_documents_keep_the_cosmos_db_partitioned_storage_format(
    settings_for_backend, state_stores
):
    key = "emulator/conversations/a?b#c/"
    item = {"LastAccessedTime": 12.5, "DialogState": {"stack": [1, 2]}, "e_tag": "*"}
    await state_stores.conversation.write({key: item})
    settings = settings_for_backend
    async with opened_database(settings) as database:
        container = database.get_container_client(
            settings.cosmos_db_conversation_state_container_id
        )
        document = await container.read_item(cosmos_id_for(key), partition_key=cosmos_id_for(key))
    assert document["id"] == "emulator*47conversations*47a*63b*35c*47"
    assert document["realId"] == key
    assert document["document"] == {"LastAccessedTime": 12.5, "DialogState": {"stack": [1, 2]}}
    assert "e_tag" not in document["document"]


@COSMOS_BACKENDS
async def test_a_sweep_with_nothing_stale_costs_the_same_requests_at_any_size(
    settings_for_backend,
):
    # given a store of fresh conversations, read in pages of 10 (so reading
    # them all would cost 5 requests at 50 and 50 at 500), counting requests
    settings = dataclasses.replace(settings_for_backend, sweep_batch_size=10)
    transport = CountingTransport()
    stores = create_cosmos_stores(settings, {"transport": transport})
    store = stores.conversation
    now = time.time()
    cutoff = now - settings_for_backend.expire_after_seconds

    async def requests_for_one_sweep():
        transport.reset()
        assert [record async for record in store.find_due(cutoff, cutoff)] == []
        return transport.count

    try:
        await store.write({f"fresh-{index}": {"LastAccessedTime": now} for index in range(50)})
        await requests_for_one_sweep()  # the first query may fetch routing information
        # when it is swept at 50 and at 500 conversations
        with_50 = await requests_for_one_sweep()
        await store.write(
            {f"fresh-{index}": {"LastAccessedTime": now} for index in range(50, 500)}
        )
        with_500 = await requests_for_one_sweep()
    finally:
        await stores.aclose()
    # then both cost the same few requests: one query (a real account may add
    # a query plan, and one request per physical partition)
    assert with_50 == with_500
    assert with_50 <= 3


def partitioned_storage_of(settings: Settings, container_id: str):
    """botbuilder-azure's own (synchronous) store over the same container."""
    from azure.cosmos.documents import ConnectionPolicy
    from botbuilder.azure import CosmosDbPartitionedConfig, CosmosDbPartitionedStorage

    policy = ConnectionPolicy()
    policy.DisableSSLVerification = not settings.cosmos_db_verify_tls
    return CosmosDbPartitionedStorage(
        CosmosDbPartitionedConfig(
            cosmos_db_endpoint=settings.cosmos_db_endpoint,
            auth_key=settings.cosmos_db_auth_key,
            database_id=settings.cosmos_db_database_id,
            container_id=container_id,
            cosmos_client_options={"connection_policy": policy},
            compatibility_mode=True,
        )
    )


@COSMOS_BACKENDS
@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
async def test_a_bot_moving_from_cosmos_db_partitioned_storage_keeps_its_state(
    settings_for_backend, state_stores
):
    # given state written by this store and by botbuilder's, in one container
    settings = settings_for_backend
    ours_key, theirs_key = "msteams/conversations/ours?/", "msteams/conversations/theirs#/"
    long_key = "emulator/users/" + "u" * 300
    await state_stores.user.write({ours_key: {"name": "Ada"}})
    theirs = partitioned_storage_of(settings, settings.cosmos_db_user_state_container_id)
    await theirs.write({theirs_key: {"name": "Grace"}, long_key: {"name": "Long"}})
    # when each reads what the other wrote
    read_by_us = await state_stores.user.read([theirs_key, long_key])
    read_by_them = await theirs.read([ours_key])
    # then both find it
    assert read_by_us[theirs_key]["name"] == "Grace"
    assert read_by_us[long_key]["name"] == "Long"
    assert read_by_them[ours_key]["name"] == "Ada"
    # and this store updates, with its e_tag, a record botbuilder's wrote
    read_by_us[theirs_key]["name"] = "Grace Hopper"
    await state_stores.user.write({theirs_key: read_by_us[theirs_key]})
    assert (await theirs.read([theirs_key]))[theirs_key]["name"] == "Grace Hopper"


@pytest.mark.parametrize("settings_for_backend", ["cosmos"], indirect=True)
async def test_without_a_key_the_client_signs_in_with_azure_ad(settings_for_backend, monkeypatch):
    credential = FakeCredential()
    monkeypatch.setattr(
        "shared.storage.state_containers.default_azure_credential", lambda: credential
    )
    settings = dataclasses.replace(settings_for_backend, cosmos_db_auth_key="")
    stores = create_cosmos_stores(settings)
    try:
        await stores.user.write({"key": {"name": "Ada"}})
        assert (await stores.user.read(["key"]))["key"]["name"] == "Ada"
    finally:
        await stores.aclose()
    assert credential.scopes and all(scope.endswith("/.default") for scope in credential.scopes)
    assert credential.closed


@COSMOS_BACKENDS
async def test_a_container_made_by_the_first_version_gains_the_due_time_index(
    settings_for_backend, state_stores
):
    # given a conversation container that indexes only LastAccessedTime, as
    # the first version created it
    settings = settings_for_backend
    first_version_policy = {
        "indexingMode": "consistent",
        "automatic": True,
        "includedPaths": [{"path": LAST_ACCESSED_INDEX_PATH}],
        "excludedPaths": [{"path": "/*"}],
    }
    async with opened_database(settings) as database:
        await database.create_container(
            settings.cosmos_db_conversation_state_container_id,
            PartitionKey("/id"),
            default_ttl=settings.cosmos_db_time_to_live,
            indexing_policy=first_version_policy,
        )
    # when the stores are first used
    await state_stores.conversation.read(["anything"])
    # then the sweep's query on DueAt is indexed too, and the TTL is unchanged
    conversation = await container_properties(
        settings, settings.cosmos_db_conversation_state_container_id
    )
    indexed = [path["path"] for path in conversation["indexingPolicy"]["includedPaths"]]
    assert DUE_AT_INDEX_PATH in indexed and LAST_ACCESSED_INDEX_PATH in indexed
    assert conversation["defaultTtl"] == settings.cosmos_db_time_to_live
