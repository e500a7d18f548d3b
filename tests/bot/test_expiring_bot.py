"""On-message expiry: the boundary, what survives, and what it costs in storage."""

import pytest

from shared.expiring_bot import WELCOME_BACK
from shared.storage.memory_store import MemoryStore
from shared.lifecycle.sweep import sweep
from tests.sweeping import deleting_rules
from tests.bot.conftest import EXPIRE_AFTER_SECONDS

TRANSPORT_PROMPT = "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"
CONVERSATION_KEY = "test/conversations/conversation-1"
USER_KEY = "test/users/user-1"


async def test_a_message_exactly_at_the_window_starts_over(chat, clock):
    await chat.say("hi")
    await chat.say("Car")
    clock.advance(EXPIRE_AFTER_SECONDS)
    assert await chat.say("Ada") == [WELCOME_BACK, TRANSPORT_PROMPT]


async def test_a_message_one_second_before_the_window_goes_on(chat, clock):
    await chat.say("hi")
    await chat.say("Car")
    clock.advance(EXPIRE_AFTER_SECONDS - 1)
    assert await chat.say("Ada") == ["Thanks Ada", "Would you like to give your age? (1) Yes or (2) No"]


async def test_each_message_restarts_the_window(chat, clock):
    await chat.say("hi")
    clock.advance(EXPIRE_AFTER_SECONDS - 1)
    await chat.say("Car")
    clock.advance(EXPIRE_AFTER_SECONDS - 1)
    assert await chat.say("Ada") == ["Thanks Ada", "Would you like to give your age? (1) Yes or (2) No"]


async def test_the_profile_survives_expiry(chat, clock, stores):
    for text in ["hi", "Bicycle", "Grace", "no", "skip", "yes"]:
        await chat.say(text)
    profile_before = (await stores.user.read([USER_KEY]))[USER_KEY]["UserProfile"]
    clock.advance(EXPIRE_AFTER_SECONDS * 10)
    assert await chat.say("hello") == [WELCOME_BACK, TRANSPORT_PROMPT]
    assert (await stores.user.read([USER_KEY]))[USER_KEY]["UserProfile"] == profile_before


async def test_the_last_access_time_is_stored_as_epoch_seconds(chat, clock, stores):
    await chat.say("hi")
    stored = (await stores.conversation.read([CONVERSATION_KEY]))[CONVERSATION_KEY]
    assert stored["LastAccessedTime"] == clock.now


class CountingStore(MemoryStore):
    """A memory store that counts the operations a turn makes."""

    def __init__(self):
        super().__init__()
        self.operations = []

    async def read(self, keys):
        self.operations.append("read")
        return await super().read(keys)

    async def write(self, changes):
        self.operations.append("write")
        return await super().write(changes)

    async def delete(self, keys):
        self.operations.append("delete")
        return await super().delete(keys)


async def test_the_expiry_check_costs_no_storage_operation(app, chat, clock):
    counting = CountingStore()
    app.conversation_state._storage = counting  # pylint: disable=protected-access
    await chat.say("hi")
    await chat.say("Car")
    counting.operations.clear()
    clock.advance(1)
    await chat.say("Ada")
    ordinary_turn = list(counting.operations)
    counting.operations.clear()
    clock.advance(EXPIRE_AFTER_SECONDS)
    assert (await chat.say("Ada"))[0] == WELCOME_BACK
    assert counting.operations == ordinary_turn == ["read", "write"]


class SweptDuringTurnStore(MemoryStore):
    """Runs a sweep, one second later on the clock, just before the next write."""

    def __init__(self, clock):
        super().__init__()
        self.clock = clock
        self.sweep_before_next_write = False
        self.deleted_by_sweep = 0

    async def write(self, changes):
        if self.sweep_before_next_write:
            self.sweep_before_next_write = False
            self.clock.advance(1)
            report = await sweep(self, deleting_rules(EXPIRE_AFTER_SECONDS), 100, self.clock)
            self.deleted_by_sweep += report.expired
        return await super().write(changes)


async def test_a_turn_whose_save_meets_the_sweeper_carries_on_without_error(app, chat, clock):
    store = SweptDuringTurnStore(clock)
    app.conversation_state._storage = store  # pylint: disable=protected-access
    await chat.say("hi")
    # The turn loads its state one second inside the window; the sweep that
    # runs while it answers already sees the record as stale and deletes it.
    clock.advance(EXPIRE_AFTER_SECONDS - 1)
    store.sweep_before_next_write = True
    assert await chat.say("Car") == ["Please enter your name."]
    assert store.deleted_by_sweep == 1
    assert CONVERSATION_KEY in await store.read([CONVERSATION_KEY])
    assert await chat.say("Ada") == ["Thanks Ada", "Would you like to give your age? (1) Yes or (2) No"]


async def test_user_state_is_read_only_when_the_profile_is_saved(app, chat):
    counting = CountingStore()
    app.user_state._storage = counting  # pylint: disable=protected-access
    for text in ["hi", "Car", "Ada", "no", "skip"]:
        await chat.say(text)
    assert counting.operations == []
    await chat.say("yes")
    assert counting.operations == ["read", "write"]


@pytest.mark.parametrize(
    "stored_time, expired",
    [
        (None, False),
        ("not a time", False),
        ({"nested": 1}, False),
        (True, False),
        ("2023-11-14T22:00:00Z", True),  # what the JavaScript article stores
        ("2023-11-14T22:13:19", False),  # naive ISO, read as UTC: 1 second ago
        (1_700_000_000 + 3600, False),  # in the future
    ],
)
async def test_odd_stored_times_never_crash_a_turn(chat, clock, stores, stored_time, expired):
    clock.now = 1_700_000_000
    await chat.say("hi")
    record = (await stores.conversation.read([CONVERSATION_KEY]))[CONVERSATION_KEY]
    for field in ("DueAt", "Lifecycle"):  # as older bots wrote it: only the time
        del record[field]
    if stored_time is None:
        del record["LastAccessedTime"]
    else:
        record["LastAccessedTime"] = stored_time
    await stores.conversation.write({CONVERSATION_KEY: record})
    replies = await chat.say("Car")
    assert replies == ([WELCOME_BACK, TRANSPORT_PROMPT] if expired else ["Please enter your name."])
    stored = (await stores.conversation.read([CONVERSATION_KEY]))[CONVERSATION_KEY]
    assert stored["LastAccessedTime"] == clock.now
