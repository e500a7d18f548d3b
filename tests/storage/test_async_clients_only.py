"""The stores never use a synchronous client, which would block the event loop.

The synchronous transport every sync SDK client sends through, and the
synchronous Cosmos client (which CosmosDbPartitionedStorage uses), are made
to fail; every store operation must still work.
"""

import time

import pytest
from azure.core.pipeline.transport import RequestsTransport


def refuse(*args, **kwargs):
    raise AssertionError("a synchronous Azure client was used")


@pytest.mark.parametrize("settings_for_backend", ["blob", "cosmos"], indirect=True)
async def test_every_operation_runs_on_async_clients(state_stores, monkeypatch):
    import azure.cosmos.cosmos_client

    monkeypatch.setattr(RequestsTransport, "send", refuse)
    monkeypatch.setattr(azure.cosmos.cosmos_client.CosmosClient, "__init__", refuse)
    store = state_stores.conversation
    await store.write({"key": {"LastAccessedTime": 12}})
    assert (await store.read(["key"]))["key"]["LastAccessedTime"] == 12
    [record] = [record async for record in store.find_due(time.time() + 3600, time.time() + 3600)]
    assert await store.delete_if_unchanged(record.key, record.e_tag)
    await state_stores.user.delete(["key"])
