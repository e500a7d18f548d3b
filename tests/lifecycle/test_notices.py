"""The notice sender on its own: where a notice goes, how failures count, how many at once."""

import asyncio
import time

import pytest

from shared.lifecycle.notices import NoticeResult, NoticeSender
from shared.settings import Settings
from tests.channel_stub import ChannelStub

SOON = 30.0  # seconds of sweep time left


def reference(service_url: str, conversation_id: str = "c-1") -> dict:
    """A conversation reference as the last turn stored it."""
    return {
        "activityId": "activity-7",
        "user": {"id": "user-1", "name": "User"},
        "bot": {"id": "bot", "name": "Bot"},
        "conversation": {"id": conversation_id},
        "channelId": "test",
        "serviceUrl": service_url,
    }


@pytest.fixture
async def sender():
    notices = NoticeSender(Settings())
    yield notices
    await notices.aclose()


async def send(sender, stub, deadline=SOON, conversation_id="c-1"):
    return await sender.send(reference(stub.url, conversation_id), "Timed out.", time.monotonic() + deadline)


async def test_a_notice_goes_into_the_conversation_as_the_bots_message(sender):
    async with ChannelStub() as channel:
        assert await send(sender, channel) is NoticeResult.SENT
    [call] = channel.calls
    assert call.path.startswith("/v3/conversations/c-1/activities")
    assert (call.body["type"], call.body["text"]) == ("message", "Timed out.")
    assert call.body["recipient"]["id"] == "user-1" and call.body["from"]["id"] == "bot"


async def test_with_credentials_the_notice_carries_the_bots_token(monkeypatch):
    # No identity provider is reachable here, so the token itself is stubbed;
    # what is checked is that the notice carries it.
    from botframework.connector.auth import MicrosoftAppCredentials  # noqa: PLC0415

    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token", lambda self, *_: "token-123")
    settings = Settings(microsoft_app_id="00000000-0000-0000-0000-000000000001",
                        microsoft_app_password="not-a-secret")
    notices = NoticeSender(settings)
    try:
        async with ChannelStub() as channel:
            assert await send(notices, channel) is NoticeResult.SENT
    finally:
        await notices.aclose()
    assert channel.calls[0].headers["Authorization"] == "Bearer token-123"


@pytest.mark.parametrize("status", [401, 403, 404])
async def test_a_bot_removed_or_a_conversation_gone_is_counted_and_not_retried(sender, status):
    async with ChannelStub(status=status) as channel:
        assert await send(sender, channel) is NoticeResult.GONE
    assert len(channel.calls) == 1


async def test_a_server_error_fails_after_one_try(sender):
    async with ChannelStub(status=500) as channel:
        assert await send(sender, channel) is NoticeResult.FAILED
    assert len(channel.calls) == 1


async def test_a_channel_that_never_answers_fails_within_the_timeout():
    notices = NoticeSender(Settings(), timeout_seconds=0.5)
    try:
        async with ChannelStub(delay_seconds=None) as silent:
            started = time.monotonic()
            assert await send(notices, silent) is NoticeResult.FAILED
            assert time.monotonic() - started < 5
    finally:
        await notices.aclose()


async def test_a_throttled_notice_is_retried_after_retry_after_while_there_is_time(sender):
    async with ChannelStub(first_statuses=[429], headers={"Retry-After": "1"}) as channel:
        assert await send(sender, channel) is NoticeResult.SENT
    assert len(channel.calls) == 2


async def test_a_throttled_notice_fails_when_the_sweep_has_no_time_left(sender):
    async with ChannelStub(first_statuses=[429], headers={"Retry-After": "60"}) as channel:
        assert await send(sender, channel) is NoticeResult.FAILED
    assert len(channel.calls) == 1


async def test_at_most_the_set_number_of_notices_are_in_flight():
    notices = NoticeSender(Settings(), concurrency=4)
    try:
        async with ChannelStub(delay_seconds=0.1) as channel:
            results = await asyncio.gather(
                *(send(notices, channel, conversation_id=f"c-{n}") for n in range(20))
            )
    finally:
        await notices.aclose()
    assert results == [NoticeResult.SENT] * 20
    assert channel.in_flight_peak == 4


async def test_without_credentials_a_destination_that_is_not_allowed_is_never_called(sender):
    result = await sender.send(reference("http://10.0.0.7:3978/"), "Timed out.", time.monotonic() + SOON)
    assert result is NoticeResult.FAILED
