"""The stores' HTTP transport: HTTP/1.1 on the event loop's own sockets.

aiohttp became the largest part of a storage request's CPU once the SDK
pipelines were trimmed (``sdk_pipeline``): ``ClientSession`` builds a
request object, a timer, a response object and its header multidicts,
and goes through its connector and its tracing hooks, for an answer of a
few kilobytes. The stores' requests are all alike: a body of bytes or
text (or none), an answer read whole, to the one or two hosts the settings
name. This transport sends exactly those itself, on kept-alive connections,
and gives every other request to azure-core's aiohttp transport unchanged:
streamed downloads, proxies, form data, a request asking for compressed
answers, an option it does not know.

What it does, as aiohttp does for these requests: at most
``MAX_CONNECTIONS`` connections per host; TLS with the SDK's
``connection_verify`` and ``connection_cert``; a connection kept for reuse
only after a complete answer and for ``KEEP_ALIVE_SECONDS`` at most; the
SDK's ``connection_timeout`` for connecting and ``read_timeout`` for
silence while an answer is awaited. Failures are azure-core's exceptions,
so the SDKs' retry policies treat them as they treat aiohttp's.
"""

import asyncio
import ssl
from typing import Any, Dict, List, Optional, Set, Tuple
from urllib.parse import urlsplit

from azure.core.exceptions import (
    ServiceRequestError,
    ServiceRequestTimeoutError,
    ServiceResponseError,
    ServiceResponseTimeoutError,
)
from azure.core.pipeline.transport import AsyncHttpResponse, AsyncHttpTransport, HttpRequest
from azure.core.utils import case_insensitive_dict

MAX_CONNECTIONS = 100  # per host; aiohttp's default limit
KEEP_ALIVE_SECONDS = 15.0  # aiohttp's default; well under what load balancers allow an idle connection
MAX_HEAD_BYTES = 64 * 1024  # status line and headers of an answer
DEFAULT_TIMEOUT_SECONDS = 300.0  # azure-core's connection and read timeouts

# The options azure-core and the SDKs pass to a transport that this one honours.
_OWN_OPTIONS = {
    "stream", "proxies", "proxy", "connection_timeout", "read_timeout", "connection_verify", "connection_cert"
}
_IDEMPOTENT = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}
_SENDS_LENGTH = {"POST", "PUT", "PATCH"}
_DEFAULT_PORTS = {"http": 80, "https": 443}


class _Closed(Exception):
    """The connection ended before a complete answer; ``answered``: after part of one."""

    def __init__(self, answered: bool, cause: Optional[BaseException] = None):
        super().__init__("the connection closed before a complete answer")
        self.answered = answered
        self.cause = cause


