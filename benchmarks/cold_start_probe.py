"""One cold start, in the fresh process that runs this file (see cold_start.py).

    python benchmarks/cold_start_probe.py SCENARIO

Prints one JSON line: milliseconds from the first line of this file to the
function module imported and to its first answer (a turn on memory storage, or
a sweep), the turn's replies, and which heavy modules were imported by the end. Run as a file, not with -m,
so that no package is imported before the clock starts.
"""

import time

STARTED = time.perf_counter()

import asyncio  # noqa: E402  (after the clock, on purpose: it is part of the cost)
import json  # noqa: E402
import sys  # noqa: E402

WATCHED_MODULES = (
    "botbuilder.dialogs",
    "botbuilder.integration.aiohttp",
    "aiohttp.web",
    "azure.cosmos",
    "azure.storage.blob",
    "jsonpickle",
)
TURN_BODY = json.dumps(
    {
        "type": "message",
        "id": "cold-1",
        "text": "hi",
        "channelId": "test",
        "serviceUrl": "http://127.0.0.1:9/",
        "from": {"id": "user-1", "name": "User"},
        "recipient": {"id": "bot", "name": "Bot"},
        "conversation": {"id": "conversation-1"},
        "deliveryMode": "expectReplies",
    }
).encode("utf-8")


def elapsed_ms() -> float:
    return 1000 * (time.perf_counter() - STARTED)


def replies(body: bytes) -> list:
    """The texts of an expectReplies answer."""
    return [activity.get("text") for activity in json.loads(body)["activities"]]


def floor() -> dict:
    import azure.functions  # noqa: F401
    import botbuilder.core  # noqa: F401
    import botbuilder.dialogs  # noqa: F401
    import botbuilder.schema  # noqa: F401

    return {"import_ms": elapsed_ms()}


def messages_function() -> dict:
    import azure.functions as func

    import messages_function as function

    imported = elapsed_ms()
    request = func.HttpRequest(
        "POST", "http://localhost/api/messages", headers={"Content-Type": "application/json"},
        params={}, body=TURN_BODY,
    )
    response = asyncio.run(function.main(request))
    answered = elapsed_ms()
    assert response.status_code == 200, response.get_body()
    return {"import_ms": imported, "first_result_ms": answered, "replies": replies(response.get_body())}


def stock() -> dict:
    import azure.functions  # noqa: F401  (a function app hosting it imports this too)
    from botbuilder.core import MemoryStorage

    from benchmarks.stock_bot import StockBotApp

    imported = elapsed_ms()
    storage = MemoryStorage()
    status, body = asyncio.run(StockBotApp(storage, storage, 300).handle(TURN_BODY))
    answered = elapsed_ms()
    assert status == 200, status
    return {"import_ms": imported, "first_result_ms": answered, "replies": replies(body)}


def sweeper_function() -> dict:
    from azure.functions.timer import TimerRequest

    import sweeper_function as function

    imported = elapsed_ms()
    asyncio.run(function.main(TimerRequest(past_due=False)))
    return {"import_ms": imported, "first_result_ms": elapsed_ms()}


SCENARIOS = {
    "floor": floor,
    "messages_function": messages_function,
    "stock": stock,
    "sweeper_function": sweeper_function,
}


if __name__ == "__main__":
    result = SCENARIOS[sys.argv[1]]()
    result["imported"] = [name for name in WATCHED_MODULES if name in sys.modules]
    print(json.dumps(result))
