"""Entry points run like the Python worker runs them, and every call is logged."""

import asyncio
import logging
import threading

import pytest

from local_run.invocation import invoke


@pytest.mark.asyncio
async def test_an_async_main_runs_on_the_event_loop():
    async def main(value):
        return (value, threading.current_thread() is threading.main_thread())

    assert await invoke("f", main, {"value": 1}) == (1, True)


@pytest.mark.asyncio
async def test_a_plain_main_runs_in_a_worker_thread():
    def main(value):
        return (value, threading.current_thread() is threading.main_thread())

    assert await invoke("f", main, {"value": 1}) == (1, False)


@pytest.mark.asyncio
async def test_success_and_failure_are_logged_with_the_function_name(caplog):
    async def failing():
        raise ValueError("bad")

    caplog.set_level(logging.INFO, logger="local_run.invocation")
    await invoke("good_function", asyncio.sleep, {"delay": 0})
    with pytest.raises(ValueError):
        await invoke("bad_function", failing, {})

    messages = [record.getMessage() for record in caplog.records]
    assert messages[0].startswith("Executed 'good_function' (Succeeded")
    assert messages[1].startswith("Executed 'bad_function' (Failed")
    assert caplog.records[1].exc_info is not None
