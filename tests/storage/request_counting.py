"""Counting the HTTP requests a store sends, for tests and benchmarks."""

from typing import List, Tuple

from azure.core.pipeline.transport import AioHttpTransport


class CountingTransport(AioHttpTransport):
    """The SDKs' usual aiohttp transport, noting every request it sends.

    Passed to a store's client as ``transport``; each HTTP attempt passes
    through ``send`` exactly once, retries included.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.requests: List[Tuple[str, str]] = []

    async def send(self, request, **kwargs):
        self.requests.append((request.method, request.url))
        return await super().send(request, **kwargs)

    def reset(self) -> None:
        self.requests.clear()

    @property
    def count(self) -> int:
        return len(self.requests)
