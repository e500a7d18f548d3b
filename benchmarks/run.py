"""Benchmark the product against the stock botbuilder plumbing and print the tables.

    python -m benchmarks.run            # everything, 15-25 minutes on 2 cores
    python -m benchmarks.run --quick    # smaller sizes, about 4 minutes
    python -m benchmarks.run --only turns latency

Starts Azurite and the Cosmos-compatible server itself (npm ci must have run),
plus delaying proxies for the latency and sweep-concurrency tables, and stops them
at the end. Instructions per turn are counted where valgrind is installed.
Tables go to stdout as Markdown; progress goes to stderr.
"""

import argparse
import asyncio
import logging
import sys
import time
import traceback
import warnings
from contextlib import ExitStack, asynccontextmanager
from typing import List, Optional, Sequence, Tuple

from tests.servers import ServerNotInstalled

from .backends import Backend, blob_backend, cosmos_backend, memory_backend
from .cold_start import measure_cold_starts
from .instructions import callgrind_missing, measure_instructions
from .plumbing import PLUMBINGS
from .results import BACKENDS, BOTS, Measurements
from .servers import StorageServers, start_delayed, start_direct
from .storage_requests import count_requests
from .notices import measure_notices
from .sweep_concurrency import measure_sweep_concurrency
from .sweeps import sweep_one_size
from .tables import (
    cold_start_table,
    fixed_sweep_table,
    instructions_table,
    latency_table,
    lifecycle_table,
    storage_table,
    sweep_concurrency_table,
    sweep_table,
    turns_table,
)
from .targets import targets_table
from .turns import measure

SECTIONS = (
    "turns", "instructions", "latency", "requests", "sweep", "lifecycle", "sweep-concurrency", "cold",
)
DELAYED_SECTIONS = {"latency", "sweep-concurrency"}
BLOB_SWEEP_MAX = 10_000  # Azurite fills too slowly beyond; --full-blob-sweep lifts it
BLOB_SWEEP_MAX_QUICK = 1_000
SLOW_SERVER_NOTE = (
    "On the Cosmos-compatible server every query copies the whole collection (its query "
    "engine, @zeit/cosmosdb-query, builds the row list with one array copy per document), "
    "so a query's time grows with the square of the documents stored, whatever it selects. "
    "Real Cosmos answers the sweep's query from its DueAt and LastAccessedTime indexes; the "
    "requests column is what it charges for."
)


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def show(table) -> None:
    print(table.render(), end="\n\n", flush=True)


@asynccontextmanager
async def recorded_failure(results: Measurements, what: str):
    """Let one failing measurement (say, a backend mid-change) not stop the others."""
    try:
        yield
    except Exception as error:  # pylint: disable=broad-except
        message = f"{what}: {type(error).__name__}: {error}"
        results.failures.append(message)
        progress(f"FAILED {message}\n{traceback.format_exc(limit=-3)}")


def backends_on(servers: Optional[StorageServers]) -> List[Backend]:
    found = [memory_backend()]
    if servers is not None:
        found.append(
            blob_backend(servers.blob_connection_string, server_pids=servers.blob_pids)
        )
        found.append(
            cosmos_backend(
                servers.cosmos_endpoint, servers.cosmos_key, server_pids=servers.cosmos_pids
            )
        )
    return found


