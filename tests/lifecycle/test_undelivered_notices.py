"""A notice the channel does not take is counted, and the sweep goes on."""

import time

from tests.channel_stub import ChannelStub
from tests.chat_driver import message
from tests.lifecycle.conftest import EXPIRE, NOTICE


async def test_channels_that_refuse_or_never_answer_do_not_stop_the_sweep(lifecycle_bot):
    bot = lifecycle_bot
    channels = {
        "gone": ChannelStub(status=404),
        "throttled": ChannelStub(status=429),  # no Retry-After: not retried
        "failing": ChannelStub(status=500),
        "silent": ChannelStub(delay_seconds=None),
    }
    for stub in channels.values():
        await stub.__aenter__()
    try:
        for name, stub in channels.items():
            activity = message("hi", name, serviceUrl=stub.url, deliveryMode="expectReplies")
            assert (await bot.chat(name).post(activity)).status == 200
        await bot.say("healthy", "hi")  # on the fixture's healthy channel
        bot.clock.advance(EXPIRE)

        started = time.monotonic()
        report = await bot.sweep()
        took = time.monotonic() - started
    finally:
        for stub in channels.values():
            await stub.__aexit__(None, None, None)

    assert (report.expired, report.errors) == (5, 0)
    assert (report.notices_sent, report.notices_failed) == (1, 4)
    assert bot.channel.texts[-1] == NOTICE
    assert all(len(stub.calls) == 1 for stub in channels.values())  # each tried once
    assert took < 15  # the silent channel cost one bounded attempt, not the whole run