class _Answer:
    """A parsed answer: status, reason, headers and the whole body."""

    __slots__ = ("status", "reason", "headers", "body", "keep_alive")

    def __init__(self, status: int, reason: str, headers, body: bytes, keep_alive: bool):
        self.status, self.reason, self.headers = status, reason, headers
        self.body, self.keep_alive = body, keep_alive


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 connection: one request at a time, its answer parsed as it arrives."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self._loop = loop
        self.transport: Optional[asyncio.Transport] = None
        self.closed = False
        self.idle_since = 0.0
        self._buffer = bytearray()
        self._waiter: Optional[asyncio.Future] = None
        self._head: Optional[Tuple[int, str, Any, bool]] = None  # status, reason, headers, keep-alive
        self._body_start = 0
        self._length: Optional[int] = None  # None: chunked or until the connection closes
        self._chunked = False
        self._chunks = bytearray()
        self._chunk_pos = 0
        self._no_body = False
        self._eof = False
        self.last_data = 0.0

    # asyncio.Protocol

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self._waiter is None:  # bytes nobody asked for: the connection cannot be trusted
            self.abandon()
            return
        self._buffer += data
        self.last_data = self._loop.time()
        self._advance()

    def eof_received(self) -> bool:
        self._eof = True
        self._advance()
        return False  # let the transport close

    def connection_lost(self, exc: Optional[BaseException]) -> None:
        self.closed = True
        self._eof = True
        self._advance(exc)

    # one exchange

    def start(self, message: bytes, head_only: bool) -> asyncio.Future:
        """Send ``message`` and return the future of its answer."""
        self._buffer.clear()
        self._head, self._length, self._chunked, self._no_body = None, None, False, head_only
        self._chunks, self._chunk_pos = bytearray(), 0
        self._waiter = self._loop.create_future()
        self.last_data = self._loop.time()
        self.transport.write(message)
        return self._waiter

    def abandon(self) -> None:
        """Close a connection whose answer will not be read to its end."""
        self.closed = True
        if self.transport is not None:
            self.transport.abort()

    def _advance(self, exc: Optional[BaseException] = None) -> None:
        waiter = self._waiter
        if waiter is None or waiter.done():
            return
        try:
            answer = self._parse()
        except ValueError as error:
            waiter.set_exception(ServiceResponseError(f"Malformed HTTP answer: {error}", error=error))
            return
        if answer is not None:
            self._waiter = None
            waiter.set_result(answer)
        elif self._eof:
            waiter.set_exception(_Closed(bool(self._buffer), exc))

    def _parse(self) -> Optional[_Answer]:
        buffer = self._buffer
        while self._head is None:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > MAX_HEAD_BYTES:
                    raise ValueError(f"status line and headers longer than {MAX_HEAD_BYTES} bytes")
                return None
            if end > MAX_HEAD_BYTES:
                raise ValueError(f"status line and headers longer than {MAX_HEAD_BYTES} bytes")
            status, reason, headers, keep_alive = _parse_head(bytes(buffer[:end]))
            if 100 <= status < 200:  # an interim answer (100 Continue): the real one follows
                del buffer[: end + 4]
                continue
            self._head = (status, reason, headers, keep_alive)
            self._body_start = end + 4
            if self._no_body or status in (204, 304):
                self._length = 0
            elif "transfer-encoding" in headers:
                if headers["transfer-encoding"].strip().lower() != "chunked":
                    raise ValueError(f"unsupported transfer encoding {headers['transfer-encoding']!r}")
                self._chunked = True
                self._chunk_pos = self._body_start
            elif "content-length" in headers:
                length = headers["content-length"].strip()
                if not length.isdigit():
                    raise ValueError(f"Content-Length {length!r}")
                self._length = int(length)
        status, reason, headers, keep_alive = self._head
        if self._chunked:
            if not self._read_chunks():
                return None
            body = bytes(self._chunks)
        elif self._length is not None:
            end = self._body_start + self._length
            if len(buffer) < end:
                return None
            body = bytes(buffer[self._body_start : end])
            keep_alive = keep_alive and len(buffer) == end  # bytes beyond the answer: not reused
        else:  # no length given: the body is everything until the server closes
            if not self._eof:
                return None
            body, keep_alive = bytes(buffer[self._body_start :]), False
        return _Answer(status, reason, headers, body, keep_alive)

    def _read_chunks(self) -> bool:
        """Decode the chunks received so far; True once the last one and its trailer are in."""
        buffer, pos = self._buffer, self._chunk_pos
        while True:
            line_end = buffer.find(b"\r\n", pos)
            if line_end < 0:
                return False
            size_text = bytes(buffer[pos:line_end]).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise ValueError(f"chunk size {size_text!r}") from None
            if size == 0:  # the last chunk, then trailer lines, then an empty line
                return buffer.find(b"\r\n\r\n", line_end) >= 0
            data_end = line_end + 2 + size
            if len(buffer) < data_end + 2:
                self._chunk_pos = pos
                return False
            if buffer[data_end : data_end + 2] != b"\r\n":
                raise ValueError("a chunk does not end where its size says")
            self._chunks += buffer[line_end + 2 : data_end]
            pos = self._chunk_pos = data_end + 2


def _parse_head(head: bytes) -> Tuple[int, str, Any, bool]:
    lines = head.decode("utf-8", "surrogateescape").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/1.") or len(code) != 3 or not code.isdigit():
        raise ValueError(f"status line {lines[0][:100]!r}")
    headers = case_insensitive_dict()
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise ValueError(f"header line {line[:100]!r}")
        headers[name] = value.strip()
    connection = headers.get("connection", "").lower()
    keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
    return int(code), reason, headers, keep_alive


