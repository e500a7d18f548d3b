"""The stores' own HTTP/1.1 transport, against a server on loopback that
answers each request with the bytes a test gives it.

The stores' contract tests run every Blob and Cosmos request through this
transport against Azurite and the Cosmos-compatible server; these tests
cover what those servers never do: chunked and unlengthed answers, closed
and silent connections, malformed answers, and what it leaves to aiohttp.
"""

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator, Callable, List, Optional, Tuple

import pytest
from azure.core.exceptions import (
    ServiceRequestError,
    ServiceResponseError,
    ServiceResponseTimeoutError,
)
from azure.core.pipeline.transport import AioHttpTransportResponse, HttpRequest

from shared.storage import http_transport
from shared.storage.http_transport import Http11Transport

# What the server does with one request (its connection's number, head and
# body): the bytes to answer, or None to close the connection without answering.
Script = Callable[[int, bytes, bytes], Optional[bytes]]


def answer(body: bytes = b"{}", status: str = "200 OK", headers: str = "") -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{headers}\r\n".encode() + body


class Server:
    """Reads each request (head and Content-Length body) and answers as scripted."""

    def __init__(self, script: Script):
        self.script = script
        self.requests: List[Tuple[int, bytes, bytes]] = []  # connection number, head, body
        self.connections = 0
        self.close_after_answer = False  # then the end of the connection ends each answer
        self.port = 0
        self._server: Optional[asyncio.AbstractServer] = None
        self._writers: List[asyncio.StreamWriter] = []

    async def __aenter__(self) -> "Server":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info) -> None:
        for writer in self._writers:
            writer.close()
        self._server.close()
        await self._server.wait_closed()

    def connection_numbers(self) -> List[int]:
        """The connection each request so far came on, in order."""
        return [number for number, _, _ in self.requests]

    def url(self, path: str = "/dbs/state/docs/a") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        number = self.connections
        self._writers.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await reader.readexactly(length)
                self.requests.append((number, head, body))
                reply = self.script(number, head, body)
                if reply is None:
                    writer.close()
                    return
                writer.write(reply)
                await writer.drain()
                if self.close_after_answer:
                    writer.close()
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


async def send_twice(server: Server):
    """Two requests, one after the other, through one transport."""
    async with Http11Transport() as transport:
        return await transport.send(request(server)), await transport.send(request(server))


@asynccontextmanager
async def raw_server(handler) -> AsyncIterator[str]:
    """A loopback server running ``handler`` on each connection; yields its URL."""
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()


def request(server: Server, method: str = "GET", body: Optional[bytes] = None, **headers: str) -> HttpRequest:
    sent = HttpRequest(method, server.url(), headers={"x-ms-version": "2020-07-15", **headers})
    if body is not None:
        sent.set_bytes_body(body)
    return sent


async def test_a_request_goes_out_as_built_and_its_answer_comes_back_whole():
    # given a server answering a write with a document and two headers
    async with Server(lambda *_: answer(b'{"id":"a"}', "201 Created", "ETag: \"7\"\r\nx-ms-request-charge: 1\r\n")) as server:
        async with Http11Transport() as transport:
            # when a PUT with a body is sent
            response = await transport.send(request(server, "PUT", b'{"id":"a"}', **{"If-Match": '"6"'}))
    # then the server got the method, target, headers and body as built
    _, head, body = server.requests[0]
    lines = head.decode().split("\r\n")
    assert lines[0] == "PUT /dbs/state/docs/a HTTP/1.1"
    assert f"Host: 127.0.0.1:{server.port}" in lines
    assert 'If-Match: "6"' in lines and "x-ms-version: 2020-07-15" in lines
    assert "Content-Length: 10" in lines and body == b'{"id":"a"}'
    # and the answer is whole, its headers case-insensitive
    assert (response.status_code, response.reason) == (201, "Created")
    assert response.headers["etag"] == '"7"' and response.body() == b'{"id":"a"}'
    assert response.text() == '{"id":"a"}'


async def test_one_connection_carries_request_after_request():
    async with Server(lambda *_: answer()) as server:
        async with Http11Transport() as transport:
            for _ in range(5):
                await transport.send(request(server))
    assert server.connections == 1 and len(server.requests) == 5


