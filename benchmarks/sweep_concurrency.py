"""Expiring many conversations on Cosmos: one at a time against the product's concurrency.

Every Cosmos round trip goes through the delaying proxy (+5 ms by default),
and every conversation carries the reference its last turn stored, so the
sweep sends each an expiry notice, to a real HTTP channel on 127.0.0.1 that
answers after 5 ms (as in benchmarks.notices). Two sweeps are compared:

- one at a time: ``sweep(concurrency=1)``, the notice sender 1 at a time;
- the product's defaults: ``SWEEP_CONCURRENCY`` records, ``NOTICE_CONCURRENCY``
  notices at once.

Each sweep gets a container of its own, all filled the same way before the
first sweep starts: ``due`` conversations idle for two windows and a tenth as
many fresh ones, written as the product's turn writes them
(``stamp_activity``, then the store's document format). The sweeps run in
rounds, alternating which mode goes first (ABBA), so both see the same
machine. After each sweep the container is queried again: nothing may be due,
every stale conversation must be a tombstone, every fresh one untouched.
"""

import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import List, Optional

from shared.lifecycle.notices import NOTICE_CONCURRENCY, NoticeSender
from shared.lifecycle.record import is_tombstone, legacy_cutoff, stamp_activity
from shared.lifecycle.rules import LifecycleRules
from shared.lifecycle.sweep import SWEEP_CONCURRENCY, sweep
from shared.settings import Settings
from shared.storage import StateStores
from shared.storage.cosmos_store import create_cosmos_stores
from tests.channel_stub import ChannelStub

from .cosmos_bulk_write import upsert_records
from .notices import CHANNEL_DELAY_SECONDS, conversation_reference, send_warm_up
from .process_cpu import cpu_seconds
from .request_count import count_http_requests
from .servers import StorageServers
from .sweeps import _keys
from .turns import _run_queue_wait_seconds

ONE_AT_A_TIME = "one at a time"
DEFAULTS = "product defaults"
MODES = {ONE_AT_A_TIME: (1, 1), DEFAULTS: (SWEEP_CONCURRENCY, NOTICE_CONCURRENCY)}
EXPIRE_AFTER_SECONDS = 3600  # long enough that the fresh records stay fresh during the run
FRESH_SHARE = 0.1
DATABASE = "sweep-concurrency"


@dataclass(frozen=True)
class ConcurrencyRun:
    """One sweep of a filled container, and what was left in it afterwards."""

    mode: str
    round: int
    due: int
    fresh: int
    seconds: float
    cpu_seconds: float  # this process: the sweep, its notices, and the channel's answers
    core_wait_seconds: Optional[float]  # the event loop's thread ready, but every core taken
    server_cpu_seconds: Optional[float]  # the Cosmos-compatible server and its proxy
    requests: Counter
    expired: int
    notices_sent: int
    channel_calls: int
    errors: int
    left_due: int
    tombstones: int
    fresh_left: int

    @property
    def sweep_concurrency(self) -> int:
        return MODES[self.mode][0]

    @property
    def notice_concurrency(self) -> int:
        return MODES[self.mode][1]

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    @property
    def complete(self) -> bool:
        """Every due conversation expired and told, nothing else touched."""
        return (
            self.expired == self.notices_sent == self.channel_calls == self.tombstones == self.due
            and self.errors == 0
            and self.left_due == 0
            and self.fresh_left == self.fresh
        )


@dataclass(frozen=True)
class SweepConcurrency:
    due: int
    runs: List[ConcurrencyRun]

    def seconds(self, mode: str) -> float:
        """The mean sweep time of ``mode`` over the rounds."""
        return statistics.mean(run.seconds for run in self.runs if run.mode == mode)

    @property
    def product_seconds(self) -> float:
        return self.seconds(DEFAULTS)

    @property
    def one_at_a_time_seconds(self) -> float:
        return self.seconds(ONE_AT_A_TIME)

    @property
    def ratio(self) -> float:
        """The product's sweep time as a share of the one-at-a-time one."""
        return self.product_seconds / self.one_at_a_time_seconds

    @property
    def complete(self) -> bool:
        return all(run.complete for run in self.runs)


def _filled_states(due: int, fresh: int, rules: LifecycleRules, service_url: str):
    """``(key, state)`` for each conversation, as the product's last turn left it."""
    now = time.time()
    for prefix, count, last_turn in (
        ("stale", due, now - 2 * EXPIRE_AFTER_SECONDS),
        ("fresh", fresh, now),
    ):
        for key in _keys(prefix, count):
            state = {"DialogState": {"dialog_stack": []}}
            reference = conversation_reference(service_url, key.rsplit("/", 1)[1])
            stamp_activity(state, last_turn, rules, reference, None)
            yield key, state


