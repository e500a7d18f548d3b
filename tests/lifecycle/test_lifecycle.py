"""The lifecycle on every backend: warning, expiry with a notice, tombstone, welcome back.

Replies and the sweeper's messages go to a channel stub on 127.0.0.1, as
they would go to a real channel's connector.
"""

import json
from datetime import datetime, timezone

import pytest

from shared.expiring_bot import WELCOME_BACK
from tests.lifecycle.conftest import EXPIRE, NOTICE, WARN_BEFORE, WARNING

TRANSPORT_PROMPT = "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"
PROFILE_DIALOG = ["hi", "Bicycle", "Ada", "no", "skip", "yes"]


def javascript_iso(epoch_seconds: float) -> str:
    """A time as the article's JavaScript bot stores it (toISOString)."""
    moment = datetime.fromtimestamp(epoch_seconds, timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def key(conversation_id: str) -> str:
    return f"test/conversations/{conversation_id}"


async def stored(bot, conversation_id: str):
    return (await bot.stores.conversation.read([key(conversation_id)])).get(key(conversation_id))


async def profile(bot):
    record = (await bot.stores.user.read(["test/users/user-1"])).get("test/users/user-1") or {}
    return record.get("UserProfile")


async def test_a_user_returning_after_the_sweep_is_welcomed_back_with_the_profile_kept(
    lifecycle_bot,
):
    bot = lifecycle_bot
    for text in PROFILE_DIALOG:
        await bot.say("returning", text)
    await bot.say("returning", "hello again")  # a new dialog, at its first question
    bot.clock.advance(EXPIRE + 1)

    report = await bot.sweep()

    assert (report.expired, report.notices_sent) == (1, 1)
    tombstone = await stored(bot, "returning")
    assert "DialogState" not in tombstone and "Bicycle" not in json.dumps(str(tombstone))
    assert await bot.say("returning", "Car") == [WELCOME_BACK, TRANSPORT_PROMPT]
    assert (await profile(bot))["name"] == "Ada"


async def test_the_notice_reaches_the_conversation_through_the_connector(lifecycle_bot):
    bot = lifecycle_bot
    await bot.say("noticed", "hi")
    bot.clock.advance(EXPIRE)

    await bot.sweep()

    notice = bot.channel.calls[-1]
    assert notice.method == "POST"
    # as a reply in the conversation (continue_conversation replies to its last activity)
    assert notice.path.startswith("/v3/conversations/noticed/activities")
    assert notice.body["text"] == NOTICE
    assert notice.body["conversation"]["id"] == "noticed"
    assert "Authorization" not in notice.headers  # no credentials: anonymous, as locally


async def test_a_warning_comes_once_and_does_not_move_the_expiry(lifecycle_bot):
    bot = lifecycle_bot
    await bot.say("warned", "hi")
    bot.clock.advance(EXPIRE - WARN_BEFORE)
    first = await bot.sweep()
    bot.clock.advance(WARN_BEFORE - 1)
    second = await bot.sweep()
    bot.clock.advance(1)
    third = await bot.sweep()

    assert (first.warned, second.warned, third.warned) == (1, 0, 0)
    assert (first.expired, second.expired, third.expired) == (0, 0, 1)
    assert bot.channel.texts == [TRANSPORT_PROMPT, WARNING, NOTICE]


async def test_a_message_after_the_warning_starts_a_new_idle_period(lifecycle_bot):
    bot = lifecycle_bot
    await bot.say("answered", "hi")
    bot.clock.advance(EXPIRE - WARN_BEFORE)
    assert (await bot.sweep()).warned == 1
    assert await bot.say("answered", "Car") == ["Please enter your name."]
    bot.clock.advance(EXPIRE - WARN_BEFORE)
    assert (await bot.sweep()).warned == 1  # warned again, for the new idle period
    bot.clock.advance(WARN_BEFORE - 1)
    assert (await bot.sweep()).expired == 0


async def test_a_conversation_can_have_its_own_timeout(lifecycle_bot):
    bot = lifecycle_bot
    await bot.say_setting_timeout("patient", "hi", 600)  # a step that takes ten minutes
    bot.clock.advance(EXPIRE + 1)
    assert (await bot.sweep()).expired == 0
    assert await bot.say("patient", "Car") == ["Please enter your name."]  # not expired
    bot.clock.advance(600 - WARN_BEFORE)
    assert (await bot.sweep()).warned == 1
    bot.clock.advance(WARN_BEFORE)
    assert (await bot.sweep()).expired == 1


async def test_a_conversation_set_to_never_expire_is_left_alone(lifecycle_bot):
    bot = lifecycle_bot
    await bot.say_setting_timeout("forever", "hi", 0)
    bot.clock.advance(10 * 365 * 24 * 3600)
    report = await bot.sweep()
    assert (report.scanned, report.warned, report.expired) == (0, 0, 0)
    assert await bot.say("forever", "Car") == ["Please enter your name."]


@pytest.mark.parametrize(
    "last_accessed",
    [
        pytest.param(lambda now: now, id="epoch-seconds"),
        pytest.param(javascript_iso, id="iso-string"),
    ],
)
async def test_records_in_the_older_formats_are_expired(lifecycle_bot, last_accessed):
    bot = lifecycle_bot
    # written when it was last accessed, as an older bot wrote it, then left idle
    old = {"LastAccessedTime": last_accessed(bot.clock()), "DialogState": {"dialogStack": []}}
    await bot.stores.conversation.write({key("older"): old})
    bot.clock.advance(EXPIRE + 10)

    report = await bot.sweep()

    assert report.expired == 1
    assert await bot.say("older", "hi") == [WELCOME_BACK, TRANSPORT_PROMPT]


async def test_tombstones_are_removed_after_remember_expired_seconds(lifecycle_bot):
    bot = lifecycle_bot
    await bot.say("forgotten", "hi")
    bot.clock.advance(EXPIRE)
    assert (await bot.sweep()).expired == 1
    bot.clock.advance(bot.rules.remember_expired_seconds - 1)
    assert (await bot.sweep()).removed == 0
    bot.clock.advance(1)
    assert (await bot.sweep()).removed == 1
    assert await stored(bot, "forgotten") is None
