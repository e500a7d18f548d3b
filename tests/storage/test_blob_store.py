"""Blob specifics: the stored format, development storage, and what a sweep reads."""

import asyncio
import dataclasses
import json
import time
from contextlib import asynccontextmanager
from typing import AsyncIterator

import pytest
from azure.storage.blob.aio import BlobServiceClient, ContainerClient

from shared.settings import Settings
from shared.storage import (
    MalformedRecord,
    DueRecord,
    StorageUnavailable,
    UnreadableRecord,
    create_state_stores,
)
from shared.storage.blob_names import blob_name_for
from shared.storage.blob_store import create_blob_stores
from tests.servers import AZURITE_DEFAULT_PORT, free_port
from tests.storage.fake_credential import FakeCredential
from tests.storage.request_counting import CountingTransport

BLOB = pytest.mark.parametrize("settings_for_backend", ["blob"], indirect=True)


@asynccontextmanager
async def conversation_container(settings: Settings) -> AsyncIterator[ContainerClient]:
    """The test's conversation container, through a client of the test's own."""
    async with BlobServiceClient.from_connection_string(settings.blob_connection_string) as client:
        yield client.get_container_client(settings.blob_conversation_state_container)


@asynccontextmanager
async def counted_stores(settings: Settings):
    transport = CountingTransport()
    stores = create_blob_stores(settings, {"transport": transport})
    try:
        yield stores, transport
    finally:
        await stores.aclose()


def downloads(transport: CountingTransport) -> list:
    return [url for method, url in transport.requests if method == "GET" and "comp=list" not in url]


@BLOB
async def test_a_blob_holds_the_real_key_and_the_cosmos_document(
    settings_for_backend, state_stores
):
    key = "emulator/conversations/a?b#c/"
    item = {"LastAccessedTime": 12.5, "DialogState": {"stack": [1, 2]}, "e_tag": "*"}
    await state_stores.conversation.write({key: item})
    async with conversation_container(settings_for_backend) as container:
        blob = await container.download_blob(blob_name_for(key))
        body = json.loads(await blob.readall())
    assert body == {
        "realId": key,
        "document": {"LastAccessedTime": 12.5, "DialogState": {"stack": [1, 2]}},
    }
    assert blob.properties.content_settings.content_type == "application/json"


@BLOB
async def test_blobs_that_are_not_state_records_are_reported_never_listed_as_stale(
    settings_for_backend, state_stores
):
    store = state_stores.conversation
    await store.write({"ours": {"LastAccessedTime": 12}})
    async with conversation_container(settings_for_backend) as container:
        await container.upload_blob("not-json", b"\x00\x01")
        await container.upload_blob(blob_name_for("foreign"), json.dumps({"LastAccessedTime": 12}))
    found = [record async for record in store.find_due(time.time() + 3600, time.time() + 3600)]
    assert [record.key for record in found if isinstance(record, DueRecord)] == ["ours"]
    unreadable = {
        record.name: record.reason for record in found if isinstance(record, UnreadableRecord)
    }
    assert unreadable == {"not-json": "not JSON", blob_name_for("foreign"): "no realId"}
    with pytest.raises(MalformedRecord):
        await store.read(["foreign"])


@BLOB
async def test_a_sweep_downloads_only_blobs_written_before_the_cutoff(settings_for_backend):
    async with counted_stores(settings_for_backend) as (stores, transport):
        store = stores.conversation
        # given three conversations last saved before the cutoff
        await store.write({f"old-{index}": {"LastAccessedTime": 12} for index in range(3)})
        cutoff = time.time()
        # and five saved two seconds after it (Blob times are whole seconds)
        await asyncio.sleep(max(0.0, cutoff + 2 - time.time()))
        await store.write({f"new-{index}": {"LastAccessedTime": time.time()} for index in range(5)})
        transport.reset()
        # when the store lists stale records
        stale = sorted([record.key async for record in store.find_due(cutoff, cutoff)])
        # then one listing and three downloads found the three old ones
        assert stale == ["old-0", "old-1", "old-2"]
        assert transport.count == 4
        assert len(downloads(transport)) == 3


@BLOB
async def test_recently_written_blobs_are_not_downloaded_whatever_they_hold(settings_for_backend):
    # A blob written now was stamped now, so it cannot have been idle for an hour:
    # the listing alone clears it, even when (as only a test can arrange) its
    # stored time claims otherwise.
    async with counted_stores(settings_for_backend) as (stores, transport):
        store = stores.conversation
        await store.write({f"key-{index}": {"LastAccessedTime": 12} for index in range(20)})
        transport.reset()
        stale = [record async for record in store.find_due(time.time() - 3600, time.time() - 3600)]
        assert stale == []
        assert transport.count == 1
        assert downloads(transport) == []


@BLOB
async def test_a_sweep_with_nothing_stale_costs_one_listing_per_5000_blobs(settings_for_backend):
    async with counted_stores(settings_for_backend) as (stores, transport):
        store = stores.conversation
        now = time.time()
        counts = []
        for size in (50, 500):
            await store.write({f"fresh-{i}": {"LastAccessedTime": now} for i in range(size)})
            transport.reset()
            assert [record async for record in store.find_due(now - 60, now - 60)] == []
            counts.append(transport.count)
        assert counts == [1, 1]


@BLOB
async def test_use_development_storage_reaches_azurite(settings_for_backend, azurite):
    if azurite.port != AZURITE_DEFAULT_PORT:
        pytest.skip(f"port {AZURITE_DEFAULT_PORT} was taken, so Azurite listens elsewhere")
    settings = Settings(
        state_storage="blob",
        blob_connection_string="UseDevelopmentStorage=true",
        blob_conversation_state_container=settings_for_backend.blob_conversation_state_container,
        blob_user_state_container=settings_for_backend.blob_user_state_container,
    )
    stores = create_state_stores(settings)
    try:
        await stores.user.write({"key": {"name": "Ada"}})
        assert (await stores.user.read(["key"]))["key"]["name"] == "Ada"
    finally:
        await stores.aclose()


@BLOB
async def test_without_a_connection_string_the_client_signs_in_with_azure_ad(
    settings_for_backend, monkeypatch
):
    # Azurite takes tokens only over HTTPS with a certificate of its own, so the
    # account URL here answers nothing: the client must ask for a storage token
    # and then fail to connect, which the store reports as an outage.
    credential = FakeCredential()
    monkeypatch.setattr(
        "shared.storage.state_containers.default_azure_credential", lambda: credential
    )
    settings = dataclasses.replace(
        settings_for_backend,
        blob_connection_string="",
        blob_account_url=f"https://127.0.0.1:{free_port()}/devstoreaccount1",
    )
    stores = create_blob_stores(settings, {"retry_total": 0})
    try:
        with pytest.raises(StorageUnavailable):
            await stores.user.read(["key"])
    finally:
        await stores.aclose()
    assert credential.scopes == ["https://storage.azure.com/.default"]
    assert credential.closed
