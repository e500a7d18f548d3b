"""The Cosmos client's pipeline without its idle policies: what a client was
given (hooks) and what every request needs (credentials, retries, logging)
still apply; the answer is no longer parsed twice. (With a key, Cosmos signs
each request in its headers, not in a policy.)"""

import pytest

from shared.storage.cosmos_containers import CosmosConnection
from shared.storage.cosmos_store import create_cosmos_stores
from tests.storage.sdk_logging import sdk_log_of

pytestmark = pytest.mark.parametrize("settings_for_backend", ["cosmos"], indirect=True)


async def test_a_clients_response_hook_sees_a_records_requests(settings_for_backend):
    answers = []
    stores = create_cosmos_stores(
        settings_for_backend,
        {"raw_response_hook": lambda response: answers.append(
            (response.http_request.method, response.http_response.status_code))},
    )
    try:
        await stores.conversation.write({"k": {"n": 1}})
        answers.clear()
        assert (await stores.conversation.read(["k"]))["k"]["n"] == 1
        await stores.conversation.write({"k": {"n": 2}})
    finally:
        await stores.aclose()
    assert answers == [("GET", 200), ("POST", 200)]  # a point read, then an upsert


async def test_the_sdks_request_logging_covers_a_records_requests(settings_for_backend, caplog):
    stores = create_cosmos_stores(settings_for_backend)
    try:
        await stores.conversation.write({"k": {"n": 1}})
        logged = await sdk_log_of(caplog, "azure", lambda: stores.conversation.read(["k"]))
    finally:
        await stores.aclose()
    assert "Request method: 'GET'" in logged
    assert "/docs/k" in logged


async def test_every_request_keeps_its_retries_logging_and_tracing_and_skips_the_second_parse(settings_for_backend):
    connection = CosmosConnection(settings_for_backend)
    try:
        client = await connection._get_client()  # pylint: disable=protected-access
        pipeline = client.client_connection.pipeline_client._pipeline  # pylint: disable=protected-access
        kinds = [type(getattr(policy, "_policy", policy)).__name__ for policy in pipeline._impl_policies]
    finally:
        await connection.close()
    assert {"_ConnectionRetryPolicy", "CosmosHttpLoggingPolicy", "DistributedTracingPolicy"} <= set(kinds)
    assert "ContentDecodePolicy" not in kinds and "CustomHookPolicy" not in kinds
