"""The sweeper function's one job: sweep the worker's conversation store."""

import logging

from .sweeper import SweepReport, sweep
from .worker import get_settings, get_state_stores

logger = logging.getLogger(__name__)


async def run_scheduled_sweep(past_due: bool = False) -> SweepReport:
    """Sweep stale conversations and log one summary line."""
    settings = get_settings()
    report = await sweep(
        get_state_stores().conversation,
        settings.expire_after_seconds,
        settings.sweep_batch_size,
        step_timeout_seconds=settings.storage_timeout_seconds,
    )
    logger.info("%s past_due=%s", report.summary(), past_due)
    return report
