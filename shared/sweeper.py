"""Deleting conversation state that has been idle for ExpireAfterSeconds or more."""

import asyncio
import logging
import time
from contextlib import aclosing
from dataclasses import dataclass

from .clock import Clock, system_clock
from .expiry_log import log_expiry, shorten_conversation_id, split_conversation_key
from .storage.sweepable import SweepableStore, UnreadableRecord

logger = logging.getLogger(__name__)


@dataclass
class SweepReport:
    """What one sweep did; logged as a single summary line."""

    scanned: int = 0
    expired: int = 0
    deleted: int = 0
    skipped: int = 0
    malformed: int = 0
    errors: int = 0
    duration_seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"sweep finished scanned={self.scanned} expired={self.expired} "
            f"deleted={self.deleted} skipped={self.skipped} malformed={self.malformed} "
            f"errors={self.errors} duration_ms={self.duration_seconds * 1000:.0f}"
        )


async def sweep(
    store: SweepableStore,
    expire_after_seconds: int,
    batch_size: int,
    clock: Clock = system_clock,
    step_timeout_seconds: float = 10.0,
) -> SweepReport:
    """Delete up to ``batch_size`` stale conversations from ``store``.

    Each delete carries the e_tag seen when the record was listed, so a
    conversation a turn touched meanwhile is skipped, never deleted. Stale
    records beyond the batch are left for the next run, which finds them
    first because deleted ones no longer match. A storage error ends the run
    early, as does a listing page or delete that takes longer than
    ``step_timeout_seconds``; nothing is deleted without its e_tag check, so
    the next run simply finishes the job.

    A record the store cannot read is counted as ``malformed``, logged by a
    hash of its name, and left in place. It is not deleted even when old: the
    sweep cannot tell whose it is or whether it is conversation state at all
    (another app's blob, a newer bot's format), and deleting data nobody has
    looked at cannot be undone. It does not hold the sweep up: it does not
    count towards ``batch_size`` (else a batch's worth of them would hide the
    stale records behind them for good), the conversation it belonged to
    starts over and overwrites it on its next message, and Blob marks it so
    later sweeps neither download nor log it again; an operator sees the
    count on every run.
    """
    started = time.perf_counter()
    report = SweepReport()
    now = clock()
    cutoff = now - expire_after_seconds
    try:
        async with aclosing(store.find_stale(cutoff)) as stale_records:
            while report.scanned < batch_size:
                try:
                    record = await asyncio.wait_for(anext(stale_records), step_timeout_seconds)
                except StopAsyncIteration:
                    break
                if isinstance(record, UnreadableRecord):
                    report.malformed += 1
                    _log_unreadable(record)
                    continue
                report.scanned += 1
                if record.last_accessed is None or record.last_accessed > cutoff:
                    continue
                report.expired += 1
                deleted = await asyncio.wait_for(
                    store.delete_if_unchanged(record.key, record.e_tag), step_timeout_seconds
                )
                if deleted:
                    report.deleted += 1
                    channel_id, conversation_id = split_conversation_key(record.key)
                    log_expiry(channel_id, conversation_id, now - record.last_accessed, "sweep")
                else:
                    report.skipped += 1
    except Exception as error:  # pylint: disable=broad-except
        report.errors += 1
        logger.error("sweep stopped by a storage error: %s", type(error).__name__, exc_info=error)
    report.duration_seconds = time.perf_counter() - started
    return report


def _log_unreadable(record: UnreadableRecord) -> None:
    """One warning the first time a record is found unreadable; names only a hash."""
    if not record.reported:
        logger.warning(
            "sweep skipped an unreadable record=%s reason=%s",
            shorten_conversation_id(record.name),
            record.reason,
        )
