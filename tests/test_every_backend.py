"""The bot's behaviour on every backend: a conversation, expiry, and the sweep.

Runs on memory, on Blob against Azurite, on Cosmos against the
Cosmos-compatible server, and on a real Cosmos account when configured.
"""

from shared.bot_application import BotApplication
from shared.expiring_bot import WELCOME_BACK
from shared.lifecycle.sweep import sweep
from tests.sweeping import deleting_rules
from tests.chat_driver import ChatDriver, ShiftedClock

DIALOG = ["hi", "Bicycle", "Ada", "yes", "37", "skip", "yes"]
TRANSPORT_PROMPT = "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"


def bot(settings, stores):
    # Blob listing compares against the server's clock, so the test clock
    # follows real time and only skips ahead.
    clock = ShiftedClock()
    return BotApplication(settings, stores, clock), clock


async def profile_of(stores, user_key="test/users/user-1"):
    return ((await stores.user.read([user_key])).get(user_key) or {}).get("UserProfile")


async def test_a_whole_conversation_keeps_the_profile(settings_for_backend, state_stores):
    app, _ = bot(settings_for_backend, state_stores)
    chat = ChatDriver(app, "whole/conversation?#1")
    for text in DIALOG[:-1]:
        await chat.say(text)
    assert await chat.say("yes") == [
        "I have your mode of transport as Bicycle and your name as Ada and your age as 37 "
        "and no profile picture."
    ]
    assert await profile_of(state_stores) == {
        "transport": "Bicycle",
        "name": "Ada",
        "age": 37,
        "picture": None,
    }


async def test_an_idle_conversation_starts_over_and_keeps_the_profile(
    settings_for_backend, state_stores
):
    app, clock = bot(settings_for_backend, state_stores)
    chat = ChatDriver(app, "idle-conversation")
    for text in DIALOG:
        await chat.say(text)
    await chat.say("hi again")
    await chat.say("Car")
    clock.advance(settings_for_backend.expire_after_seconds - 10)
    assert await chat.say("Grace") == ["Thanks Grace", "Would you like to give your age? (1) Yes or (2) No"]
    clock.advance(settings_for_backend.expire_after_seconds)
    assert await chat.say("no") == [WELCOME_BACK, TRANSPORT_PROMPT]
    assert (await profile_of(state_stores))["name"] == "Ada"


async def test_the_sweep_deletes_only_stale_conversations(settings_for_backend, state_stores):
    app, clock = bot(settings_for_backend, state_stores)
    stale = ChatDriver(app, "stale-conversation")
    for text in DIALOG:
        await stale.say(text)
    clock.advance(settings_for_backend.expire_after_seconds)
    fresh = ChatDriver(app, "fresh-conversation")
    await fresh.say("hi")

    report = await sweep(state_stores.conversation, deleting_rules(settings_for_backend.expire_after_seconds), 100, clock)

    keys = ["test/conversations/stale-conversation", "test/conversations/fresh-conversation"]
    assert list(await state_stores.conversation.read(keys)) == keys[1:]
    assert (report.expired, report.skipped, report.errors) == (1, 0, 0)
    assert (await profile_of(state_stores))["name"] == "Ada"
    assert await stale.say("hello") == [TRANSPORT_PROMPT]
    assert await fresh.say("Car") == ["Please enter your name."]