async def test_a_chunked_answer_is_put_together_and_the_connection_reused():
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nx-trailer: t\r\n\r\n"
    )
    async with Server(lambda *_: chunked) as server:
        first, second = await send_twice(server)
    assert first.body() == second.body() == b"hello world"
    assert server.connections == 1


async def test_an_answer_arriving_a_byte_at_a_time_is_read_whole():
    whole = answer(b'{"document":{"count":1}}', headers="ETag: \"1\"\r\n")

    async def dribble(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        for index in range(len(whole)):
            writer.write(whole[index : index + 1])
            await writer.drain()
            await asyncio.sleep(0)
        writer.close()

    async with raw_server(dribble) as url, Http11Transport() as transport:
        response = await transport.send(HttpRequest("GET", f"{url}/a"))
    assert response.body() == b'{"document":{"count":1}}' and response.headers["ETag"] == '"1"'


async def test_an_answer_without_a_length_ends_with_the_connection_and_is_not_reused():
    async with Server(lambda *_: b"HTTP/1.1 200 OK\r\n\r\nall of it") as server:
        server.close_after_answer = True
        first, second = await send_twice(server)
    assert first.body() == second.body() == b"all of it"
    assert server.connections == 2


async def test_connection_close_in_an_answer_means_a_new_connection_next_time():
    async with Server(lambda *_: answer(headers="Connection: close\r\n")) as server:
        await send_twice(server)
    assert server.connections == 2


def dropping_each_connection_at_its_second_request() -> Server:
    """A server that answers a connection's first request and closes it, unanswered, at its second."""
    server = Server(lambda number, *_: answer() if server.connection_numbers().count(number) == 1 else None)
    return server


async def test_a_read_on_a_kept_connection_the_server_closed_is_sent_again_once():
    async with dropping_each_connection_at_its_second_request() as server:
        async with Http11Transport() as transport:
            await transport.send(request(server))
            second = await transport.send(request(server))
    assert second.status_code == 200
    assert server.connection_numbers() == [1, 1, 2]


async def test_a_write_on_a_kept_connection_closed_unanswered_is_not_sent_again():
    # POST is not idempotent: the SDK's retry policy decides, as with aiohttp
    async with dropping_each_connection_at_its_second_request() as server:
        async with Http11Transport() as transport:
            await transport.send(request(server))
            with pytest.raises(ServiceRequestError):
                await transport.send(request(server, "POST", b"{}"))
    assert server.connection_numbers() == [1, 1]


async def test_an_idle_connection_older_than_the_keep_alive_is_not_reused(monkeypatch):
    monkeypatch.setattr(http_transport, "KEEP_ALIVE_SECONDS", 0.05)
    async with Server(lambda *_: answer()) as server:
        async with Http11Transport() as transport:
            await transport.send(request(server))
            await asyncio.sleep(0.1)
            await transport.send(request(server))
    assert server.connections == 2


async def test_a_silent_server_times_out_and_its_connection_is_dropped():
    # the first connection never answers; later ones do
    async with Server(lambda number, *_: b"" if number == 1 else answer(b"fresh")) as server:
        async with Http11Transport() as transport:
            with pytest.raises(ServiceResponseTimeoutError):
                await transport.send(request(server), read_timeout=0.2)
            response = await transport.send(request(server))
    assert response.body() == b"fresh"
    assert server.connections == 2


async def test_a_cancelled_request_closes_its_connection_and_leaves_no_answer_behind():
    release = asyncio.Event()
    first_connection_closed = asyncio.Event()
    replies = [answer(b"first")]

    async def slow(reader, writer):
        while True:
            try:
                await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                first_connection_closed.set()
                return
            await release.wait()
            writer.write(replies.pop(0) if replies else answer(b"second"))
            await writer.drain()

    async with raw_server(slow) as url, Http11Transport() as transport:
        pending = asyncio.ensure_future(transport.send(HttpRequest("GET", f"{url}/a")))
        await asyncio.sleep(0.05)
        pending.cancel()
        release.set()
        response = await transport.send(HttpRequest("GET", f"{url}/b"))
        await asyncio.wait_for(first_connection_closed.wait(), 2)
    assert response.body() == b"second"


async def test_bytes_nobody_asked_for_end_a_kept_connection():
    async def chatty(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer(b"one"))
        await asyncio.sleep(0.05)
        writer.write(answer(b"unasked"))
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(answer(b"two"))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass

    async with raw_server(chatty) as url, Http11Transport() as transport:
        first = await transport.send(HttpRequest("GET", f"{url}/a"))
        await asyncio.sleep(0.1)
        second = await transport.send(HttpRequest("GET", f"{url}/b"))
    assert (first.body(), second.body()) == (b"one", b"one")  # the second on a new connection


@pytest.mark.parametrize(
    "reply",
    [
        b"NONSENSE\r\n\r\n",
        b"HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * (70 * 1024) + b"\r\n\r\n",
    ],
)
async def test_a_malformed_answer_is_a_response_error(reply):
    async with Server(lambda *_: reply) as server:
        async with Http11Transport() as transport:
            with pytest.raises(ServiceResponseError):
                await transport.send(request(server))


async def test_an_answer_cut_short_is_a_response_error():
    async with Server(lambda *_: b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this") as server:
        server.close_after_answer = True
        async with Http11Transport() as transport:
            with pytest.raises(ServiceResponseError):
                await transport.send(request(server))


async def test_nobody_listening_is_a_request_error():
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    async with Http11Transport() as transport:
        with pytest.raises(ServiceRequestError):
            await transport.send(HttpRequest("GET", f"http://127.0.0.1:{port}/a"))


async def test_a_streamed_download_and_a_proxy_are_left_to_aiohttp():
    async with Server(lambda *_: answer(b"streamed")) as server:
        async with Http11Transport() as transport:
            streamed = await transport.send(request(server), stream=True)
            assert isinstance(streamed, AioHttpTransportResponse)
            assert await streamed.internal_response.read() == b"streamed"
            own = await transport.send(request(server))
            assert not isinstance(own, AioHttpTransportResponse)
            assert await own.stream_download(None).__anext__() == b"streamed"
    # a proxy gets the request in absolute form, as aiohttp sends it; the target nothing
    async with Server(lambda *_: answer(b"proxied")) as proxy, Server(lambda *_: answer()) as target:
        async with Http11Transport() as transport:
            proxied = await transport.send(request(target), proxies={"http": proxy.url("")})
    assert proxied.body() == b"proxied" and target.requests == []
    assert proxy.requests[0][1].startswith(f"GET {target.url()} HTTP/1.1".encode())


async def test_no_more_connections_to_a_host_than_the_limit(monkeypatch):
    monkeypatch.setattr(http_transport, "MAX_CONNECTIONS", 2)
    connections = []

    async def slow(reader, writer):
        connections.append(writer)
        while True:
            try:
                await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            await asyncio.sleep(0.02)
            writer.write(answer())

    async with raw_server(slow) as url, Http11Transport() as transport:
        answers = await asyncio.gather(*(transport.send(HttpRequest("GET", f"{url}/{n}")) for n in range(6)))
    assert [response.status_code for response in answers] == [200] * 6
    assert len(connections) == 2


async def test_tls_checks_the_certificate_unless_told_not_to(cosmos_server):
    # the Cosmos-compatible server's certificate is self-signed
    url = cosmos_server.url.rstrip("/") + "/"
    async with Http11Transport() as transport:
        with pytest.raises(ServiceRequestError):
            await transport.send(HttpRequest("GET", url))
        answered = await transport.send(HttpRequest("GET", url), connection_verify=False)
    assert answered.status_code in (200, 401)  # reached it: unsigned, it may refuse
    async with Http11Transport(connection_verify=False) as unverified:
        assert (await unverified.send(HttpRequest("GET", url))).status_code == answered.status_code


@pytest.mark.parametrize("value", ["a\r\nx-ms-evil: 1", "a\nb", "a\rb", "a\0b"])
async def test_any_line_break_or_nul_in_a_header_is_refused(value):
    async with Server(lambda *_: answer()) as server:
        async with Http11Transport() as transport:
            with pytest.raises(ValueError):
                await transport.send(request(server, **{"x-ms-meta-name": value}))
            with pytest.raises(ValueError):
                await transport.send(request(server, **{f"x-ms-meta-{value}": "1"}))
    assert server.requests == []
