"""Connector and user-token clients reused across turns.

botbuilder builds a new ConnectorClient and UserTokenClient on every turn, and
each build sets up an msrest pipeline that costs milliseconds of CPU. The
clients depend only on the app identity, the audience and the service URL, so
one per combination serves every turn. Service URLs come from requests, so the
caches are bounded.
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


class CachingConnectorFactory(ConnectorFactory):
    """Hands out one ConnectorClient per app, audience and service URL."""

    def __init__(self, inner: ConnectorFactory, app_id: str, cache: BoundedClientCache):
        self._inner = inner
        self._app_id = app_id
        self._cache = cache

    async def create(self, service_url: str, audience: str = None):
        client = await self._cache.get(
            (self._app_id, audience, service_url),
            lambda: self._inner.create(service_url, audience),
        )
        # A reused client keeps its credentials: a managed identity token is
        # refreshed here, off msrest's synchronous path.
        await ensure_fresh_token(client.config.credentials)
        return client


class CachingBotFrameworkAuthentication:
    """botbuilder's authentication, with user-token clients reused per app id.

    Everything but ``create_user_token_client`` is passed to the wrapped object.
    """

    def __init__(self, inner: BotFrameworkAuthentication):
        self._inner = inner
        self._user_token_clients: BoundedClientCache = BoundedClientCache()

    def __getattr__(self, name):
        return getattr(self._inner, name)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity):
        app_id = JwtTokenValidation.get_app_id_from_claims(claims_identity.claims)
        return await self._user_token_clients.get(
            app_id, lambda: self._inner.create_user_token_client(claims_identity)
        )
