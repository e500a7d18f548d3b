"""Timer trigger: deletes conversation state that has gone stale."""

import azure.functions as func

from shared.scheduled_sweep import run_scheduled_sweep
from shared.worker import get_settings

get_settings()  # a bad setting stops the function from loading, naming the setting


async def main(timer: func.TimerRequest) -> None:
    await run_scheduled_sweep(past_due=timer.past_due)
