"""Races on every backend, each repeated many times.

Two messages of one conversation at once, a sweep expiring or warning a
conversation while a turn of it runs, and two instances answering one
conversation.
"""

import asyncio
import dataclasses
import os

from shared.bot_application import BotApplication
from shared.expiring_bot import WELCOME_BACK
from shared.lifecycle.rules import LifecycleRules
from shared.lifecycle.sweep import sweep
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


async def stale_conversations(app, clock, name, settle):
    """REPEATS conversations at their first question, then the clock moved by ``settle``."""
    chats = [ChatDriver(app, f"{name}-{index}") for index in range(REPEATS)]
    for chat in chats:
        await chat.say("hi")
    clock.advance(settle)
    return chats


async def test_a_sweep_racing_a_turn_never_expires_the_conversation_the_turn_touched(
    settings_for_backend, state_stores
):
    clock = ShiftedClock()
    app = BotApplication(settings_for_backend, state_stores, clock)
    rules = LifecycleRules.from_settings(settings_for_backend)  # tombstones, as deployed
    # Every conversation is exactly due: the sweep lists them all, and each
    # one gets a message at the same moment.
    chats = await stale_conversations(app, clock, "expiry-race", rules.expire_after_seconds)
    race_started = clock()

    async def turn(chat):
        result = await chat.post(message("Car", chat.conversation_id))
        assert result.status == 200, result
        # The turn found the conversation expired, or its tombstone: either way
        # the user is welcomed back, never shown an error.
        assert texts(result) == [WELCOME_BACK, TRANSPORT_PROMPT]

    sweeping = asyncio.create_task(sweep(state_stores.conversation, rules, REPEATS, clock))
    await asyncio.gather(*(turn(chat) for chat in chats))
    report = await sweeping

    assert report.errors == 0
    keys = [f"test/conversations/{chat.conversation_id}" for chat in chats]
    stored = await state_stores.conversation.read(keys)
    assert sorted(stored) == sorted(keys)
    for record in stored.values():  # each the turn's fresh conversation, not a tombstone
        assert "Expired" not in record and record["LastAccessedTime"] >= race_started
    assert await chats[0].say("Car") == NAME_PROMPT


async def test_a_warning_racing_a_turn_costs_the_user_nothing(settings_for_backend, state_stores):
    settings = dataclasses.replace(settings_for_backend, warn_before_seconds=20)
    clock = ShiftedClock()
    app = BotApplication(settings, state_stores, clock)
    rules = LifecycleRules.from_settings(settings)
    chats = await stale_conversations(
        app, clock, "warning-race", rules.expire_after_seconds - rules.warn_before_seconds
    )

    async def turn(chat):
        result = await chat.post(message("Car", chat.conversation_id))
        assert (result.status, texts(result)) == (200, NAME_PROMPT)

    sweeping = asyncio.create_task(sweep(state_stores.conversation, rules, REPEATS, clock))
    await asyncio.gather(*(turn(chat) for chat in chats))
    report = await sweeping

    assert report.errors == 0
    for chat in chats[:20]:  # each answer was kept: the dialog goes on from the name
        assert (await chat.say("Ada"))[0] == "Thanks Ada"
    keys = [f"test/conversations/{chat.conversation_id}" for chat in chats]
    stored = await state_stores.conversation.read(keys)
    assert all(record["Lifecycle"]["Warned"] is False for record in stored.values())


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
