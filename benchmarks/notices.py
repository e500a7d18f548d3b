"""Expiry notices per second through a loopback channel that adds 5 ms per request.

The sweeper sends notices (and warnings) with the product's NoticeSender:
botbuilder's continue_conversation on the bounded async connector, a few at
once. The channel is a real HTTP server on 127.0.0.1 that answers each
request after ``delay`` seconds, as a distant connector would.

    .venv/bin/python -m benchmarks.notices [--count 200]
"""

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass
from typing import List, Optional, Sequence

from shared.lifecycle.notices import NOTICE_CONCURRENCY, NoticeResult, NoticeSender
from shared.settings import Settings
from tests.channel_stub import ChannelStub

CHANNEL_DELAY_SECONDS = 0.005


@dataclass(frozen=True)
class NoticeRun:
    concurrency: int
    notices: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.notices / self.seconds


async def measure_notices(
    count: int, concurrencies: Sequence[int] = (1, NOTICE_CONCURRENCY)
) -> List[NoticeRun]:
    """Send ``count`` notices at each concurrency; every one must arrive."""
    runs = []
    async with ChannelStub(delay_seconds=CHANNEL_DELAY_SECONDS) as channel:
        for concurrency in concurrencies:
            sender = NoticeSender(Settings(), concurrency=concurrency)
            try:
                await send_warm_up(sender, channel.url)
                started = time.perf_counter()
                results = await _send(sender, channel.url, count, f"c{concurrency}")
                seconds = time.perf_counter() - started
            finally:
                await sender.aclose()
            if results.count(NoticeResult.SENT) != count:
                raise RuntimeError(f"only {results.count(NoticeResult.SENT)} of {count} notices arrived")
            runs.append(NoticeRun(concurrency, count, seconds))
    return runs


def conversation_reference(service_url: str, conversation_id: str) -> dict:
    """A conversation reference as a turn stores it, naming the channel at ``service_url``."""
    return {
        "activityId": "a-1",
        "user": {"id": "user-1"},
        "bot": {"id": "bot"},
        "conversation": {"id": conversation_id},
        "channelId": "test",
        "serviceUrl": service_url,
    }


async def send_warm_up(sender: NoticeSender, service_url: str) -> None:
    """One notice, so the connector stack is loaded before anything is timed."""
    results = await _send(sender, service_url, 1, "warm-up")
    if results != [NoticeResult.SENT]:
        raise RuntimeError(f"the warm-up notice was not delivered: {results[0]}")


async def _send(sender: NoticeSender, service_url: str, count: int, prefix: str) -> list:
    deadline = time.monotonic() + 600
    return await asyncio.gather(
        *(
            sender.send(
                conversation_reference(service_url, f"{prefix}-{number}"),
                "This conversation timed out.",
                deadline,
            )
            for number in range(count)
        )
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.notices", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200)
    arguments = parser.parse_args(argv)
    for run in asyncio.run(measure_notices(arguments.count)):
        print(f"concurrency {run.concurrency}: {run.notices} notices in {run.seconds:.2f} s, "
              f"{run.per_second:.0f}/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