async def measure_turns(
    results: Measurements, backends: Sequence[Backend], conversations: int, rounds: int
):
    """Each backend and bot once with one conversation at a time, then in
    ``rounds`` rounds at the run's concurrency, every backend and bot in each.

    A round takes about a minute, and the targets take the median of the
    rounds' ratios, each taken within one round: on a shared machine a turn's
    CPU drifts by a third from one minute to the next. Within a round the
    runs go in ``round_order``, so that the runs each ratio compares are
    next to each other.
    """
    for backend in backends:
        for bot in BOTS:
            run = await _turns_run(results, backend, bot, 1, conversations)
            if run is not None:
                results.turns[(backend.name, bot, 1)] = run
    for number in range(1, rounds + 1):
        measured = {}
        for backend, bot in round_order(backends):
            run = await _turns_run(
                results, backend, bot, results.concurrency, conversations, f"round {number}"
            )
            if run is not None:
                measured[(backend.name, bot)] = run
        results.rounds.append(measured)
    for backend in backends:
        for bot in BOTS:
            runs = [measured[(backend.name, bot)] for measured in results.rounds
                    if (backend.name, bot) in measured]
            if runs:
                middle = sorted(runs, key=lambda run: run.turns_per_second)[(len(runs) - 1) // 2]
                results.turns[(backend.name, bot, results.concurrency)] = middle


def round_order(backends: Sequence[Backend]) -> List[Tuple[Backend, str]]:
    """The runs of a round, each ratio's two runs side by side where they can be.

    The CPU targets divide each storage product's CPU by the memory
    product's, and the throughput targets each product's turns/s by its
    stock's. With Blob and Cosmos: Blob stock, Blob product, memory product,
    Cosmos product, Cosmos stock, memory stock. Only memory's product and
    stock, whose target has the widest margin, are apart (by the Cosmos runs).
    """
    memory = [backend for backend in backends if backend.name == "memory"]
    storage = [backend for backend in backends if backend.name != "memory"]
    order: List[Tuple[Backend, str]] = []
    if storage:
        order += [(storage[0], "stock"), (storage[0], "product")]
    order += [(backend, "product") for backend in memory]
    for backend in storage[1:]:
        order += [(backend, "product"), (backend, "stock")]
    order += [(backend, "stock") for backend in memory]
    return order


async def _turns_run(
    results: Measurements, backend: Backend, bot: str, concurrency: int, conversations: int,
    label: str = "",
):
    what = f"turns {backend.name} {bot} ×{concurrency}{f' {label}' if label else ''}"
    async with recorded_failure(results, what):
        async with PLUMBINGS[bot](backend) as plumbing:
            run = await measure(
                plumbing.handle,
                f"turns-{backend.name}-{bot}-{concurrency}-{time.time_ns()}",
                conversations, concurrency, backend.server_pids,
            )
        progress(f"{what}: {run.turns_per_second:.1f} turns/s, {run.cpu_ms_per_turn:.2f} ms CPU/turn")
        return run
    return None


async def count_instructions(results: Measurements, backends: Sequence[Backend], arguments) -> None:
    """Instructions per product turn on each backend, each in a process under callgrind."""
    results.instructions_missing = callgrind_missing()
    if results.instructions_missing:
        progress(f"instructions: not counted, {results.instructions_missing}")
        return
    progress(f"instructions: {arguments.instruction_conversations} conversations per backend "
             "under callgrind, about a minute each")
    async with recorded_failure(results, "instructions"):
        # Off the event loop: the probes are other processes, and take minutes.
        counts = await asyncio.to_thread(
            measure_instructions, backends, arguments.instruction_conversations,
            arguments.concurrency,
        )
        for count in counts:
            results.instructions[count.backend] = count
            progress(f"instructions {count.backend}: {count.per_turn / 1e6:.2f} M a turn")


async def measure_latency(results: Measurements, backends: Sequence[Backend], conversations: int):
    for backend in backends:
        if backend.name == "memory":
            continue
        for bot in BOTS:
            async with recorded_failure(results, f"latency {backend.name} {bot}"):
                async with PLUMBINGS[bot](backend) as plumbing:
                    run = await measure(
                        plumbing.handle, f"delayed-{backend.name}-{bot}-{time.time_ns()}",
                        conversations, results.concurrency, backend.server_pids,
                    )
                results.delayed[(backend.name, bot)] = run
                progress(f"latency {backend.name} {bot}: {run.turns_per_second:.1f} turns/s")


async def measure_requests(results: Measurements, backends: Sequence[Backend], conversations: int):
    for backend in backends:
        for bot in BOTS:
            async with recorded_failure(results, f"requests {backend.name} {bot}"):
                results.requests[(backend.name, bot)] = await count_requests(
                    backend, bot, conversations
                )
        progress(f"requests {backend.name}: counted")


async def measure_sweeps(
    results: Measurements, servers: StorageServers, sizes: Sequence[int], blob_max: float
):
    skipped = []
    for backend in BACKENDS:
        for size in sizes:
            if backend == "blob" and size > blob_max:
                skipped.append(size)
                continue
            progress(f"sweep {backend} {size:,}: filling and sweeping")
            async with recorded_failure(results, f"sweep {backend} {size:,}"):
                results.sweeps[(backend, size)] = await sweep_one_size(backend, size, servers)
    if skipped:
        results.sweep_notes.append(
            f"Blob at {', '.join(f'{size:,}' for size in skipped)} stored: skipped, too slow to "
            "fill here. Azurite's in-memory store slows down as a container grows (here each "
            "insert cost its server about 3 ms of CPU when empty, 12 ms at 12,000 blobs), so "
            "10,000 blobs take about a minute to fill and 100,000 an hour or more. "
            "Add --full-blob-sweep to run every size."
        )


async def measure_all(results: Measurements, arguments, direct, delayed) -> None:
    """The async sections, on one event loop, printing each table when it is done."""
    if "turns" in arguments.only:
        await measure_turns(results, backends_on(direct), arguments.conversations, arguments.rounds)
        show(turns_table(results, arguments.conversations))
    if "instructions" in arguments.only:
        await count_instructions(results, backends_on(direct), arguments)
        show(instructions_table(results, arguments.concurrency))
    if "latency" in arguments.only:
        await measure_latency(results, backends_on(delayed), arguments.conversations)
        show(latency_table(results))
    if "requests" in arguments.only:
        await measure_requests(results, backends_on(direct), arguments.count_conversations)
        show(storage_table(results))
    if "sweep" in arguments.only:
        blob_max = float("inf") if arguments.full_blob_sweep else (
            BLOB_SWEEP_MAX_QUICK if arguments.quick else BLOB_SWEEP_MAX
        )
        await measure_sweeps(results, direct, arguments.sweep_sizes, blob_max)
        show(sweep_table(results, arguments.sweep_sizes))
        fixed = fixed_sweep_table(results, arguments.sweep_sizes)
        if any(run is not None for run in (results.sweep("cosmos", s, "fixed") for s in arguments.sweep_sizes)):
            fixed.note(SLOW_SERVER_NOTE)
        show(fixed)
    if "lifecycle" in arguments.only:
        progress("lifecycle: notices through a loopback channel")
        async with recorded_failure(results, "lifecycle notices"):
            results.notices = await measure_notices(arguments.notice_count)
        show(lifecycle_table(results, arguments.sweep_sizes))
    if "sweep-concurrency" in arguments.only:
        progress(f"sweep-concurrency: {arguments.expiring:,} conversations, one at a time and "
                 "at the product's concurrency")
        async with recorded_failure(results, "sweep concurrency"):
            results.sweep_concurrency = await measure_sweep_concurrency(
                delayed, arguments.expiring, progress=progress
            )
        show(sweep_concurrency_table(results, arguments.quick))


def parse_arguments(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n", 1)[0]
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: about 4 minutes")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--conversations", type=int, help="per turn measurement (default 120, quick 20)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--rounds", type=int,
        help="rounds of the concurrent turn runs, interleaved (default 3, quick 1)",
    )
    parser.add_argument(
        "--instruction-conversations", type=int,
        help="per backend, counted under callgrind (default 40, quick 10)",
    )
    parser.add_argument("--delay-ms", type=float, default=5.0, help="added to each storage round trip")
    parser.add_argument("--count-conversations", type=int, help="for request counts (default 20, quick 5)")
    parser.add_argument("--sweep-sizes", type=int, nargs="+", help="default 1000 10000 100000, quick 1000 10000")
    parser.add_argument(
        "--full-blob-sweep", action="store_true",
        help=f"also sweep Blob above {BLOB_SWEEP_MAX:,} stored ({BLOB_SWEEP_MAX_QUICK:,} with "
        "--quick); 100,000 takes an hour or more on Azurite",
    )
    parser.add_argument("--cold-repetitions", type=int, help="fresh processes per case (default 7, quick 2)")
    parser.add_argument("--notice-count", type=int, help="notices per concurrency (default 500, quick 100)")
    parser.add_argument(
        "--expiring", type=int,
        help="due conversations per sweep-concurrency sweep (default 1000, quick 200)",
    )
    arguments = parser.parse_args(argv)
    defaults = {
        "conversations": (120, 20),
        "rounds": (3, 1),
        "instruction_conversations": (40, 10),
        "count_conversations": (20, 5),
        "sweep_sizes": ([1_000, 10_000, 100_000], [1_000, 10_000]),
        "cold_repetitions": (7, 2),
        "notice_count": (500, 100),
        "expiring": (1_000, 200),
    }
    for name, (full, quick) in defaults.items():
        if getattr(arguments, name) is None:
            setattr(arguments, name, quick if arguments.quick else full)
    if arguments.rounds < 1:
        parser.error("--rounds must be at least 1")
    return arguments


def main(argv: Optional[Sequence[str]] = None) -> int:
    arguments = parse_arguments(argv)
    warnings.filterwarnings("ignore", message="Unverified HTTPS request")  # the local server's cert
    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    results = Measurements(concurrency=arguments.concurrency, delay_ms=arguments.delay_ms)
    needs_servers = set(arguments.only) & {
        "turns", "instructions", "latency", "requests", "sweep", *DELAYED_SECTIONS,
    }
    try:
        with ExitStack() as stack:
            direct = delayed = None
            if needs_servers:
                progress("starting Azurite and the Cosmos-compatible server")
                direct = start_direct(stack)
            if DELAYED_SECTIONS & set(arguments.only):
                progress(f"starting the delaying proxies (+{arguments.delay_ms:g} ms)")
                delayed = start_delayed(stack, direct, arguments.delay_ms)
            asyncio.run(measure_all(results, arguments, direct, delayed))
    except ServerNotInstalled as error:
        print(f"cannot start the storage servers: {error}", file=sys.stderr)
        return 2
    if "cold" in arguments.only:
        progress("cold starts")
        try:
            results.cold_starts = measure_cold_starts(arguments.cold_repetitions)
            show(cold_start_table(results, arguments.cold_repetitions))
        except RuntimeError as error:
            results.failures.append(f"cold start: {error}")
    show(targets_table(results))
    for failure in results.failures:
        print(f"FAILED {failure}")
    progress(f"done in {time.perf_counter() - started:.0f} s")
    return 1 if results.failures else 0


if __name__ == "__main__":
    sys.exit(main())