class Http11Response(AsyncHttpResponse):
    """An answer read whole, as azure-core's aiohttp response is when not streamed."""

    def __init__(self, request: HttpRequest, answer: _Answer, block_size: Optional[int] = None):
        super().__init__(request, None, block_size=block_size)
        self.status_code = answer.status
        self.reason = answer.reason
        self.headers = answer.headers
        self.content_type = answer.headers.get("content-type")
        self._body = answer.body

    def body(self) -> bytes:
        return self._body

    async def load_body(self) -> None:
        """The body is always read already."""

    def stream_download(self, pipeline, **kwargs):
        return _in_one_block(self._body)


async def _in_one_block(body: bytes):
    """A body already in memory, as the one block of a download."""
    if body:
        yield body


class _Host:
    """The connections to one scheme, host, port and TLS setting."""

    def __init__(self):
        self.idle: List[_Connection] = []
        self.slots = asyncio.Semaphore(MAX_CONNECTIONS)


class Http11Transport(AsyncHttpTransport):
    """azure-core's transport interface over plain HTTP/1.1 connections.

    Requests it does not send itself go to ``AioHttpTransport`` (made on
    first need, with ``use_env_settings=False`` like the stores' default).
    """

    def __init__(self, connection_verify: Any = True, connection_cert: Any = None):
        self._verify = connection_verify
        self._cert = connection_cert
        self._hosts: Dict[tuple, _Host] = {}
        self._open: Set[_Connection] = set()
        self._contexts: Dict[tuple, ssl.SSLContext] = {}
        self._fallback: Optional[AsyncHttpTransport] = None

    async def __aenter__(self) -> "Http11Transport":
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def open(self) -> None:
        """Connections are opened per request."""

    async def close(self) -> None:
        for connection in list(self._open):
            connection.abandon()
        self._open.clear()
        self._hosts.clear()
        if self._fallback is not None:
            await self._fallback.close()

    def _handles(self, request: Any, stream: bool, proxies: Any, config: Dict[str, Any]) -> bool:
        """True when this transport sends ``request`` itself."""
        if not isinstance(request, HttpRequest) or stream or proxies or config.get("proxy"):
            return False
        if request.files or not isinstance(request.data, (bytes, str, type(None))):
            return False
        headers = request.headers  # azure-core's: case-insensitive
        return (
            config.keys() <= _OWN_OPTIONS
            and "transfer-encoding" not in headers
            and "accept-encoding" not in headers
            and request.url[:8].lower().startswith(("https://", "http://"))
        )

    async def send(self, request: HttpRequest, *, stream: bool = False, proxies=None, **config: Any):
        if not self._handles(request, stream, proxies, config):
            return await self._aiohttp().send(request, stream=stream, proxies=proxies, **config)
        config.pop("proxy", None)
        return await self._send(request, config)

    def _aiohttp(self) -> AsyncHttpTransport:
        if self._fallback is None:
            # pylint: disable-next=import-outside-toplevel
            from azure.core.pipeline.transport import AioHttpTransport

            self._fallback = AioHttpTransport(
                use_env_settings=False, connection_verify=self._verify, connection_cert=self._cert
            )
        return self._fallback

    async def _send(self, request: HttpRequest, config: Dict[str, Any]) -> Http11Response:
        url = urlsplit(request.url)
        scheme, host = url.scheme.lower(), url.hostname
        if not host:
            raise ServiceRequestError(f"No host in the request's URL {request.url!r}")
        port = url.port or _DEFAULT_PORTS[scheme]
        context = None
        if scheme == "https":
            verify = config.get("connection_verify", self._verify)
            context = self._context(verify, config.get("connection_cert", self._cert))
        message = _message(request, url)
        connect_timeout = config.get("connection_timeout") or DEFAULT_TIMEOUT_SECONDS
        read_timeout = config.get("read_timeout") or DEFAULT_TIMEOUT_SECONDS
        key = (scheme, host, port, id(context))
        pool = self._hosts.get(key)
        if pool is None:
            pool = self._hosts[key] = _Host()
        async with pool.slots:
            connection = self._idle(pool)
            reused = connection is not None
            for attempt in (1, 2):
                if connection is None:
                    connection = await self._connect(host, port, context, connect_timeout)
                try:
                    answer = await self._exchange(connection, message, request.method, read_timeout)
                    break
                except _Closed as closed:
                    # A kept-alive connection the server had closed: a read is
                    # sent once more, on a new one; anything else fails as with aiohttp.
                    resend = reused and attempt == 1 and not closed.answered
                    if not (resend and request.method in _IDEMPOTENT):
                        raise _request_error(closed) from closed.cause
                    connection = None
            if answer.keep_alive and not connection.closed:
                connection.idle_since = asyncio.get_running_loop().time()
                pool.idle.append(connection)
            else:
                self._discard(connection)
        return Http11Response(request, answer)

    def _idle(self, pool: _Host) -> Optional[_Connection]:
        """The most recently used idle connection still open, if any."""
        now = asyncio.get_running_loop().time()
        while pool.idle:
            connection = pool.idle.pop()
            if not connection.closed and now - connection.idle_since < KEEP_ALIVE_SECONDS:
                return connection
            self._discard(connection)
        return None

    async def _connect(self, host: str, port: int, context, timeout: float) -> _Connection:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                _, connection = await loop.create_connection(
                    lambda: _Connection(loop), host, port,
                    ssl=context, server_hostname=host if context else None,
                )
        except TimeoutError as error:
            raise ServiceRequestTimeoutError(f"Connecting to {host}:{port} timed out", error=error) from error
        except (OSError, ssl.SSLError) as error:
            raise ServiceRequestError(f"Cannot connect to {host}:{port}: {error}", error=error) from error
        self._open.add(connection)
        return connection

    async def _exchange(
        self, connection: _Connection, message: bytes, method: str, read_timeout: float
    ) -> _Answer:
        """Send ``message`` and wait for its whole answer; any silence longer
        than ``read_timeout`` ends the wait, and any failure the connection."""
        loop = asyncio.get_running_loop()
        waiter = connection.start(message, head_only=method == "HEAD")

        def check_silence() -> None:
            nonlocal timer
            if waiter.done():
                return
            quiet = loop.time() - connection.last_data
            if quiet >= read_timeout:
                waiter.set_exception(
                    ServiceResponseTimeoutError(f"No answer for {read_timeout:g} s", error=None)
                )
            else:
                timer = loop.call_later(read_timeout - quiet, check_silence)

        timer = loop.call_later(read_timeout, check_silence)
        try:
            return await waiter
        except BaseException:
            self._discard(connection)  # its answer, if any comes, must not meet another request
            raise
        finally:
            timer.cancel()

    def _discard(self, connection: _Connection) -> None:
        connection.abandon()
        self._open.discard(connection)

    def _context(self, verify: Any, cert: Any) -> ssl.SSLContext:
        key = (
            verify if isinstance(verify, (bool, str)) else id(verify),
            tuple(cert) if isinstance(cert, list) else cert,
        )
        context = self._contexts.get(key)
        if context is None:
            if verify is False:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            elif isinstance(verify, str):
                context = ssl.create_default_context(cafile=verify)
            else:
                context = ssl.create_default_context()
            if cert:
                if isinstance(cert, (tuple, list)):
                    context.load_cert_chain(*cert)
                else:
                    context.load_cert_chain(cert)
            self._contexts[key] = context
        return context


