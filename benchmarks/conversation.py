"""The scripted 7-turn profile dialog every benchmark conversation runs.

Each conversation has its own conversation id and its own user, so every
conversation starts with new conversation state and a new user profile, as
real traffic mostly does.
"""

import json
from typing import List

TEXTS = ("hi", "Car", "Ada", "yes", "42", "skip", "yes")
TURNS_PER_CONVERSATION = len(TEXTS)
CHANNEL_ID = "test"
# Never contacted: replies come back in the response (deliveryMode expectReplies).
SERVICE_URL = "http://127.0.0.1:9/"
SUMMARY_MARK = "your name as Ada"


def conversation_bodies(run_id: str, number: int) -> List[bytes]:
    """The request bodies of conversation ``number``, one per turn, as a channel posts them."""
    return [
        json.dumps(
            {
                "type": "message",
                "id": f"{run_id}-{number}-{turn}",
                "text": text,
                "channelId": CHANNEL_ID,
                "serviceUrl": SERVICE_URL,
                "from": {"id": f"{run_id}-user-{number}", "name": "User"},
                "recipient": {"id": "bot", "name": "Bot"},
                "conversation": {"id": f"{run_id}-conversation-{number}"},
                "deliveryMode": "expectReplies",
            }
        ).encode("utf-8")
        for turn, text in enumerate(TEXTS)
    ]


def check_reply(turn: int, status: int, body: bytes) -> None:
    """Fail loudly unless the bot answered the turn as the dialog expects.

    A benchmark that silently measures error replies measures nothing.
    """
    if status != 200:
        raise AssertionError(f"turn {turn + 1} answered {status}: {body[:300]!r}")
    texts = [activity.get("text") or "" for activity in json.loads(body)["activities"]]
    if not texts:
        raise AssertionError(f"turn {turn + 1} got no reply")
    if turn == TURNS_PER_CONVERSATION - 1 and not any(SUMMARY_MARK in text for text in texts):
        raise AssertionError(f"the last turn did not summarise the profile: {texts}")
