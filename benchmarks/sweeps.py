"""Sweep cost: how long the sweeper takes, and how many requests it sends, per size.

Each size gets its own container, filled directly (many writes at once):
first the stale records (LastAccessedTime long ago), then, after a pause, the
fresh ones (LastAccessedTime now). The pause matters for Blob: its sweep
clears blobs by the last-modified time in the listing and downloads only the
rest, so the sweep's ExpireAfterSeconds is chosen to put that cut between the
stale and the fresh writes, as in a real store whose stale records were last
written long ago.

Two passes: every size with 1 % stale; then, on memory and Cosmos, for sizes
where 1 % is more than ``FIXED_STALE``, that many stale records are added to
what is left, so that sizes compare at the same stale count (at 10,000, 1 %
is already that count). Blob is left out of that pass: it lists every blob by
design, and stale blobs written after the fresh ones would make every fresh
blob a download candidate.
"""

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, replace
from typing import Dict, List, Optional

from shared.settings import Settings
from shared.storage import StateStores
from shared.storage.blob_candidates import MARGIN_FRACTION, MAX_MARGIN_SECONDS
from shared.storage.memory_store import MemoryStore
from shared.lifecycle.rules import LifecycleRules
from shared.lifecycle.sweep import sweep

from .request_count import count_http_requests
from .servers import StorageServers

STALE_SHARE = 0.01
FIXED_STALE = 100
LONG_AGO = 1_000_000_000.0  # 2001: stale for any ExpireAfterSeconds
WRITE_CONCURRENCY = 64
FRESH_FOR_SECONDS = 24 * 3600
BLOB_WRITE_GAP_SECONDS = 3.0  # > last-modified resolution (1 s) + the cut's drift during a sweep
FIXED_COUNT_BACKENDS = ("memory", "cosmos")
COSMOS_DATABASE = "sweep"
# The local servers are slow where real services are not: the Cosmos-compatible
# server takes over a minute to answer one query over 100,000 documents (see
# run.py's note), Azurite seconds to list a page of 5,000 blobs. The product's
# timeouts (sweep step, store call, Cosmos SDK request) would end those sweeps,
# so the benchmark raises them: it measures cost, not time-outs.
SLOW_SERVER_TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class SweepResult:
    backend: str
    stored: int
    stale: int
    seconds: float
    cpu_seconds: float
    expired: int
    requests: Counter
    populate_seconds: float = 0.0

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())


def expire_after_for(boundary: float, now: float) -> float:
    """An ExpireAfterSeconds whose Blob last-modified cut falls at ``boundary``.

    The Blob sweep downloads blobs modified before ``cutoff + margin``, with
    ``cutoff = now - expire`` and the margin a fraction of ``expire`` (capped).
    On memory and Cosmos any value that leaves the fresh records fresh works,
    and this one does.
    """
    expire = (now - boundary) / (1 - MARGIN_FRACTION)
    if MARGIN_FRACTION * expire > MAX_MARGIN_SECONDS:
        expire = now - boundary + MAX_MARGIN_SECONDS
    return expire


def _state(last_accessed: Optional[float]) -> Dict:
    """A finished conversation, as the bot leaves it: a stale one is due at
    ``last_accessed``, a fresh one (None) a day from now."""
    stamp = time.time() if last_accessed is None else last_accessed
    expires_at = stamp + FRESH_FOR_SECONDS if last_accessed is None else stamp
    return {
        "DialogState": {"dialog_stack": []},
        "LastAccessedTime": stamp,
        "Lifecycle": {"ExpiresAt": expires_at, "Warned": False},
        "DueAt": expires_at,
    }


def _keys(prefix: str, count: int, start: int = 0) -> List[str]:
    return [f"test/conversations/{prefix}-{number}" for number in range(start, start + count)]


