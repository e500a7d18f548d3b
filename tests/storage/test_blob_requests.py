"""A record's Get Blob and Put Blob, sent below the SDK's operations: the same
addresses, and the SDK's retries, errors, hooks, headers and logging, as its
own operations have."""

import time
from email.utils import parsedate_to_datetime

import pytest
from aiohttp import web
from azure.core.exceptions import HttpResponseError
from azure.storage.blob.aio import ContainerClient, LinearRetry

from shared.settings import Settings
from shared.storage import StorageUnavailable, blob_requests
from shared.storage.blob_names import blob_name_for
from shared.storage.blob_requests import blob_url
from shared.storage.blob_store import create_blob_stores
from tests.storage.sdk_logging import sdk_log_of

ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
NAMES = [
    blob_name_for("emulator/conversations/a?b#c/"),
    blob_name_for("x" * 2000),
    "plain",
    "with space and ~tilde/and slash",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "container_url",
    [
        "https://account.blob.core.windows.net/conversation-state",
        "https://account.blob.core.windows.net/conversation-state?sv=2020-04-08&sig=abc%2Bdef",
        "http://127.0.0.1:10000/devstoreaccount1/conversation-state",
    ],
)
def test_a_blobs_address_is_the_one_the_sdks_blob_client_uses(container_url, name):
    container = ContainerClient.from_container_url(container_url)
    assert blob_url(container, name) == container.get_blob_client(name).url


class FlakyBlobService:
    """A Blob endpoint on loopback answering with the statuses it is given, in turn."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.requests = []
        self.headers = []

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((request.method, request.path))
        self.headers.append(request.headers)
        status, code = self.statuses.pop(0) if self.statuses else (200, None)
        if status == 200:
            return web.Response(body=b'{"realId": "k", "document": {"n": 1}}', headers={"ETag": '"1"'})
        return web.Response(status=status, headers={"x-ms-error-code": code} if code else {})


@pytest.fixture
async def blob_service(unused_tcp_port):
    services = []

    async def serve(statuses, **client_options):
        service = FlakyBlobService(statuses)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", service.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
        services.append(runner)
        settings = Settings(
            state_storage="blob",
            blob_connection_string=(
                "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                f"AccountKey={ACCOUNT_KEY};"
                f"BlobEndpoint=http://127.0.0.1:{unused_tcp_port}/devstoreaccount1;"
            ),
        )
        retry = LinearRetry(backoff=0, random_jitter_range=0, retry_total=1)
        stores = create_blob_stores(settings, {"retry_policy": retry, **client_options})
        return service, stores

    yield serve
    for runner in services:
        await runner.cleanup()


async def test_a_read_is_retried_as_the_sdk_retries(blob_service):
    service, stores = await blob_service([(201, None), (201, None), (503, "ServerBusy")])
    try:
        assert await stores.conversation.read(["k"]) == {"k": {"n": 1, "e_tag": '"1"'}}
    finally:
        await stores.aclose()
    gets = [path for method, path in service.requests if method == "GET"]
    assert gets == ["/devstoreaccount1/conversation-state/k"] * 2


async def test_a_service_that_keeps_failing_is_an_outage_naming_its_answer(blob_service):
    service, stores = await blob_service([(201, None), (201, None)] + [(500, "InternalError")] * 2)
    try:
        with pytest.raises(StorageUnavailable, match="500.*InternalError"):
            await stores.conversation.read(["k"])
    finally:
        await stores.aclose()


async def test_refused_credentials_are_not_an_outage(blob_service):
    service, stores = await blob_service([(201, None), (201, None), (403, "AuthenticationFailed")])
    try:
        with pytest.raises(HttpResponseError, match="AuthenticationFailed") as raised:
            await stores.conversation.write({"k": {"n": 2}})
    finally:
        await stores.aclose()
    assert raised.value.status_code == 403
    assert raised.value.error_code == "AuthenticationFailed"
    assert [method for method, _ in service.requests] == ["PUT", "PUT", "PUT"]


async def test_each_request_is_signed_and_dated_with_an_id_of_its_own(blob_service):
    service, stores = await blob_service([(201, None), (201, None), (200, None), (201, None)])
    try:
        await stores.conversation.read(["k"])
        await stores.conversation.write({"k": {"n": 2, "e_tag": '"1"'}})
    finally:
        await stores.aclose()
    assert [method for method, _ in service.requests] == ["PUT", "PUT", "GET", "PUT"]
    get, put = service.headers[2:]
    for headers in (get, put):
        assert headers["Authorization"].startswith("SharedKey devstoreaccount1:")
        assert abs(parsedate_to_datetime(headers["x-ms-date"]).timestamp() - time.time()) < 60
        assert headers["x-ms-version"]
        assert "azsdk-python-storage-blob" in headers["User-Agent"]
    assert put["If-Match"] == '"1"'
    ids = [headers["x-ms-client-request-id"] for headers in service.headers]
    assert len(set(ids)) == len(ids)


async def test_a_clients_hooks_and_headers_apply_to_a_records_requests_and_to_the_sdks_own(blob_service):
    requests_seen, answers_seen = [], []
    service, stores = await blob_service(
        [(201, None), (201, None), (200, None), (201, None), (202, None)],
        raw_request_hook=lambda request: requests_seen.append(request.http_request.method),
        raw_response_hook=lambda response: answers_seen.append(response.http_response.status_code),
        headers={"x-team-header": "kept"},
    )
    try:
        await stores.conversation.read(["k"])
        await stores.conversation.write({"k": {"n": 2}})
        await stores.conversation.delete(["k"])  # through the SDK's operation, after the record's
    finally:
        await stores.aclose()
    assert requests_seen == ["PUT", "PUT", "GET", "PUT", "DELETE"]
    assert answers_seen == [201, 201, 200, 201, 202]
    assert [headers.get("x-team-header") for headers in service.headers] == ["kept"] * 5


async def test_the_sdks_request_logging_covers_a_records_requests(blob_service, caplog):
    service, stores = await blob_service([(201, None), (201, None)])
    try:
        logged = await sdk_log_of(caplog, "azure.core.pipeline.policies.http_logging_policy",
                                  lambda: stores.conversation.read(["k"]))
    finally:
        await stores.aclose()
    assert "Request URL: 'http://127.0.0.1:" in logged
    assert "/devstoreaccount1/conversation-state/k'" in logged
    assert "Request method: 'GET'" in logged


def _chain(pipeline):
    """Each policy of a pipeline in the order its requests go through them."""
    links, policy = [], pipeline._impl_policies[0]  # pylint: disable=protected-access
    while policy is not None:
        links.append(policy)
        policy = getattr(policy, "next", None)
    return links


def test_a_records_pipeline_leaves_the_clients_own_as_it_was():
    container = ContainerClient.from_container_url(
        "http://127.0.0.1:10000/devstoreaccount1/conversation-state",
        credential={"account_name": "devstoreaccount1", "account_key": ACCOUNT_KEY},
    )
    sdk_pipeline = container._pipeline  # pylint: disable=protected-access
    before = _chain(sdk_pipeline)
    records = blob_requests._pipeline(container)  # pylint: disable=protected-access
    assert _chain(sdk_pipeline) == before
    # No link in common: SansIO policies sit in new runners, the others are copies.
    assert not set(map(id, _chain(records))) & set(map(id, before))
    kinds = [type(getattr(link, "_policy", link)).__name__ for link in _chain(records)]
    assert "SharedKeyCredentialPolicy" in kinds and "ExponentialRetry" in kinds
    assert "ContentDecodePolicy" not in kinds and "StorageHeadersPolicy" not in kinds
