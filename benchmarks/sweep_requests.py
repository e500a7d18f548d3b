"""How many storage requests one sweep costs, per backend and store size.

Stores N conversations of which 10 are stale in Azurite and in the
Cosmos-compatible server (both started here, from node_modules), runs the
real sweeper once, and prints the HTTP requests it sent, by kind.

The stale conversations are written first and the fresh ones some seconds
later, so Blob last-modified times are as they would be in production (a
test cannot backdate them). "sweep" is a sweep on a worker whose client is
already open. "opening" is a sweep by a new worker once nothing is stale:
what opening the client and checking the containers adds, plus the listing
or query.

    python -m benchmarks.sweep_requests [--sizes 1000 10000]
"""

import argparse
import asyncio
import time
import uuid
from collections import Counter
from typing import Callable, Dict, List, Tuple

from shared.settings import Settings
from shared.storage import StateStores
from shared.storage.blob_store import create_blob_stores
from shared.storage.cosmos_store import create_cosmos_stores
from shared.lifecycle.rules import LifecycleRules
from shared.lifecycle.sweep import sweep
from tests.servers import start_azurite, start_cosmos
from tests.storage.request_counting import CountingTransport

STALE = 10
WRITE_SECONDS_PER_CONVERSATION = 0.003  # generous for one core; used to size the gap
WRITE_CONCURRENCY = 32


def request_kind(method: str, url: str) -> str:
    path, _, query = url.partition("?")
    if method == "DELETE":
        return "delete"
    if "comp=list" in query:
        return "list"
    if method == "POST" and path.rstrip("/").endswith("/docs"):
        return "query"
    if method == "GET" and "/devstoreaccount1/" in path and "restype=" not in query:
        return "download"
    return "setup"


def summary(transport: CountingTransport) -> str:
    kinds = Counter(request_kind(method, url) for method, url in transport.requests)
    detail = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    return f"{transport.count:>4} requests ({detail})"


def gap_seconds(size: int) -> float:
    """Seconds between the stale and the fresh writes.

    Blob skips blobs written more than a tenth of the idle window after the
    cutoff; the window here spans the gap and the fresh writes, so the gap
    must outlast a tenth of both, or early fresh blobs get downloaded too
    (which the printed download count would show).
    """
    return max(10.0, 2.0 + WRITE_SECONDS_PER_CONVERSATION * size)


async def seed(stores: StateStores, size: int) -> float:
    """Write the stale conversations, wait, write the fresh ones; return a cutoff between."""
    semaphore = asyncio.Semaphore(WRITE_CONCURRENCY)

    async def write(key: str):
        async with semaphore:
            await stores.conversation.write({key: {"LastAccessedTime": time.time()}})

    await asyncio.gather(*(write(f"bench/conversations/stale-{i}/") for i in range(STALE)))
    cutoff = time.time() + 1
    await asyncio.sleep(gap_seconds(size))
    await asyncio.gather(*(write(f"bench/conversations/fresh-{i}/") for i in range(size - STALE)))
    return cutoff


async def measure(make: Callable[[CountingTransport], StateStores], size: int) -> Tuple[str, str]:
    transport = CountingTransport()
    stores = make(transport)
    try:
        cutoff = await seed(stores, size)
        swept_at = time.time()
        rules = LifecycleRules(expire_after_seconds=round(swept_at - cutoff))
        transport.reset()
        report = await sweep(stores.conversation, rules, batch_size=1000, clock=lambda: swept_at)
        swept = f"{summary(transport)}, expired {report.expired}"
    finally:
        await stores.aclose()

    transport = CountingTransport()
    stores = make(transport)
    try:
        report = await sweep(stores.conversation, rules, batch_size=1000, clock=lambda: swept_at)
        opening = f"{summary(transport)}, expired {report.expired}"
    finally:
        await stores.aclose()
    return swept, opening


def blob_maker(connection_string: str) -> Callable[[CountingTransport], StateStores]:
    suffix = uuid.uuid4().hex[:12]
    settings = Settings(
        state_storage="blob",
        blob_connection_string=connection_string,
        blob_conversation_state_container=f"bench-conversation-{suffix}",
        blob_user_state_container=f"bench-user-{suffix}",
    )
    return lambda transport: create_blob_stores(settings, {"transport": transport})


def cosmos_maker(endpoint: str, key: str) -> Callable[[CountingTransport], StateStores]:
    settings = Settings(
        state_storage="cosmos",
        cosmos_db_endpoint=endpoint,
        cosmos_db_auth_key=key,
        cosmos_db_verify_tls=False,
        cosmos_db_database_id=f"bench-{uuid.uuid4().hex[:12]}",
        cosmos_db_conversation_state_container_id="conversation-state",
        cosmos_db_user_state_container_id="user-state",
        cosmos_db_time_to_live=86400,
    )
    return lambda transport: create_cosmos_stores(settings, {"transport": transport})


async def run(sizes: List[int]) -> None:
    azurite, cosmos = start_azurite(), start_cosmos()
    try:
        backends: Dict[str, Callable[[], Callable[[CountingTransport], StateStores]]] = {
            "blob": lambda: blob_maker(azurite.connection_string),
            "cosmos": lambda: cosmos_maker(cosmos.url, cosmos.key),
        }
        print(f"one sweep, {STALE} stale conversations (memory: none, it is in process)")
        for name, maker in backends.items():
            for size in sizes:
                swept, opening = await measure(maker(), size)
                print(f"{name:<7}{size:>6} stored  sweep:   {swept}")
                print(f"{'':<7}{'':>6}         opening: {opening}", flush=True)
    finally:
        azurite.stop()
        cosmos.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    asyncio.run(run(parser.parse_args().sizes))


if __name__ == "__main__":
    main()
