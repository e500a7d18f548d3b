"""Timer functions fire on schedule, never overlap, survive failures and stop cleanly."""

import asyncio
from datetime import timedelta

import pytest
from azure.functions import TimerRequest as AbstractTimerRequest

from local_run.function_app import TimerFunction
from local_run.ncrontab import parse_ncrontab
from local_run.timer_runner import TimerRunner, utc_now

EVERY_SECOND = parse_ncrontab("*/1 * * * * *")


def timer(main, schedule=EVERY_SECOND, run_on_startup=False) -> TimerFunction:
    return TimerFunction(
        "tick_function", schedule, schedule.expression, run_on_startup, "timer", main
    )


async def run_for(runner: TimerRunner, seconds: float) -> None:
    runner.start()
    try:
        await asyncio.sleep(seconds)
    finally:
        await runner.stop()


async def run_until(runner: TimerRunner, done, timeout: float = 4) -> None:
    """Run until ``done()`` holds; fail after ``timeout`` seconds."""
    runner.start()
    try:
        async with asyncio.timeout(timeout):
            while not done():
                await asyncio.sleep(0.05)
    finally:
        await runner.stop()


@pytest.mark.asyncio
async def test_the_function_fires_on_each_occurrence_with_a_timer_request():
    fired = []

    async def main(timer):
        fired.append((utc_now(), timer))

    await run_until(TimerRunner([timer(main)]), lambda: len(fired) >= 2)

    (first_at, first), (second_at, second) = fired[:2]
    first_second, second_second = first_at.replace(microsecond=0), second_at.replace(microsecond=0)
    assert second_second - first_second == timedelta(seconds=1)
    for _, request in fired:
        assert isinstance(request, AbstractTimerRequest)
        assert request.past_due is False
    assert first.schedule_status["Last"] == "0001-01-01T00:00:00+00:00"
    assert second.schedule_status["Last"] == first_second.isoformat()
    assert first.schedule_status["Next"] == second_second.isoformat()


@pytest.mark.asyncio
async def test_runs_of_one_function_never_overlap():
    running, overlaps, runs = 0, 0, 0

    async def main(timer):
        nonlocal running, overlaps, runs
        running += 1
        overlaps += running > 1
        runs += 1
        await asyncio.sleep(1.5)
        running -= 1

    await run_for(TimerRunner([timer(main)]), 3.8)

    assert overlaps == 0
    assert runs == 2  # the occurrence during the first run is skipped, as in Azure


@pytest.mark.asyncio
async def test_a_failing_run_is_logged_and_the_schedule_goes_on(caplog):
    calls = []

    async def main(timer):
        calls.append(timer)
        if len(calls) == 1:
            raise RuntimeError("sweep failed")

    await run_until(TimerRunner([timer(main)]), lambda: len(calls) >= 2)

    assert "sweep failed" in caplog.text


@pytest.mark.asyncio
async def test_a_late_run_is_past_due():
    requests = []
    calls = iter([utc_now() - timedelta(seconds=10)])

    def clock():
        return next(calls, None) or utc_now()  # the first occurrence is 10 s late

    async def main(timer):
        requests.append(timer)

    await run_until(TimerRunner([timer(main)], clock), lambda: requests)

    assert requests[0].past_due is True


@pytest.mark.asyncio
async def test_run_on_startup_fires_at_once():
    requests = []

    async def main(timer):
        requests.append(timer)

    yearly = parse_ncrontab("0 0 0 1 1 *")
    await run_until(TimerRunner([timer(main, yearly, run_on_startup=True)]), lambda: requests)

    assert len(requests) == 1


@pytest.mark.asyncio
async def test_stop_cancels_a_run_in_progress():
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def main(timer):
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    runner = TimerRunner([timer(main, parse_ncrontab("0 0 0 1 1 *"), run_on_startup=True)])
    runner.start()
    await asyncio.wait_for(started.wait(), 1)
    await asyncio.wait_for(runner.stop(), 1)

    assert cancelled.is_set()
