"""A record's Get Blob and Put Blob, sent below the SDK's operations: the same
addresses, and the SDK's retries and errors, as its own operations have."""

import pytest
from aiohttp import web
from azure.core.exceptions import HttpResponseError
from azure.storage.blob.aio import ContainerClient, LinearRetry

from shared.settings import Settings
from shared.storage import StorageUnavailable
from shared.storage.blob_names import blob_name_for
from shared.storage.blob_requests import blob_url
from shared.storage.blob_store import create_blob_stores

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

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((request.method, request.path))
        status, code = self.statuses.pop(0) if self.statuses else (200, None)
        if status == 200:
            return web.Response(body=b'{"realId": "k", "document": {"n": 1}}', headers={"ETag": '"1"'})
        return web.Response(status=status, headers={"x-ms-error-code": code} if code else {})


@pytest.fixture
async def blob_service(unused_tcp_port):
    services = []

    async def serve(statuses):
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
        stores = create_blob_stores(settings, {"retry_policy": retry})
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
