"""Signing keys for token validation, fetched without blocking the event loop.

botframework-connector fetches the identity provider's OpenID metadata with a
synchronous ``requests.get`` and no timeout, inside async code: one
unreachable endpoint would stall every turn of the worker. Its extractor looks
the metadata object up in a class-level cache first, so putting these bounded,
asynchronous ones there for the known endpoints replaces that fetch.
"""

from datetime import datetime

import aiohttp
from botframework.connector.auth import AuthenticationConstants, GovernmentConstants
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor, _OpenIdMetadata

FETCH_TIMEOUT_SECONDS = 5

KNOWN_METADATA_URLS = (
    AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
    AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
    GovernmentConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
    GovernmentConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
)


class BoundedOpenIdMetadata(_OpenIdMetadata):
    """OpenID metadata refreshed with aiohttp, each fetch bounded in time."""

    def __init__(self, url: str, timeout_seconds: float = FETCH_TIMEOUT_SECONDS):
        super().__init__(url)
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def _refresh(self):
        async with aiohttp.ClientSession(timeout=self._timeout) as session:
            async with session.get(self.url) as response:
                response.raise_for_status()
                keys_url = (await response.json(content_type=None))["jwks_uri"]
            async with session.get(keys_url) as response:
                response.raise_for_status()
                keys = (await response.json(content_type=None))["keys"]
        self.keys = keys
        self.last_updated = datetime.now()


def use_bounded_openid_metadata(urls=KNOWN_METADATA_URLS):
    """Make token validation fetch signing keys for ``urls`` asynchronously."""
    for url in urls:
        if not isinstance(JwtTokenExtractor.metadataCache.get(url), BoundedOpenIdMetadata):
            JwtTokenExtractor.metadataCache[url] = BoundedOpenIdMetadata(url)
