"""The Bot Framework activities the terminal chat sends, and how it shows replies.

The chat posts with ``deliveryMode: "expectReplies"`` so the replies come back
in the HTTP response body: no callback endpoint is needed, which is what makes
the chat work on a headless machine.
"""

from __future__ import annotations

import base64
import mimetypes
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["Conversation", "image_attachment", "message_activity", "render_reply"]

Activity = dict[str, Any]

_CARD_TYPES = ("application/vnd.microsoft.card.hero", "application/vnd.microsoft.card.thumbnail")


@dataclass(frozen=True)
class Conversation:
    """Who is talking in which conversation; every message says so."""

    user: str
    conversation_id: str
    service_url: str


def message_activity(
    conversation: Conversation, text: str | None, attachments: list[dict[str, Any]] | None = None
) -> Activity:
    """A message activity from the user to the bot, asking for replies in the response."""
    activity: Activity = {
        "type": "message",
        "id": uuid.uuid4().hex,
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "channelId": "emulator",
        "serviceUrl": conversation.service_url,
        "from": {"id": conversation.user, "name": conversation.user, "role": "user"},
        "recipient": {"id": "bot", "name": "Bot", "role": "bot"},
        "conversation": {"id": conversation.conversation_id},
        "deliveryMode": "expectReplies",
        "locale": "en-US",
    }
    if text is not None:
        activity["text"] = text
        activity["textFormat"] = "plain"
    if attachments:
        activity["attachments"] = attachments
    return activity


def image_attachment(path: Path) -> dict[str, Any]:
    """The file as an inline attachment (a data: URL), typed from its extension."""
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return {
        "contentType": content_type,
        "contentUrl": f"data:{content_type};base64,{encoded}",
        "name": path.name,
    }


def render_reply(activity: Activity, *, show_traces: bool = False) -> list[str]:
    """The lines to print for one reply; typing and other signals print nothing."""
    kind = activity.get("type")
    if kind == "message":
        lines = [activity["text"]] if activity.get("text") else []
        for attachment in activity.get("attachments") or ():
            lines.extend(_render_attachment(attachment))
        actions = (activity.get("suggestedActions") or {}).get("actions") or ()
        if actions:
            lines.append(_render_buttons(actions))
        return lines
    if kind == "trace" and show_traces:
        return [f"(trace) {activity.get('label') or activity.get('name')}: {activity.get('value')}"]
    if kind == "endOfConversation":
        return ["(the bot ended the conversation)"]
    return []


def _render_attachment(attachment: dict[str, Any]) -> list[str]:
    content_type = attachment.get("contentType", "")
    content = attachment.get("content")
    if content_type in _CARD_TYPES and isinstance(content, dict):
        lines = [str(content[key]) for key in ("title", "subtitle", "text") if content.get(key)]
        if content.get("buttons"):
            lines.append(_render_buttons(content["buttons"]))
        return lines
    return [f"[attachment: {content_type} {attachment.get('name') or ''}]".replace(" ]", "]")]


def _render_buttons(actions: Any) -> str:
    return "  ".join(f"[{action.get('title') or action.get('value')}]" for action in actions)
