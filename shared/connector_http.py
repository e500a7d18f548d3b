"""How the bot's replies reach a channel: async HTTP, each call bounded in time.

botframework-connector sends through ``requests`` on the event loop's default
thread pool, with a 100 s read timeout, and fetches its token with msal on the
event loop itself. A channel that answers slowly then holds a pool thread per
reply, and a handful of them starve everything else that shares that pool
(the Blob SDK's DNS lookups among them). Here each connector client gets a
pipeline that sends with aiohttp on the loop, gives up after
``REPLY_TIMEOUT_SECONDS``, follows no redirect, and fetches tokens on a small
pool of its own.
"""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Optional

import aiohttp
from msrest.pipeline import AsyncHTTPPolicy, AsyncHTTPSender, AsyncPipeline, Request, Response
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http.aiohttp import AioHttpClientResponse

REPLY_TIMEOUT_SECONDS = 5.0
TOKEN_THREADS = 2

logger = logging.getLogger(__name__)


class ReplyNotDelivered(Exception):
    """A call to the channel's connector failed: no answer in time, refused, or not 2xx.

    ``retry_after`` is the wait in seconds a 429 asked for, when it said.
    """

    def __init__(
        self, reason: str, status: Optional[int] = None, retry_after: Optional[float] = None
    ):
        super().__init__(f"the channel did not take the bot's message: {reason}")
        self.status = status
        self.retry_after = retry_after


def _retry_after_seconds(value: Optional[str]) -> Optional[float]:
    """A Retry-After header (seconds or an HTTP date) as seconds from now."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((moment - datetime.now(timezone.utc)).total_seconds(), 0.0)


class ConnectorSession:
    """One aiohttp session for every connector call of the worker, opened on first use."""

    def __init__(self, timeout_seconds: float = REPLY_TIMEOUT_SECONDS):
        self.timeout_seconds = timeout_seconds
        self._session: Optional[aiohttp.ClientSession] = None
        self._token_pool: Optional[ThreadPoolExecutor] = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout_seconds)
            )
        return self._session

    def token_pool(self) -> ThreadPoolExecutor:
        if self._token_pool is None:
            self._token_pool = ThreadPoolExecutor(TOKEN_THREADS, thread_name_prefix="bot-token")
        return self._token_pool

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()
        pool, self._token_pool = self._token_pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


class _BoundedAioHttpSender(AsyncHTTPSender):
    """Sends one connector request with aiohttp; anything but 2xx is ReplyNotDelivered."""

    def __init__(self, connection: ConnectorSession):
        self._connection = connection

    async def send(self, request: Request, **config: Any) -> Response:
        http_request = request.http_request
        try:
            async with asyncio.timeout(self._connection.timeout_seconds):
                answer = await self._connection.session().request(
                    http_request.method,
                    http_request.url,
                    headers=http_request.headers,
                    data=http_request.data,
                    allow_redirects=False,
                )
                response = AioHttpClientResponse(http_request, answer)
                await response.load_body()
        except TimeoutError:
            raise ReplyNotDelivered(
                f"no answer within {self._connection.timeout_seconds:g} s"
            ) from None
        except aiohttp.ClientError as error:
            raise ReplyNotDelivered(type(error).__name__) from None
        if not 200 <= response.status_code < 300:
            raise ReplyNotDelivered(
                f"HTTP {response.status_code}",
                response.status_code,
                _retry_after_seconds(response.headers.get("Retry-After")),
            )
        return Response(request, response)

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc_details):
        return None


class _OffLoopBearerPolicy(AsyncHTTPPolicy):
    """Adds the bot's bearer token, fetched (msal, synchronous) off the event loop."""

    def __init__(self, credentials: Any, connection: ConnectorSession):
        super().__init__()
        self._credentials = credentials
        self._connection = connection

    async def send(self, request: Request, **kwargs: Any) -> Response:
        if getattr(self._credentials, "microsoft_app_id", None):
            loop = asyncio.get_running_loop()
            try:
                token = await asyncio.wait_for(
                    loop.run_in_executor(
                        self._connection.token_pool(), self._credentials.get_access_token
                    ),
                    self._connection.timeout_seconds,
                )
            except TimeoutError:
                raise ReplyNotDelivered("no token from the identity provider in time") from None
            request.http_request.headers["Authorization"] = f"Bearer {token}"
        return await self.next.send(request, **kwargs)


def use_bounded_pipeline(connector_client: Any, connection: ConnectorSession) -> Any:
    """Give ``connector_client`` a pipeline that sends through ``connection``."""
    config = connector_client.config
    config.pipeline = AsyncPipeline(
        [
            config.user_agent_policy,
            _OffLoopBearerPolicy(config.credentials, connection),
            RawDeserializer(),
            config.http_logger_policy,
        ],
        _BoundedAioHttpSender(connection),
    )
    return connector_client


def use_wire_json_bodies(connector_client: Any) -> Any:
    """Write ``connector_client``'s request bodies (a reply, a notice) with
    ``schema_json``, not msrest's serializer.

    msrest rebuilds and validates a whole Activity before writing it: about
    1 ms of CPU per reply, more than the rest of sending it. The JSON is the
    same (tests/test_outbound_replies.py compares them).
    """
    # pylint: disable-next=import-outside-toplevel
    from .schema_json import model_to_json, schema_class

    serializer = connector_client._serialize  # pylint: disable=protected-access
    msrest_body = serializer.body

    def body(data: Any, data_type: str, **kwargs: Any) -> Any:
        if type(data) is schema_class(data_type):  # pylint: disable=unidiomatic-typecheck
            return model_to_json(data)
        return msrest_body(data, data_type, **kwargs)

    serializer.body = body
    return connector_client
