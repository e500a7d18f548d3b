"""Races on every backend, each repeated many times.

Two messages of one conversation at once, and a sweep racing a turn of the
conversation it is about to delete.
"""

import asyncio
import os

from shared.bot_application import BotApplication
from shared.expiring_bot import WELCOME_BACK
from shared.sweeper import sweep
from shared.turn_errors import APOLOGY
from tests.chat_driver import ChatDriver, ShiftedClock, message

REPEATS = int(os.environ.get("RACE_REPEATS", "200"))
TRANSPORT_PROMPT = "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"
NAME_PROMPT = ["Please enter your name."]


def texts(result):
    return [activity["text"] for activity in result.body["activities"]]


async def test_two_messages_of_one_conversation_at_once(settings_for_backend, state_stores):
    app = BotApplication(settings_for_backend, state_stores, ShiftedClock())

    async def race(index):
        chat = ChatDriver(app, f"two-at-once-{index}")
        assert await chat.say("hi") == [TRANSPORT_PROMPT]
        first, second = await asyncio.gather(
            chat.post(message("Car", chat.conversation_id)),
            chat.post(message("Bus", chat.conversation_id)),
        )
        assert (first.status, second.status) == (200, 200)
        # One of them answered the transport question, the other the name.
        replies = sorted([texts(first), texts(second)])
        assert replies == sorted(
            [NAME_PROMPT, ["Thanks Bus", "Would you like to give your age? (1) Yes or (2) No"]]
        ) or replies == sorted(
            [NAME_PROMPT, ["Thanks Car", "Would you like to give your age? (1) Yes or (2) No"]]
        )
        # Neither update was lost: the dialog moved on by two steps.
        assert await chat.say("no") == [
            "No age given.",
            "Please attach a profile picture (or type any message to skip).",
        ]

    for batch in range(0, REPEATS, 20):
        await asyncio.gather(*(race(index) for index in range(batch, min(batch + 20, REPEATS))))


async def test_a_sweep_racing_a_turn_never_deletes_the_conversation_the_turn_touched(
    settings_for_backend, state_stores
):
    expire = settings_for_backend.expire_after_seconds
    clock = ShiftedClock()
    app = BotApplication(settings_for_backend, state_stores, clock)
    chats = [ChatDriver(app, f"sweep-race-{index}") for index in range(REPEATS)]
    for chat in chats:
        await chat.say("hi")
    # Every conversation is now exactly stale: the sweep lists them all, and
    # each one gets a message at the same moment.
    clock.advance(expire)
    race_started = clock()

    async def turn(chat):
        result = await chat.post(message("Car", chat.conversation_id))
        assert result.status == 200, result
        # Either the turn saw the stale state (and restarted), or the sweep
        # had deleted it first (and the turn began afresh); never an error.
        assert texts(result) in ([WELCOME_BACK, TRANSPORT_PROMPT], [TRANSPORT_PROMPT])

    sweeping = asyncio.create_task(sweep(state_stores.conversation, expire, REPEATS, clock))
    await asyncio.gather(*(turn(chat) for chat in chats))
    report = await sweeping

    assert report.errors == 0
    keys = [f"test/conversations/{chat.conversation_id}" for chat in chats]
    stored = await state_stores.conversation.read(keys)
    assert sorted(stored) == sorted(keys), "a conversation touched within the window was deleted"
    assert all(record["LastAccessedTime"] >= race_started for record in stored.values())


async def test_two_instances_answering_one_conversation_at_once_lose_no_update(
    settings_for_backend, state_stores
):
    """Two workers cannot share a lock: the later save is refused, never lost."""
    clock = ShiftedClock()
    instances = [BotApplication(settings_for_backend, state_stores, clock) for _ in range(2)]
    outcomes = {"both answered": 0, "one apologised": 0}

    async def race(index):
        conversation_id = f"two-instances-{index}"
        first, second = (ChatDriver(app, conversation_id) for app in instances)
        assert await first.say("hi") == [TRANSPORT_PROMPT]
        results = await asyncio.gather(
            first.post(message("Car", conversation_id)), second.post(message("Bus", conversation_id))
        )
        answered = [result for result in results if result.status == 200]
        for result in results:
            assert result.status in (200, 503), result
            if result.status == 503:
                assert texts(result) == [APOLOGY]
        assert answered, "at least one of the two turns must succeed"
        if len(answered) == 2:
            outcomes["both answered"] += 1
            assert await first.say("no") == [
                "No age given.",
                "Please attach a profile picture (or type any message to skip).",
            ]
        else:
            outcomes["one apologised"] += 1
            # The stored state is the answered turn's: the name prompt.
            assert texts(answered[0]) == NAME_PROMPT
            assert await first.say("Ada") == [
                "Thanks Ada",
                "Would you like to give your age? (1) Yes or (2) No",
            ]

    for batch in range(0, REPEATS, 20):
        await asyncio.gather(*(race(index) for index in range(batch, min(batch + 20, REPEATS))))
    assert sum(outcomes.values()) == REPEATS
