"""Connector and user-token clients reused across turns.

botbuilder builds a new ConnectorClient and UserTokenClient on every turn, and
each build sets up an msrest pipeline that costs milliseconds of CPU. The
clients depend only on the app identity, the audience and the service URL, so
one per combination serves every turn. Service URLs come from requests, so the
caches are bounded. A connector client keeps its connection to the channel
open between turns; ``aclose`` closes it.
"""

from collections import OrderedDict
from typing import Awaitable, Callable, Generic, Hashable, TypeVar

from botframework.connector.auth import (
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    JwtTokenValidation,
)

from .bot_credentials import ensure_fresh_token
from .connector_http import ConnectorSession, use_bounded_pipeline, use_wire_json_bodies

Client = TypeVar("Client")
MAX_CLIENTS = 64


class BoundedClientCache(Generic[Client]):
    """The most recently used clients, built on demand."""

    def __init__(self, max_clients: int = MAX_CLIENTS):
        self._clients: "OrderedDict[Hashable, Client]" = OrderedDict()
        self._max_clients = max_clients

    async def get(self, key: Hashable, build: Callable[[], Awaitable[Client]]) -> Client:
        client = self._clients.get(key)
        if client is None:
            client = await build()
            self._clients[key] = client
            if len(self._clients) > self._max_clients:
                self._clients.popitem(last=False)
        else:
            self._clients.move_to_end(key)
        return client

    async def aclose(self) -> None:
        """Close every cached client that can be closed (msrest clients are async
        context managers), and forget them all."""
        clients = list(self._clients.values())
        self._clients.clear()
        for client in clients:
            close = getattr(client, "__aexit__", None)
            if close is not None:
                await close(None, None, None)


class CachingConnectorFactory(ConnectorFactory):
    """Hands out one ConnectorClient per app, audience and service URL.

    Each client sends through ``connection``: async, bounded in time.
    """

    def __init__(
        self,
        inner: ConnectorFactory,
        app_id: str,
        cache: BoundedClientCache,
        connection: ConnectorSession,
    ):
        self._inner = inner
        self._app_id = app_id
        self._cache = cache
        self._connection = connection

    async def create(self, service_url: str, audience: str = None):
        client = await self._cache.get(
            (self._app_id, audience, service_url), lambda: self._build(service_url, audience)
        )
        # A reused client keeps its credentials: a managed identity token is
        # refreshed here, on the loop, before the pipeline reads it.
        await ensure_fresh_token(client.config.credentials)
        return client

    async def _build(self, service_url: str, audience: str):
        client = await self._inner.create(service_url, audience)
        return use_wire_json_bodies(use_bounded_pipeline(client, self._connection))


class CachingBotFrameworkAuthentication:
    """botbuilder's authentication, with clients reused across turns.

    User-token clients are reused per app id; connector factories it creates
    (for proactive messages) hand out cached clients that send through
    ``connection``. Everything else is passed to the wrapped object.
    """

    def __init__(
        self, inner: BotFrameworkAuthentication, app_id: str, connection: ConnectorSession
    ):
        self._inner = inner
        self._app_id = app_id
        self.connection = connection
        self.connector_clients: BoundedClientCache = BoundedClientCache()
        self._user_token_clients: BoundedClientCache = BoundedClientCache()

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def bounded(self, connector_factory: ConnectorFactory) -> ConnectorFactory:
        """``connector_factory``, handing out cached clients on the bounded connection."""
        return CachingConnectorFactory(
            connector_factory, self._app_id, self.connector_clients, self.connection
        )

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self.bounded(self._inner.create_connector_factory(claims_identity))

    async def create_user_token_client(self, claims_identity: ClaimsIdentity):
        app_id = JwtTokenValidation.get_app_id_from_claims(claims_identity.claims)
        return await self._user_token_clients.get(
            app_id, lambda: self._inner.create_user_token_client(claims_identity)
        )

    async def aclose(self) -> None:
        """Forget the cached clients and close the connection they sent on."""
        await self.connector_clients.aclose()
        await self.connection.aclose()
