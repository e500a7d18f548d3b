"""Drives a BotApplication the way a channel does, with a clock the test controls."""

import itertools
import json
import time
from typing import List, Optional

from shared.bot_application import BotApplication
from shared.http_result import HttpResult


class FakeClock:
    """A clock that moves only when the test says so."""

    def __init__(self, now: float = 1_700_000_000):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float):
        self.now += seconds


class ShiftedClock:
    """Real time plus an offset the test moves forward.

    For stores whose servers keep their own times (Blob's last-modified), so
    stamps and server times stay in step while the test skips ahead.
    """

    def __init__(self):
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float):
        self.offset += seconds


def message(text: Optional[str], conversation_id: str = "conversation-1", **extra) -> dict:
    """A message activity as a channel posts it, asking for replies in the body."""
    activity = {
        "type": "message",
        "id": f"activity-{next(_activity_ids)}",
        "text": text,
        "channelId": "test",
        "serviceUrl": "http://127.0.0.1:9/",
        "from": {"id": "user-1", "name": "User"},
        "recipient": {"id": "bot", "name": "Bot"},
        "conversation": {"id": conversation_id},
        "deliveryMode": "expectReplies",
    }
    activity.update(extra)
    return activity


_activity_ids = itertools.count(1)


class ChatDriver:
    """Sends messages through the whole request path and returns the bot's replies."""

    def __init__(self, app: BotApplication, conversation_id: str = "conversation-1"):
        self.app = app
        self.conversation_id = conversation_id

    async def post(self, activity: dict) -> HttpResult:
        body = json.dumps(activity).encode("utf-8")
        return await self.app.handle("POST", {"content-type": "application/json"}, body)

    async def replies(self, text: Optional[str] = None, attachments: Optional[list] = None) -> List[dict]:
        extra = {"attachments": attachments} if attachments else {}
        result = await self.post(message(text, self.conversation_id, **extra))
        assert result.status == 200, result
        return result.body["activities"]

    async def say(self, text: Optional[str] = None, attachments: Optional[list] = None) -> List[str]:
        """The texts of the bot's replies to one message."""
        return [reply.get("text") for reply in await self.replies(text, attachments)]
