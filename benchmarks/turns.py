"""Driving scripted conversations through a bot and timing every turn.

``concurrency`` conversations run at once, each one turn after another, the
way independent users talk to one worker. CPU is the whole bot process's
(``time.process_time``, so the storage SDKs' threads count too); the storage
servers' and proxies' CPU is read from /proc and reported apart.
"""

import asyncio
import gc
import time
from dataclasses import dataclass
from typing import List, Optional, Sequence

from .conversation import TURNS_PER_CONVERSATION, check_reply, conversation_bodies
from .plumbing import Handler
from .process_cpu import cpu_seconds

WARM_UP_CONVERSATIONS = 2


def _percentile(values: Sequence[float], percentile: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(percentile / 100 * len(ordered)))]


@dataclass(frozen=True)
class TurnRun:
    """What one measured batch of conversations took."""

    turns: int
    wall_seconds: float
    cpu_seconds: float
    latencies: List[float]
    server_cpu_seconds: Optional[float] = None
    loop_blocked_seconds: Optional[float] = None
    core_wait_seconds: Optional[float] = None

    @property
    def turns_per_second(self) -> float:
        return self.turns / self.wall_seconds

    @property
    def cpu_ms_per_turn(self) -> float:
        return self._ms_per_turn(self.cpu_seconds)

    @property
    def server_cpu_ms_per_turn(self) -> Optional[float]:
        return self._ms_per_turn(self.server_cpu_seconds)

    @property
    def loop_blocked_ms_per_turn(self) -> Optional[float]:
        return self._ms_per_turn(self.loop_blocked_seconds)

    @property
    def core_wait_ms_per_turn(self) -> Optional[float]:
        return self._ms_per_turn(self.core_wait_seconds)

    def latency_ms(self, percentile: float) -> float:
        return 1000 * _percentile(self.latencies, percentile)

    def _ms_per_turn(self, seconds: Optional[float]) -> Optional[float]:
        """``seconds`` spread over the run's turns, in ms; None when not measured."""
        return None if seconds is None else 1000 * seconds / self.turns


def _run_queue_wait_seconds() -> Optional[float]:
    """Time this thread has spent ready to run but waiting for a core (Linux schedstat)."""
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as schedstat:
            return int(schedstat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


class LoopAccounting:
    """Splits the event loop thread's wall time: computing, idle, waiting for a core, blocked.

    Idle is time spent in the selector waiting for I/O; computing is the
    thread's CPU time; waiting for a core is the kernel's run-queue time (this
    machine is shared and has two cores). What is left is time the loop
    could run nothing while not computing either: a synchronous call waiting
    on a socket. It wraps the loop's selector, an asyncio internal, so it
    reports nothing on other event loops.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self._selector = getattr(loop, "_selector", None)
        self._select = None
        self.idle_seconds = 0.0
        self._started = (0.0, 0.0, None)
        self.blocked_seconds: Optional[float] = None
        self.core_wait_seconds: Optional[float] = None

    def start(self) -> None:
        if self._selector is None:
            return
        select = self._select = self._selector.select

        def timed_select(timeout=None):
            started = time.perf_counter()
            try:
                return select(timeout)
            finally:
                self.idle_seconds += time.perf_counter() - started

        self._selector.select = timed_select
        self._started = (time.perf_counter(), time.thread_time(), _run_queue_wait_seconds())

    def stop(self) -> None:
        if self._select is None:
            return
        wall_started, cpu_started, wait_started = self._started
        wall = time.perf_counter() - wall_started
        cpu = time.thread_time() - cpu_started
        wait_finished = _run_queue_wait_seconds()
        del self._selector.select  # back to the selector class's own method
        if wait_started is not None and wait_finished is not None:
            self.core_wait_seconds = wait_finished - wait_started
        self.blocked_seconds = max(0.0, wall - cpu - self.idle_seconds - (self.core_wait_seconds or 0))


async def run_conversations(
    handle: Handler,
    run_id: str,
    conversations: int,
    concurrency: int,
    server_pids: Sequence[int] = (),
) -> TurnRun:
    """Run ``conversations`` full dialogs, ``concurrency`` at a time, and time them.

    A turn's latency runs from its request joining the event loop's queue
    (one yield, as a request arriving at a server) to its response, so a bot
    that never yields makes the other conversations' turns wait, as it would
    make their HTTP requests wait.
    """
    bodies = [conversation_bodies(run_id, number) for number in range(conversations)]
    waiting = iter(bodies)
    latencies: List[float] = []

    async def talk():
        for conversation in waiting:  # one iterator shared by all talkers
            for turn, body in enumerate(conversation):
                started = time.perf_counter()
                await asyncio.sleep(0)  # queued behind whatever the loop is running
                status, reply = await handle(body)
                latencies.append(time.perf_counter() - started)
                check_reply(turn, status, reply)

    accounting = LoopAccounting(asyncio.get_running_loop())
    gc.collect()
    server_started = cpu_seconds(server_pids)
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    accounting.start()
    await asyncio.gather(*(talk() for _ in range(concurrency)))
    accounting.stop()
    wall = time.perf_counter() - wall_started
    cpu = time.process_time() - cpu_started
    server_finished = cpu_seconds(server_pids)
    server_cpu = None
    if server_pids and server_started is not None and server_finished is not None:
        server_cpu = server_finished - server_started
    return TurnRun(
        conversations * TURNS_PER_CONVERSATION, wall, cpu, latencies, server_cpu,
        accounting.blocked_seconds, accounting.core_wait_seconds,
    )


async def measure(
    handle: Handler,
    run_id: str,
    conversations: int,
    concurrency: int,
    server_pids: Sequence[int] = (),
) -> TurnRun:
    """Warm up (clients built, containers created), then run the measured batch."""
    await run_conversations(handle, f"{run_id}-warm", WARM_UP_CONVERSATIONS, 1)
    return await run_conversations(handle, run_id, conversations, concurrency, server_pids)
