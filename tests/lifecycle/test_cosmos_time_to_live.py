"""Cosmos DB's per-item time to live follows each conversation's own timeout."""

import pytest

from tests.conftest import TEST_COSMOS_TIME_TO_LIVE, TEST_EXPIRE_AFTER_SECONDS
from tests.storage.raw_records import raw_record

pytestmark = pytest.mark.parametrize("settings_for_backend", ["cosmos"], indirect=True)
KEY = "test/conversations/{}"


async def stored_ttl(bot, conversation_id):
    document = await raw_record(bot.settings, bot.stores, "conversation", KEY.format(conversation_id))
    return document.get("ttl")


async def test_each_record_lives_at_least_as_long_as_its_conversation(lifecycle_bot):
    bot = lifecycle_bot
    margin = TEST_COSMOS_TIME_TO_LIVE - TEST_EXPIRE_AFTER_SECONDS
    await bot.say("default", "hi")
    await bot.say_setting_timeout("long", "hi", 24 * 3600)
    await bot.say_setting_timeout("never", "hi", 0)

    assert await stored_ttl(bot, "default") is None  # the container's own
    assert await stored_ttl(bot, "long") == 24 * 3600 + margin
    assert await stored_ttl(bot, "never") == -1


async def test_a_tombstone_lives_remember_expired_seconds(lifecycle_bot):
    bot = lifecycle_bot
    await bot.say("expired", "hi")
    bot.clock.advance(bot.rules.expire_after_seconds)
    assert (await bot.sweep()).expired == 1
    assert await stored_ttl(bot, "expired") == bot.rules.remember_expired_seconds
