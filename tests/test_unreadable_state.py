"""A turn meeting a stored record it cannot read, on every backend.

An unreadable conversation record must not fail every turn of that
conversation: the conversation starts over. An unreadable user record may
hold a profile worth recovering: the turn fails and the record stays.
"""

import logging

from shared.bot_application import BotApplication
from shared.turn_errors import APOLOGY
from tests.chat_driver import ChatDriver, ShiftedClock, message
from tests.storage.raw_records import plant, raw_record, unreadable_records

TRANSPORT_PROMPT = "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"
UP_TO_THE_LAST_ANSWER = ["hi", "Bicycle", "Ada", "no", "skip"]


async def started_bot(settings, stores):
    """A bot whose containers exist, so records can be planted beside its own."""
    app = BotApplication(settings, stores, ShiftedClock())
    await ChatDriver(app, "opening").say("hi")
    return app


async def test_an_unreadable_conversation_record_starts_that_conversation_over(
    settings_for_backend, state_stores, caplog
):
    app = await started_bot(settings_for_backend, state_stores)
    backend = settings_for_backend.state_storage
    kinds = unreadable_records(backend, "placeholder")
    for index, kind in enumerate(kinds):
        # given a conversation whose stored record cannot be read
        conversation_id = f"secret-conversation-{index}"
        key = f"test/conversations/{conversation_id}"
        await plant(
            settings_for_backend, state_stores, "conversation", key,
            unreadable_records(backend, key)[kind],
        )
        chat = ChatDriver(app, conversation_id)
        # when its user writes
        with caplog.at_level(logging.WARNING, logger="shared.bot_states"):
            caplog.clear()
            replies = await chat.say("where were we?")
        # then the dialog starts from the beginning, and goes on from there
        assert replies == [TRANSPORT_PROMPT], kind
        assert await chat.say("Car") == ["Please enter your name."], kind
        # and the record is readable again
        stored = await state_stores.conversation.read([key])
        assert "LastAccessedTime" in stored[key], kind
        # and the log says so without naming the conversation
        warnings = [record.getMessage() for record in caplog.records]
        assert any("conversation starts over" in line for line in warnings), kind
        assert not any(conversation_id in line for line in warnings), kind


async def test_an_unreadable_user_record_fails_the_turn_and_is_kept_as_it_was(
    settings_for_backend, state_stores, caplog
):
    app = await started_bot(settings_for_backend, state_stores)
    backend = settings_for_backend.state_storage
    key = "test/users/user-1"
    kinds = unreadable_records(backend, key)
    kind = "a constructor that raises"
    # given a user whose profile record cannot be read
    await plant(settings_for_backend, state_stores, "user", key, kinds[kind])
    before = await raw_record(settings_for_backend, state_stores, "user", key)
    chat = ChatDriver(app, "profile-conversation")
    for text in UP_TO_THE_LAST_ANSWER:
        await chat.say(text)
    # when the dialog comes to save the profile
    with caplog.at_level(logging.ERROR, logger="shared.bot_states"):
        result = await chat.post(message("yes", "profile-conversation"))
    # then the user gets the usual apology and the channel an error status
    assert result.status == 500
    assert [activity["text"] for activity in result.body["activities"]] == [APOLOGY]
    # and the record is exactly as it was, and the log says why
    assert await raw_record(settings_for_backend, state_stores, "user", key) == before
    errors = [record.getMessage() for record in caplog.records]
    assert any("user record is kept" in line for line in errors)
    assert not any("user-1" in line for line in errors)
