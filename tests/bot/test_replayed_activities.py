"""A channel that retries a slow turn delivers the same activity again: it runs once."""

import asyncio

from tests.chat_driver import message

KEY = "test/conversations/conversation-1"


async def test_an_activity_delivered_twice_runs_once(chat, stores):
    await chat.say("hi")
    answer = message("Car")
    first = await chat.post(answer)
    written = (await stores.conversation.read([KEY]))[KEY]["e_tag"]

    again = await chat.post(answer)

    assert [a["text"] for a in first.body["activities"]] == ["Please enter your name."]
    assert again.status == 200 and again.body["activities"] == []
    assert (await stores.conversation.read([KEY]))[KEY]["e_tag"] == written  # nothing written
    assert await chat.say("Ada") == ["Thanks Ada", "Would you like to give your age? (1) Yes or (2) No"]


async def test_two_deliveries_at_once_run_the_turn_once(chat):
    await chat.say("hi")
    answer = message("Car")
    results = await asyncio.gather(chat.post(answer), chat.post(answer))
    replies = sorted(len(result.body["activities"]) for result in results)
    assert replies == [0, 1]
    assert await chat.say("Ada") == ["Thanks Ada", "Would you like to give your age? (1) Yes or (2) No"]
