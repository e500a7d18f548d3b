"""Counting storage requests, two ways.

- :class:`StoreCalls` wraps a Storage object's ``read``/``write``/``delete`` and
  counts one request per key, split by whose state it is (conversation or user).
  It works for every backend, memory included, and for product and stock alike.
- :func:`count_http_requests` counts the HTTP requests the Azure SDKs actually
  send, at azure-core's transports (async aiohttp and sync requests), so
  retries, listing pages and query pages count too.
"""

from collections import Counter
from contextlib import contextmanager
from typing import Iterator, Mapping, Sequence
from urllib.parse import urlsplit

from botbuilder.core import Storage

OPERATIONS = ("read", "write", "delete")


def state_kind(key: str) -> str:
    """Whose state a botbuilder storage key holds: ``channel/conversations/...`` or ``.../users/...``."""
    return "user" if "/users/" in key else "conversation"


class StoreCalls:
    """Per-key counts of the storage calls made on some Storage objects."""

    def __init__(self, storages: Sequence[Storage]):
        self.counts: Counter = Counter()
        for storage in storages:
            for operation in OPERATIONS:
                setattr(storage, operation, self._counted(operation, getattr(storage, operation)))

    def _counted(self, operation: str, call):
        async def counted(keys_or_changes):
            for key in keys_or_changes or ():
                self.counts[(state_kind(key), operation)] += 1
            return await call(keys_or_changes)

        return counted

    def snapshot(self) -> Counter:
        return Counter(self.counts)


def request_kind(method: str, url: str, headers: Mapping[str, str]) -> str:
    """read / write / delete / list / query for state; setup for databases, containers, account."""
    parts = urlsplit(url)
    is_cosmos = parts.path in ("", "/") or parts.path.startswith("/dbs")
    if "comp=list" in parts.query:
        return "list"
    if str(headers.get("x-ms-documentdb-isquery", "")).lower() == "true":
        return "query"
    if "restype=container" in parts.query or (is_cosmos and "/docs" not in parts.path):
        return "setup"
    return {"GET": "read", "HEAD": "read", "DELETE": "delete"}.get(method.upper(), "write")


@contextmanager
def count_http_requests() -> Iterator[Counter]:
    """Count, by :func:`request_kind`, every HTTP request the Azure SDKs send meanwhile."""
    from azure.core.pipeline.transport import AioHttpTransport, RequestsTransport

    from shared.storage.http_transport import Http11Transport

    counts: Counter = Counter()

    def note(request):
        counts[request_kind(request.method, request.url, request.headers)] += 1

    original_async, original_sync = AioHttpTransport.send, RequestsTransport.send
    original_own = Http11Transport._send  # pylint: disable=protected-access

    async def send_async(self, request, **config):
        note(request)
        return await original_async(self, request, **config)

    async def send_own(self, request, config):  # the requests it does not give to aiohttp
        note(request)
        return await original_own(self, request, config)

    def send_sync(self, request, **config):
        note(request)
        return original_sync(self, request, **config)

    AioHttpTransport.send, RequestsTransport.send = send_async, send_sync
    Http11Transport._send = send_own  # pylint: disable=protected-access
    try:
        yield counts
    finally:
        AioHttpTransport.send, RequestsTransport.send = original_async, original_sync
        Http11Transport._send = original_own  # pylint: disable=protected-access
