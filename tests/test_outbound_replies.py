"""Replies to a channel go out asynchronously, each bounded in time.

A channel that answers slowly, fails or never answers must cost only its own
turn: other conversations of the worker carry on as if nothing happened.
"""

import asyncio
import logging
import time

import pytest

import messages_function
from shared.connector_http import REPLY_TIMEOUT_SECONDS
from tests.channel_stub import ChannelStub
from tests.chat_driver import message
from tests.test_functions import http_request

pytestmark = pytest.mark.usefixtures("fresh_worker")

TRANSPORT_PROMPT = "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"
SECRET_TEXT = "Quillon-Marrowby"
STUCK_CHANNELS = 8  # more than the event loop's default thread pool holds on small machines


def channel_message(text: str, conversation_id: str, service_url: str) -> dict:
    activity = message(text, conversation_id, serviceUrl=service_url)
    activity.pop("deliveryMode")  # replies go to the channel, as on a real channel
    return activity


async def post(activity: dict):
    return await messages_function.main(http_request(activity))


async def eventually(condition, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        await asyncio.sleep(0.01)


async def test_channels_that_never_answer_do_not_hold_up_another_users_turn(caplog):
    async with ChannelStub(delay_seconds=None) as stuck, ChannelStub() as healthy:
        # Given replies held open by channels that never answer
        stuck_turns = [
            asyncio.create_task(post(channel_message(SECRET_TEXT, f"stuck-{n}", stuck.url)))
            for n in range(STUCK_CHANNELS)
        ]
        await eventually(lambda: len(stuck.calls) == STUCK_CHANNELS)

        # When another user writes on a healthy channel
        started = time.perf_counter()
        response = await asyncio.wait_for(post(channel_message("hi", "other", healthy.url)), 10)
        elapsed = time.perf_counter() - started

        # Then that user is answered at once
        assert response.status_code == 200
        assert healthy.texts == [TRANSPORT_PROMPT]
        assert elapsed < 1.0
        # and each stuck turn gives up on its own after the reply timeout
        with caplog.at_level(logging.INFO):
            stuck_responses = await asyncio.wait_for(
                asyncio.gather(*stuck_turns), REPLY_TIMEOUT_SECONDS * 3
            )
    assert [r.status_code for r in stuck_responses] == [502] * STUCK_CHANNELS
    failures = [r.getMessage() for r in caplog.records if "turn failed" in r.getMessage()]
    assert len(failures) == STUCK_CHANNELS
    assert all("did not take the bot's message" in line for line in failures)
    assert SECRET_TEXT not in caplog.text and "stuck-" not in caplog.text


@pytest.mark.parametrize("status", [404, 429, 500])
async def test_a_channel_that_refuses_the_reply_gets_502_without_an_apology_sent_after_it(status):
    async with ChannelStub(status=status) as refusing:
        response = await post(channel_message("hi", "refused", refusing.url))
    assert response.status_code == 502
    assert refusing.texts == [TRANSPORT_PROMPT]  # tried once; no apology down the same road


async def test_the_conversation_goes_on_after_an_undelivered_reply():
    async with ChannelStub(status=500) as failing:
        assert (await post(channel_message("hi", "flaky", failing.url))).status_code == 502
    async with ChannelStub() as channel:
        # Nothing of the failed turn was kept, so the user is asked again.
        assert (await post(channel_message("hi", "flaky", channel.url))).status_code == 200
        assert (await post(channel_message("Car", "flaky", channel.url))).status_code == 200
    assert channel.texts == [TRANSPORT_PROMPT, "Please enter your name."]


def test_a_reply_is_sent_as_the_same_json_msrest_would_write():
    # pylint: disable=import-outside-toplevel
    from datetime import datetime, timezone

    from botbuilder.core import CardFactory, MessageFactory
    from botbuilder.schema import Activity, CardAction, ChannelAccount, ConversationAccount, HeroCard
    from botframework.connector.aio import ConnectorClient
    from botframework.connector.auth import MicrosoftAppCredentials

    from shared.connector_http import use_wire_json_bodies

    reply = MessageFactory.suggested_actions(
        [CardAction(type="imBack", title="Car", value="Car")], "Pick one", input_hint="expectingInput"
    )
    card = MessageFactory.attachment(CardFactory.hero_card(HeroCard(title="Me", text="x")))
    for activity in (reply, card, Activity(
        type="message", text="later", timestamp=datetime(2026, 11, 23, 12, 0, 1, 5000, timezone.utc),
        from_property=ChannelAccount(id="bot", name="Bot"),
        conversation=ConversationAccount(id="c1", tenant_id="t1"), reply_to_id="a1",
        channel_data={"notification": {"alert": True}}, entities=[],
    )):
        expected = ConnectorClient(MicrosoftAppCredentials("", ""), "http://127.0.0.1:9/")
        fast = use_wire_json_bodies(ConnectorClient(MicrosoftAppCredentials("", ""), "http://127.0.0.1:9/"))
        assert fast._serialize.body(activity, "Activity") == expected._serialize.body(activity, "Activity")  # pylint: disable=protected-access
