"""A stand-in for DefaultAzureCredential that records how it is used."""

import time

from azure.core.credentials import AccessToken


class FakeCredential:
    """Hands out a dummy token (the local servers check none) and notes being closed."""

    def __init__(self):
        self.scopes = []
        self.closed = False

    async def get_token(self, *scopes, **kwargs):
        self.scopes.extend(scopes)
        return AccessToken("token", int(time.time()) + 3600)

    async def close(self):
        self.closed = True