def _message(request: HttpRequest, url) -> bytes:
    """The request's bytes on the wire: request line, headers, body."""
    body = request.data
    if isinstance(body, str):
        body = body.encode("utf-8")
    body = body or b""
    target = url.path or "/"
    if url.query:
        target = f"{target}?{url.query}"
    lines = [f"{request.method} {target} HTTP/1.1"]
    if "host" not in request.headers:
        lines.append(f"Host: {url.netloc.rpartition('@')[2]}")
    for name, value in request.headers.items():
        if name.lower() != "content-length":
            lines.append(f"{name}: {value}")
    if body or request.method in _SENDS_LENGTH or "content-length" in request.headers:
        lines.append(f"Content-Length: {len(body)}")
    head = "\r\n".join(lines)
    breaks = len(lines) - 1  # exactly the CR LF between lines: none inside a line
    if head.count("\r") != breaks or head.count("\n") != breaks or "\0" in head or " " in target:
        raise ValueError("A request's target has a space, or a header a line break: not sent")
    return (head + "\r\n\r\n").encode("utf-8") + body


def _request_error(closed: _Closed) -> Exception:
    if closed.answered:
        return ServiceResponseError("The connection closed in the middle of the answer", error=closed.cause)
    return ServiceRequestError("The connection closed before an answer", error=closed.cause)