class _Container:
    """A fresh conversation container on the delayed server, with the product's store on it."""

    def __init__(self, servers: StorageServers):
        self.server_pids = servers.cosmos_pids
        container_id = f"expiring-{uuid.uuid4().hex[:12]}"
        self.settings = Settings(
            state_storage="cosmos",
            expire_after_seconds=EXPIRE_AFTER_SECONDS,
            cosmos_db_endpoint=servers.cosmos_endpoint,
            cosmos_db_auth_key=servers.cosmos_key,
            cosmos_db_database_id=DATABASE,
            cosmos_db_conversation_state_container_id=container_id,
            cosmos_db_user_state_container_id=f"{container_id}-users",
            cosmos_db_verify_tls=False,
        )
        self.rules = LifecycleRules.from_settings(self.settings)
        self.stores: StateStores = create_cosmos_stores(self.settings)
        self._servers = servers

    async def fill(self, due: int, fresh: int, service_url: str) -> None:
        await self.stores.conversation.read(["test/conversations/none"])  # creates the container
        await upsert_records(
            self._servers.cosmos_endpoint, self._servers.cosmos_key, DATABASE,
            self.settings.cosmos_db_conversation_state_container_id,
            _filled_states(due, fresh, self.rules, service_url),
        )

    async def count_left(self):
        """Still due now; tombstones; fresh conversations still as written."""
        now = time.time()
        left_due = await self._count(now)
        tombstones = fresh = 0
        later = now + self.rules.remember_expired_seconds + EXPIRE_AFTER_SECONDS
        async for record in self.stores.conversation.find_due(later, legacy_cutoff(later, self.rules)):
            if is_tombstone(record.fields):
                tombstones += 1
            elif "/fresh-" in record.key and record.fields.get("Lifecycle", {}).get("Reference"):
                fresh += 1
        return left_due, tombstones, fresh

    async def _count(self, now: float) -> int:
        return sum([1 async for _ in self.stores.conversation.find_due(now, legacy_cutoff(now, self.rules))])


def _spent(before: Optional[float], after: Optional[float]) -> Optional[float]:
    return None if before is None or after is None else after - before


async def _timed_sweep(
    container: _Container, channel: ChannelStub, mode: str, round_number: int, due: int, fresh: int
) -> ConcurrencyRun:
    sweep_concurrency, notice_concurrency = MODES[mode]
    sender = NoticeSender(container.settings, concurrency=notice_concurrency)
    try:
        await send_warm_up(sender, channel.url)
        calls_before = len(channel.calls)
        servers_before = cpu_seconds(container.server_pids)
        with count_http_requests() as requests:
            cpu, started = time.process_time(), time.perf_counter()
            core_wait = _run_queue_wait_seconds()
            report = await sweep(
                container.stores.conversation, container.rules, batch_size=due,
                step_timeout_seconds=container.settings.storage_timeout_seconds,
                notices=sender, concurrency=sweep_concurrency,
            )
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu
            core_wait = _spent(core_wait, _run_queue_wait_seconds())
        servers_after = cpu_seconds(container.server_pids)
        calls = len(channel.calls) - calls_before
    finally:
        await sender.aclose()
    requests.pop("setup", None)
    server_cpu = _spent(servers_before, servers_after)
    left_due, tombstones, fresh_left = await container.count_left()
    return ConcurrencyRun(
        mode, round_number, due, fresh, seconds, cpu, core_wait, server_cpu, Counter(requests),
        report.expired, report.notices_sent, calls, report.errors, left_due, tombstones, fresh_left,
    )


async def measure_sweep_concurrency(
    servers: StorageServers, due: int, rounds: int = 2, progress=lambda text: None
) -> SweepConcurrency:
    """Sweep ``due`` conversations in each mode, ``rounds`` times, alternating the order."""
    fresh = int(due * FRESH_SHARE)
    order = [
        (round_number, mode)
        for round_number in range(1, rounds + 1)
        for mode in (list(MODES) if round_number % 2 else list(MODES)[::-1])
    ]
    containers = [_Container(servers) for _ in order]
    runs: List[ConcurrencyRun] = []
    try:
        async with ChannelStub(delay_seconds=CHANNEL_DELAY_SECONDS) as channel:
            started = time.perf_counter()
            for container in containers:
                await container.fill(due, fresh, channel.url)
            progress(f"sweep-concurrency: {len(containers)} containers filled in "
                     f"{time.perf_counter() - started:.1f} s")
            for container, (round_number, mode) in zip(containers, order):
                run = await _timed_sweep(container, channel, mode, round_number, due, fresh)
                runs.append(run)
                progress(f"sweep-concurrency: {mode}, round {round_number}: {run.seconds:.2f} s, "
                         f"expired {run.expired}, notices {run.notices_sent}")
    finally:
        for container in containers:
            await container.stores.aclose()
    return SweepConcurrency(due, runs)

