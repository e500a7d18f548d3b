"""The stores' HTTP transport: no environment lookups per request, unless the
environment configures a proxy, which is then still used."""

import uuid

import pytest
from aiohttp import ClientSession, web

from shared.settings import Settings
from shared.storage import create_state_stores
from shared.storage.http_transport import Http11Transport
from shared.storage.sdk_transport import client_options_with_transport, environment_configures_http


@pytest.mark.parametrize(
    "environ, configured",
    [
        ({"PATH": "/usr/bin"}, False),
        ({"HTTPS_PROXY": "http://proxy.test:3128"}, True),
        ({"http_proxy": "http://proxy.test:3128"}, True),
        ({"ALL_PROXY": "socks5://proxy.test"}, True),
        ({"NETRC": "/etc/bot.netrc"}, True),
    ],
)
def test_proxy_variables_count_as_configuring_http(environ, configured):
    assert environment_configures_http(environ) is configured


def test_a_netrc_file_in_home_counts(tmp_path):
    assert not environment_configures_http({"HOME": str(tmp_path)})
    (tmp_path / ".netrc").write_text("machine storage.test login a password b\n")
    assert environment_configures_http({"HOME": str(tmp_path)})


def test_a_transport_given_by_the_caller_is_kept(monkeypatch, tmp_path):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NETRC", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no .netrc
    given = object()
    assert client_options_with_transport({"transport": given})["transport"] is given
    assert isinstance(client_options_with_transport({})["transport"], Http11Transport)


async def test_a_proxy_in_the_environment_still_carries_the_storage_requests(azurite, monkeypatch):
    # given an HTTP proxy on loopback that forwards what it is sent, and notes it
    seen = []

    async def forward(request: web.Request) -> web.Response:
        seen.append(str(request.url))
        headers = {name: value for name, value in request.headers.items() if name.lower() != "host"}
        body = await request.read()
        async with ClientSession(auto_decompress=False) as session:
            async with session.request(
                request.method, request.url, headers=headers, data=body or None,
                skip_auto_headers=("Content-Type", "Accept", "Accept-Encoding", "User-Agent"),
            ) as answer:
                body = await answer.read()
                passed = {k: v for k, v in answer.headers.items() if k.lower() != "transfer-encoding"}
                return web.Response(status=answer.status, headers=passed, body=body)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # pylint: disable=protected-access
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    stores = create_state_stores(
        Settings(
            state_storage="blob",
            blob_connection_string=azurite.connection_string,
            blob_conversation_state_container=f"proxied-{uuid.uuid4().hex[:12]}",
            blob_user_state_container=f"proxied-users-{uuid.uuid4().hex[:12]}",
        )
    )
    try:
        # when the bot writes and reads its state, then it works, through the proxy
        await stores.conversation.write({"test/conversations/proxied": {"count": 1}})
        found = await stores.conversation.read(["test/conversations/proxied"])
        assert found["test/conversations/proxied"]["count"] == 1
        assert len(seen) >= 3 and all(url.startswith(azurite.url) for url in seen)
    finally:
        await stores.aclose()
        await runner.cleanup()
