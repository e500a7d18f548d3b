"""The sweeper function's one job: sweep the worker's conversation store."""

import logging

from .lifecycle.rules import LifecycleRules
from .lifecycle.sweep import SweepReport, sweep
from .worker import get_notice_sender, get_settings, get_state_stores

logger = logging.getLogger(__name__)


async def run_scheduled_sweep(past_due: bool = False) -> SweepReport:
    """Warn, expire and remove due conversations, and log one summary line."""
    settings = get_settings()
    report = await sweep(
        get_state_stores().conversation,
        LifecycleRules.from_settings(settings),
        settings.sweep_batch_size,
        step_timeout_seconds=settings.storage_timeout_seconds,
        notices=get_notice_sender(),
    )
    logger.info("%s past_due=%s", report.summary(), past_due)
    return report
