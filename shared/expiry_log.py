"""One structured log line per expired conversation, whoever expired it.

Lines carry no message text and only a shortened conversation id, so INFO logs
can be kept without holding users' data.
"""

import hashlib
import logging
from typing import Tuple

logger = logging.getLogger("shared.expiry")


def shorten_conversation_id(conversation_id: str) -> str:
    """A stable 12-character stand-in for a conversation id."""
    return hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()[:12]


def split_conversation_key(key: str) -> Tuple[str, str]:
    """(channel, conversation id) from a conversation-state key.

    botbuilder keys conversation state as ``{channel}/conversations/{id}``.
    """
    channel, separator, conversation_id = key.partition("/conversations/")
    return (channel, conversation_id) if separator else ("unknown", key)


def log_expiry(channel_id: str, conversation_id: str, idle_seconds: float, mechanism: str):
    """Log that a conversation expired, and how: "message" or "sweep"."""
    logger.info(
        "conversation expired channel=%s conversation=%s idle_seconds=%d mechanism=%s",
        channel_id,
        shorten_conversation_id(conversation_id),
        idle_seconds,
        mechanism,
    )
