"""A fresh worker process: it loads messages_function, then answers turns.

    python -m tests.cold_worker

What a cold worker imports can only be seen in a process that has imported
nothing yet, so tests run this in a process of its own (as the Functions host
runs one Python worker per process). Prints one JSON line: the replies'
texts, and which of ``WATCHED_MODULES`` the process had imported by the end.
"""

import asyncio
import json
import sys

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


def main() -> None:
    import messages_function  # pylint: disable=import-outside-toplevel

    replies = asyncio.run(answer(messages_function, "hi", "cold-1"))
    print(json.dumps({
        "replies": replies,
        "modules": [name for name in WATCHED_MODULES if name in sys.modules],
    }))


if __name__ == "__main__":
    main()
