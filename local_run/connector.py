"""The Bot Connector routes a bot posts to, served by the local host.

A local conversation's ``serviceUrl`` is the host itself (the terminal chat
sets it to the host's origin), so whatever the bot sends outside a turn's
expectReplies response, such as the sweeper's expiry notice or warning, comes
back here. Like the real connector, the host answers ``200 {"id": ...}`` to:

- ``POST /v3/conversations/{conversationId}/activities`` (send to conversation)
- ``POST /v3/conversations/{conversationId}/activities/{activityId}`` (reply)

It accepts any conversation id (it cannot know which conversations the bot
has) and ignores ``Authorization``: the local bot is anonymous. Activities are
kept in memory, the last ``MAX_ACTIVITIES_PER_CONVERSATION`` of at most
``MAX_CONVERSATIONS`` conversations, so a long-running host stays small.

One route is local only, for the terminal chat to see them while idle:
``GET /v3/conversations/{conversationId}/activities?after=N&wait=S`` answers
``{"activities": [...], "next": M}`` with the activities numbered after ``N``
(1, 2, ... per conversation), waiting up to ``S`` seconds (at most
``MAX_WAIT_SECONDS``) for one to arrive. Poll again with ``after=M``.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
import math
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = [
    "MAX_ACTIVITIES_PER_CONVERSATION",
    "MAX_CONVERSATIONS",
    "MAX_WAIT_SECONDS",
    "CONNECTOR_ROUTES",
    "LocalConnector",
]

logger = logging.getLogger("local_run.connector")

MAX_ACTIVITIES_PER_CONVERSATION = 100
MAX_CONVERSATIONS = 1000
MAX_WAIT_SECONDS = 30.0

_ACTIVITIES = "/v3/conversations/{conversation_id}/activities"
_REPLY = _ACTIVITIES + "/{activity_id}"
CONNECTOR_ROUTES = (  # as the connector's reference names them
    "POST /v3/conversations/{conversationId}/activities",
    "POST /v3/conversations/{conversationId}/activities/{activityId}",
)

Activity = dict[str, Any]


@dataclass
class _Conversation:
    activities: deque[tuple[int, Activity]] = field(
        default_factory=lambda: deque(maxlen=MAX_ACTIVITIES_PER_CONVERSATION)
    )
    last: int = 0  # the number of the latest activity, kept when older ones are dropped


class LocalConnector:
    """What the bot sent into each conversation, for whoever polls for it."""

    def __init__(self) -> None:
        self._conversations: OrderedDict[str, _Conversation] = OrderedDict()
        self._arrived = asyncio.Event()
        self._closed = False
        self._ids = itertools.count(1)

    def add_routes(self, web_app: web.Application) -> None:
        """The connector routes, and a shutdown hook so a waiting poll does not delay a stop."""
        web_app.router.add_post(_ACTIVITIES, self._send_to_conversation)
        web_app.router.add_post(_REPLY, self._reply_to_activity)
        web_app.router.add_get(_ACTIVITIES, self._poll)
        web_app.on_shutdown.append(self._close)

    def received(self, conversation_id: str) -> list[Activity]:
        """The activities kept for a conversation, oldest first."""
        conversation = self._conversations.get(conversation_id)
        return [activity for _, activity in conversation.activities] if conversation else []

    def add(self, conversation_id: str, activity: Activity) -> str:
        """Keep an activity the bot sent; its new id, as the connector would answer."""
        activity_id = f"local-{next(self._ids)}-{uuid.uuid4().hex[:8]}"
        activity = {**activity, "id": activity_id}
        conversation = self._conversations.pop(conversation_id, None) or _Conversation()
        self._conversations[conversation_id] = conversation  # now the most recently used
        while len(self._conversations) > MAX_CONVERSATIONS:
            self._conversations.popitem(last=False)
        conversation.last += 1
        conversation.activities.append((conversation.last, activity))
        self._wake_pollers()
        return activity_id

    async def wait_after(
        self, conversation_id: str, after: int, wait_seconds: float
    ) -> tuple[list[Activity], int]:
        """The activities numbered after ``after``, waiting up to ``wait_seconds`` for one."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(max(wait_seconds, 0.0), MAX_WAIT_SECONDS)
        while True:
            arrived = self._arrived  # taken before looking, so nothing slips in between
            activities, next_after = self._after(conversation_id, after)
            remaining = deadline - loop.time()
            if activities or remaining <= 0 or self._closed:
                return activities, next_after
            try:
                await asyncio.wait_for(arrived.wait(), remaining)
            except TimeoutError:
                pass

    def _after(self, conversation_id: str, after: int) -> tuple[list[Activity], int]:
        conversation = self._conversations.get(conversation_id)
        last = conversation.last if conversation else 0
        if after > last:
            after = 0  # numbered by an earlier host (restarted) or a forgotten conversation
        if conversation is None:
            return [], after
        activities = [activity for number, activity in conversation.activities if number > after]
        return activities, last

    def _wake_pollers(self) -> None:
        self._arrived.set()
        self._arrived = asyncio.Event()

    async def _close(self, _web_app: web.Application) -> None:
        self._closed = True
        self._wake_pollers()

    async def _send_to_conversation(self, request: web.Request) -> web.Response:
        return await self._receive(request, reply_to=None)

    async def _reply_to_activity(self, request: web.Request) -> web.Response:
        return await self._receive(request, reply_to=request.match_info["activity_id"])

    async def _receive(self, request: web.Request, reply_to: str | None) -> web.Response:
        conversation_id = request.match_info["conversation_id"]
        try:
            activity = await request.json()
        except ValueError:
            activity = None
        if not isinstance(activity, dict):
            return _error(400, "BadArgument", "the body must be an Activity JSON object")
        if reply_to is not None:
            activity.setdefault("replyToId", reply_to)
        activity_id = self.add(conversation_id, activity)
        logger.info(
            "connector received a %s activity for conversation %s (%s)",
            activity.get("type") or "untyped",
            _shortened(conversation_id),
            "reply" if reply_to is not None else "send",
        )
        return web.json_response({"id": activity_id})

    async def _poll(self, request: web.Request) -> web.Response:
        try:
            after = int(request.query.get("after", "0"))
            wait_seconds = float(request.query.get("wait", "0"))
            if not math.isfinite(wait_seconds):
                raise ValueError(wait_seconds)
        except ValueError:
            return _error(400, "BadArgument", "after must be an integer and wait a number")
        activities, next_after = await self.wait_after(
            request.match_info["conversation_id"], after, wait_seconds
        )
        return web.json_response({"activities": activities, "next": next_after})


def _shortened(conversation_id: str) -> str:
    """The same 12-character stand-in the bot's expiry log uses, so lines can be matched."""
    return hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()[:12]


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)
