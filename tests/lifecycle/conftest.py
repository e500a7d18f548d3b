"""A bot with lifecycle settings on every backend, and a channel that records what it gets."""

import dataclasses

import pytest

from shared.bot_application import BotApplication
from shared.lifecycle import set_conversation_timeout
from shared.lifecycle.rules import LifecycleRules
from shared.lifecycle.sweep import sweep
from tests.channel_stub import ChannelStub
from tests.chat_driver import ChatDriver, ShiftedClock, message

EXPIRE = 60
WARN_BEFORE = 20
NOTICE = "This conversation timed out. Send any message to start over."
WARNING = "Still there? This conversation times out soon."


class LifecycleBot:
    """A bot, its clock and its channel: messages go out as on a real channel."""

    def __init__(self, settings, stores, channel: ChannelStub, notices=None):
        self.settings = settings
        self.stores = stores
        self.channel = channel
        self.clock = ShiftedClock()  # Blob compares with its server's clock
        self.app = BotApplication(settings, stores, self.clock)
        self.rules = LifecycleRules.from_settings(settings)
        self.notices = notices

    def chat(self, conversation_id: str) -> ChatDriver:
        return ChatDriver(self.app, conversation_id)

    async def say(self, conversation_id: str, text: str) -> list:
        """What the channel received for one message (replies are POSTed to it)."""
        before = len(self.channel.calls)
        activity = message(text, conversation_id, serviceUrl=self.channel.url)
        activity.pop("deliveryMode")
        result = await self.chat(conversation_id).post(activity)
        assert result.status == 200, result
        return self.channel.texts[before:]

    async def say_setting_timeout(self, conversation_id: str, text: str, seconds) -> list:
        """Say ``text`` in a turn whose dialog sets its conversation's own timeout."""
        dialog_step = self.app.bot.on_message_activity

        async def with_own_timeout(turn_context):
            set_conversation_timeout(turn_context, seconds)
            await dialog_step(turn_context)

        self.app.bot.on_message_activity = with_own_timeout
        try:
            return await self.say(conversation_id, text)
        finally:
            self.app.bot.on_message_activity = dialog_step

    async def sweep(self):
        return await sweep(
            self.stores.conversation, self.rules, 100, self.clock, notices=self.notices
        )


@pytest.fixture
async def channel():
    async with ChannelStub() as stub:
        yield stub


@pytest.fixture
def lifecycle_settings(settings_for_backend):
    return dataclasses.replace(
        settings_for_backend,
        expire_after_seconds=EXPIRE,
        warn_before_seconds=WARN_BEFORE,
        expiry_notice_text=NOTICE,
        warning_text=WARNING,
    )


@pytest.fixture
async def lifecycle_bot(lifecycle_settings, state_stores, channel):
    from shared.lifecycle.notices import NoticeSender  # noqa: PLC0415

    sender = NoticeSender(lifecycle_settings)
    bot = LifecycleBot(lifecycle_settings, state_stores, channel, sender)
    yield bot
    await sender.aclose()
    await bot.app.aclose()