class SweepContainer:
    """The product's conversation store on a container of its own, and a fast way to fill it."""

    def __init__(self, backend: str, size: int, servers: Optional[StorageServers]):
        self.backend = backend
        self._servers = servers
        self._container_id = f"sweep-{size}"
        self.stores = self._open_stores()

    @property
    def store(self):
        return self.stores.conversation

    def _open_stores(self) -> StateStores:
        if self.backend == "memory":
            return StateStores(conversation=MemoryStore(), user=MemoryStore())
        if self.backend == "blob":
            from shared.storage.blob_store import create_blob_stores

            return create_blob_stores(
                Settings(
                    state_storage="blob",
                    blob_connection_string=self._servers.blob_connection_string,
                    blob_conversation_state_container=self._container_id,
                    blob_user_state_container=f"{self._container_id}-users",
                    storage_timeout_seconds=SLOW_SERVER_TIMEOUT_SECONDS,
                )
            )
        from shared.storage.cosmos_store import create_cosmos_stores

        return create_cosmos_stores(
            Settings(
                state_storage="cosmos",
                cosmos_db_endpoint=self._servers.cosmos_endpoint,
                cosmos_db_auth_key=self._servers.cosmos_key,
                cosmos_db_database_id=COSMOS_DATABASE,
                cosmos_db_conversation_state_container_id=self._container_id,
                cosmos_db_user_state_container_id=f"{self._container_id}-users",
                cosmos_db_verify_tls=False,
                storage_timeout_seconds=SLOW_SERVER_TIMEOUT_SECONDS,
            ),
            {"connection_timeout": SLOW_SERVER_TIMEOUT_SECONDS},
        )

    async def fill(self, keys: List[str], last_accessed: Optional[float]) -> None:
        """Store a finished conversation under each key (``None``: last accessed now)."""
        if self.backend == "cosmos":
            from .cosmos_bulk_write import upsert_records

            await self.store.read(["test/conversations/none"])  # creates the containers
            await upsert_records(
                self._servers.cosmos_endpoint, self._servers.cosmos_key, COSMOS_DATABASE,
                self._container_id, ((key, _state(last_accessed)) for key in keys),
            )
            return
        slots = asyncio.Semaphore(WRITE_CONCURRENCY)

        async def write(key: str):
            async with slots:
                await self.store.write({key: _state(last_accessed)})

        await asyncio.gather(*(write(key) for key in keys))

    async def timed_sweep(self, stored: int, stale: int, boundary: float) -> SweepResult:
        expire = expire_after_for(boundary, time.time())
        with count_http_requests() as requests:
            cpu_started, started = time.process_time(), time.perf_counter()
            report = await sweep(
                self.store, LifecycleRules(expire_after_seconds=round(expire)), batch_size=stored,
                step_timeout_seconds=SLOW_SERVER_TIMEOUT_SECONDS,
            )
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
        if report.errors:
            raise RuntimeError(f"the {self.backend} sweep of {stored} stopped on a storage error")
        requests.pop("setup", None)
        return SweepResult(self.backend, stored, stale, seconds, cpu, report.expired, Counter(requests))


async def sweep_one_size(
    backend: str, size: int, servers: Optional[StorageServers]
) -> Dict[str, SweepResult]:
    """The 1 % sweep of ``size`` records (``"share"``), then the fixed-count one (``"fixed"``).

    The fixed-count result is also the 1 % one where 1 % is ``FIXED_STALE``.
    """
    container = SweepContainer(backend, size, servers)
    try:
        stale = max(1, int(size * STALE_SHARE))
        started = time.perf_counter()
        await container.fill(_keys("stale", stale), LONG_AGO)
        boundary = time.time()
        if backend == "blob":
            await asyncio.sleep(BLOB_WRITE_GAP_SECONDS)
        await container.fill(_keys("fresh", size - stale), None)
        populated = time.perf_counter() - started
        share = await container.timed_sweep(size, stale, boundary)
        results = {"share": replace(share, populate_seconds=populated)}
        if stale == FIXED_STALE:
            results["fixed"] = results["share"]
        elif stale > FIXED_STALE and backend in FIXED_COUNT_BACKENDS:
            await container.fill(_keys("stale", FIXED_STALE, start=stale), LONG_AGO)
            stored = size - stale + FIXED_STALE
            results["fixed"] = await container.timed_sweep(stored, FIXED_STALE, boundary)
        return results
    finally:
        await container.stores.aclose()
