"""The sweep: warn, expire and forget the conversations whose time has come.

Each run asks the store for the records due now (one indexed query on
Cosmos, a listing on Blob) and handles up to ``batch_size`` of them, a few at
a time, each store call bounded by ``step_timeout_seconds``:

- a conversation due for its warning is marked warned (its expiry does not
  move), then warned;
- an expired conversation becomes a tombstone (or is deleted, when
  RememberExpiredSeconds is 0), then gets the expiry notice;
- a tombstone whose time has come is deleted.

Every write carries the e_tag seen when the record was listed, so a
conversation a turn touched meanwhile is skipped and gets no message. State
changes first, the message goes second; a message that cannot be delivered is
counted and never retried by a later sweep.
"""

import asyncio
import logging
import time
from contextlib import aclosing
from dataclasses import dataclass
from typing import Optional

from ..clock import Clock, system_clock
from ..expiry_log import log_expiry, shorten_conversation_id, split_conversation_key
from ..storage.sweepable import DueRecord, SweepableStore, UnreadableRecord
from .record import (
    Step,
    due_step,
    idle_if_expired,
    legacy_cutoff,
    reference_of,
    tombstone,
    warned_fields,
)
from .notices import NoticeResult, NoticeSender
from .rules import LifecycleRules

SWEEP_CONCURRENCY = 16  # records handled at once
MESSAGE_BUDGET_SECONDS = 20.0  # how long a run may keep retrying throttled messages

logger = logging.getLogger("shared.sweeper")


@dataclass
class SweepReport:
    """What one sweep did; logged as a single summary line."""

    scanned: int = 0
    warned: int = 0
    expired: int = 0
    removed: int = 0
    skipped: int = 0
    malformed: int = 0
    notices_sent: int = 0
    notices_failed: int = 0
    errors: int = 0
    duration_seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"sweep finished scanned={self.scanned} warned={self.warned} "
            f"expired={self.expired} removed={self.removed} skipped={self.skipped} "
            f"malformed={self.malformed} notices_sent={self.notices_sent} "
            f"notices_failed={self.notices_failed} errors={self.errors} "
            f"duration_ms={self.duration_seconds * 1000:.0f}"
        )


async def sweep(
    store: SweepableStore,
    rules: LifecycleRules,
    batch_size: int,
    clock: Clock = system_clock,
    step_timeout_seconds: float = 10.0,
    notices: Optional[NoticeSender] = None,
    concurrency: int = SWEEP_CONCURRENCY,
) -> SweepReport:
    """Warn, expire and remove up to ``batch_size`` due records of ``store``.

    ``notices`` sends the expiry notice and the warning; without one, none is sent.
    Records beyond the batch are left for the next run. A failing listing
    ends the run; a failing record is counted and the others go on. Nothing
    is written without its e_tag check, so the next run finishes the job.

    A record the store cannot read is counted as ``malformed``, logged by a
    hash of its name, and left in place: the sweep cannot tell whose it is or
    whether it is conversation state at all, and deleting data nobody has
    looked at cannot be undone. It does not count towards ``batch_size``
    (else a batch's worth of them would hide the due records behind them),
    the conversation it belonged to starts over and overwrites it on its
    next message, and Blob marks it so later sweeps neither download nor log
    it again.
    """
    started = time.perf_counter()
    report = SweepReport()
    now = clock()
    run = _SweepRun(store, rules, now, report, step_timeout_seconds, notices)
    slots = asyncio.Semaphore(concurrency)
    handling = []

    async def handle(record: DueRecord) -> None:
        try:
            await run.handle(record)
        except Exception as error:  # pylint: disable=broad-except
            report.errors += 1
            logger.error("sweep step failed: %s", type(error).__name__, exc_info=error)
        finally:
            slots.release()

    try:
        async with aclosing(store.find_due(now, legacy_cutoff(now, rules))) as due_records:
            while report.scanned < batch_size:
                try:
                    record = await asyncio.wait_for(anext(due_records), step_timeout_seconds)
                except StopAsyncIteration:
                    break
                if isinstance(record, UnreadableRecord):
                    report.malformed += 1
                    _log_unreadable(record)
                    continue
                report.scanned += 1
                await slots.acquire()
                handling.append(asyncio.create_task(handle(record)))
    except Exception as error:  # pylint: disable=broad-except
        report.errors += 1
        logger.error("sweep stopped by a storage error: %s", type(error).__name__, exc_info=error)
    await asyncio.gather(*handling)
    report.duration_seconds = time.perf_counter() - started
    return report


class _SweepRun:
    """What one run needs to handle each due record."""

    def __init__(self, store, rules, now, report, step_timeout_seconds, notices):
        self._store = store
        self._rules = rules
        self._now = now
        self._report = report
        self._step_timeout = step_timeout_seconds
        self._notices = notices
        self._message_deadline = time.monotonic() + MESSAGE_BUDGET_SECONDS

    async def handle(self, record: DueRecord) -> None:
        step = due_step(record.fields, self._now, self._rules)
        if step is Step.REMOVE:
            if await self._bounded(self._store.delete_if_unchanged(record.key, record.e_tag)):
                self._report.removed += 1
            else:
                self._report.skipped += 1
        elif step is Step.EXPIRE:
            await self._expire(record)
        elif step is Step.WARN:
            await self._warn(record)

    async def _expire(self, record: DueRecord) -> None:
        idle = idle_if_expired(record.fields, self._now, self._rules) or 0.0
        if self._rules.remember_expired_seconds:
            stone = tombstone(record.fields, self._now, self._rules, record.e_tag)
            done = self._store.replace_if_unchanged(record.key, record.e_tag, stone)
        else:
            done = self._store.delete_if_unchanged(record.key, record.e_tag)
        if not await self._bounded(done):
            self._report.skipped += 1
            return
        self._report.expired += 1
        channel_id, conversation_id = split_conversation_key(record.key)
        log_expiry(channel_id, conversation_id, idle, "sweep")
        await self._message(record, self._rules.expiry_notice_text)

    async def _warn(self, record: DueRecord) -> None:
        fields = warned_fields(record.fields, record.e_tag)
        if not await self._bounded(self._store.update_if_unchanged(record.key, record.e_tag, fields)):
            self._report.skipped += 1
            return
        self._report.warned += 1
        await self._message(record, self._rules.warning_text)

    async def _message(self, record: DueRecord, text: str) -> None:
        reference = reference_of(record.fields)
        if not text or self._notices is None or reference is None:
            return
        result = await self._notices.send(reference, text, self._message_deadline)
        if result is NoticeResult.SENT:
            self._report.notices_sent += 1
        else:
            self._report.notices_failed += 1

    async def _bounded(self, store_call) -> bool:
        return await asyncio.wait_for(store_call, self._step_timeout)


def _log_unreadable(record: UnreadableRecord) -> None:
    """One warning the first time a record is found unreadable; names only a hash."""
    if not record.reported:
        logger.warning(
            "sweep skipped an unreadable record=%s reason=%s",
            shorten_conversation_id(record.name),
            record.reason,
        )
