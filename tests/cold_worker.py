"""A fresh worker process: it loads messages_function, then answers turns.

    python -m tests.cold_worker

What a cold worker imports, and how long its first turn holds the event loop,
can only be seen in a process that has imported nothing yet, so tests run this
in a process of its own (the Functions host runs one Python worker per
process, with one event loop). On that loop, a first turn starts, and while it
runs a second invocation (another conversation's first turn) starts too.
Prints one JSON line: the replies' texts, when each was answered and the
longest the loop went without a tick (ms from the first turn's start), the
garbage collector's state once the function loaded, and which of
``WATCHED_MODULES`` the process had imported by the end.
"""

import asyncio
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.loop_ticks import loop_ticks

REPO_ROOT = Path(__file__).resolve().parents[1]

WATCHED_MODULES = (
    "aiohttp.web",
    "botbuilder.integration.aiohttp",
    "botframework.streaming",
)


def activity(text: str, conversation_id: str) -> bytes:
    """A message as a channel posts it, asking for the replies in the response."""
    return json.dumps(
        {
            "type": "message",
            "text": text,
            "channelId": "test",
            "serviceUrl": "http://127.0.0.1:9/",
            "from": {"id": f"user-{conversation_id}", "name": "User"},
            "recipient": {"id": "bot", "name": "Bot"},
            "conversation": {"id": conversation_id},
            "deliveryMode": "expectReplies",
        }
    ).encode("utf-8")


async def answer(function, text: str, conversation_id: str) -> list:
    """The texts the function answers ``text`` with, as the host would call it."""
    import azure.functions as func  # pylint: disable=import-outside-toplevel

    request = func.HttpRequest(
        "POST", "http://localhost/api/messages", headers={"Content-Type": "application/json"},
        params={}, body=activity(text, conversation_id),
    )
    response = await function.main(request)
    assert response.status_code == 200, response.get_body()
    return [reply.get("text") for reply in json.loads(response.get_body())["activities"]]


async def first_turns(function) -> dict:
    """A cold first turn and, while it runs, another conversation's first turn."""
    async with loop_ticks() as ticks:
        started = time.perf_counter()
        first = asyncio.create_task(answer(function, "hi", "cold-1"))
        await asyncio.sleep(0)  # the first turn is under way
        second_replies = await answer(function, "hi", "cold-2")
        second_answered = time.perf_counter()
        first_replies = await first
        first_answered = time.perf_counter()
    return {
        "replies": first_replies,
        "second_replies": second_replies,
        "first_answered_ms": 1000 * (first_answered - started),
        "second_answered_ms": 1000 * (second_answered - started),
        "longest_loop_gap_ms": 1000 * ticks.longest_gap,
    }


LATER_TURNS = ("2", "Bob", "yes", "42", "skip", "yes")  # "2": the second transport


async def later_turns(function) -> dict:
    """The first conversation goes on: its prompts recognize what the user says."""
    async with loop_ticks() as ticks:
        replies = [await answer(function, text, "cold-1") for text in LATER_TURNS]
    return {"later_replies": replies, "later_longest_loop_gap_ms": 1000 * ticks.longest_gap}


async def recognized_time(text: str) -> list:
    """What botbuilder's DateTimePrompt, which this bot never uses, recognizes in ``text``."""
    # pylint: disable=import-outside-toplevel
    from botbuilder.core import TurnContext
    from botbuilder.core.adapters import TestAdapter
    from botbuilder.dialogs.prompts import DateTimePrompt
    from botbuilder.schema import Activity

    context = TurnContext(TestAdapter(), Activity(type="message", text=text, locale="en-us"))
    result = await DateTimePrompt("when").on_recognize(context, {}, None)
    return [resolution.timex for resolution in result.value] if result.succeeded else []


def deferred_packages() -> dict:
    """Each package the worker defers: "deferred" until its code has run, else "loaded"."""
    from shared.deferred_packages import UNUSED_PACKAGES, is_deferred  # pylint: disable=import-outside-toplevel

    return {
        package.name: "deferred" if is_deferred(sys.modules[package.name]) else "loaded"
        for package in UNUSED_PACKAGES
    }


async def all_turns(function) -> dict:
    from shared.worker import close_worker  # pylint: disable=import-outside-toplevel

    try:
        result = await first_turns(function)
        result["packages_after_first_turns"] = deferred_packages()
        result.update(await later_turns(function))
        result["recognized_time"] = await recognized_time("at 5pm")
        result["packages_at_the_end"] = deferred_packages()
        return result
    finally:
        await close_worker()


def main() -> None:
    import messages_function  # pylint: disable=import-outside-toplevel

    loaded = {"collector_on": gc.isenabled(), "frozen_objects": gc.get_freeze_count()}
    result = asyncio.run(all_turns(messages_function))
    result.update(loaded)
    result["modules"] = [name for name in WATCHED_MODULES if name in sys.modules]
    print(json.dumps(result))


def run_in_fresh_process(module: str = __name__) -> dict:
    """The JSON line ``python -m module`` (by default, this one) prints, in a process
    of its own with local settings and memory storage."""
    from shared.hosting import AZURE_HOST_VARIABLES  # pylint: disable=import-outside-toplevel

    environment = {
        name: value for name, value in os.environ.items()
        if name not in AZURE_HOST_VARIABLES and not name.startswith("MicrosoftApp")
    }
    environment["StateStorage"] = "memory"
    finished = subprocess.run(
        [sys.executable, "-m", module], cwd=REPO_ROOT, capture_output=True,
        text=True, check=True, env=environment,
    )
    return json.loads(finished.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
