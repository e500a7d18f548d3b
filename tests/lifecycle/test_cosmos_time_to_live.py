"""Cosmos DB's per-item time to live follows each conversation's own timeout."""

import pytest

from shared.lifecycle import set_conversation_timeout
from tests.conftest import TEST_COSMOS_TIME_TO_LIVE, TEST_EXPIRE_AFTER_SECONDS
from tests.storage.raw_records import raw_record

pytestmark = pytest.mark.parametrize("settings_for_backend", ["cosmos"], indirect=True)
KEY = "test/conversations/{}"


async def stored_ttl(bot, conversation_id):
    document = await raw_record(bot.settings, bot.stores, "conversation", KEY.format(conversation_id))
    return document.get("ttl")


async def say_with_timeout(bot, conversation_id, seconds):
    dialog_step = bot.app.bot.on_message_activity

    async def with_timeout(turn_context):
        if seconds is not None:
            set_conversation_timeout(turn_context, seconds)
        await dialog_step(turn_context)

    bot.app.bot.on_message_activity = with_timeout
    try:
        await bot.say(conversation_id, "hi")
    finally:
        bot.app.bot.on_message_activity = dialog_step


async def test_each_record_lives_at_least_as_long_as_its_conversation(lifecycle_bot):
    bot = lifecycle_bot
    margin = TEST_COSMOS_TIME_TO_LIVE - TEST_EXPIRE_AFTER_SECONDS
    await say_with_timeout(bot, "default", None)
    await say_with_timeout(bot, "long", 24 * 3600)
    await say_with_timeout(bot, "never", 0)

    assert await stored_ttl(bot, "default") is None  # the container's own
    assert await stored_ttl(bot, "long") == 24 * 3600 + margin
    assert await stored_ttl(bot, "never") == -1


async def test_a_tombstone_lives_remember_expired_seconds(lifecycle_bot):
    bot = lifecycle_bot
    await bot.say("expired", "hi")
    bot.clock.advance(bot.rules.expire_after_seconds)
    assert (await bot.sweep()).expired == 1
    assert await stored_ttl(bot, "expired") == bot.rules.remember_expired_seconds
