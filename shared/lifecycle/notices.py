"""Delivering an expiry notice or a warning into a conversation, proactively.

The text is sent as botbuilder's ``continue_conversation`` would send it, with
the bot's app id and credentials (anonymously when there are none, as
locally), to the conversation reference the last turn stored: the channel
shows it as the bot's reply in that conversation. Every call goes out on the worker's
bounded connection (``shared.connector_http``): at most ``concurrency`` at
once, each within ``timeout_seconds``.

The connector stack (botbuilder, msrest, aiohttp) is imported on the first
send, never at import time: a sweep with nothing to say loads none of it.
"""

import asyncio
import logging
import time
from enum import Enum
from typing import Any, Mapping, Optional

from ..expiry_log import shorten_conversation_id
from ..settings import Settings

NOTICE_CONCURRENCY = 8
MAX_ATTEMPTS = 3  # a throttled message is tried at most this often in one sweep
GONE_STATUSES = (401, 403, 404)  # bot removed, conversation gone: asking again cannot help

logger = logging.getLogger(__name__)


class NoticeResult(Enum):
    """How a notice went."""

    SENT = "sent"
    GONE = "gone"  # 401/403/404: counted, never retried
    FAILED = "failed"  # no answer in time, 5xx, throttled past the deadline, not allowed


class NoticeSender:
    """Sends texts into stored conversations; build once per worker, close with ``aclose``."""

    def __init__(
        self,
        settings: Settings,
        concurrency: int = NOTICE_CONCURRENCY,
        timeout_seconds: Optional[float] = None,
    ):
        """``timeout_seconds``: per call; None is the replies' own (``REPLY_TIMEOUT_SECONDS``)."""
        self._settings = settings
        self._slots = asyncio.Semaphore(concurrency)
        self._timeout_seconds = timeout_seconds
        self._authentication: Any = None
        self._connector_factory: Any = None

    async def send(self, reference: Mapping[str, Any], text: str, deadline: float) -> NoticeResult:
        """Send ``text`` into the conversation ``reference`` names.

        A 429 is tried again after its Retry-After when that still starts
        before ``deadline`` (a ``time.monotonic()`` value).
        """
        # pylint: disable=import-outside-toplevel
        from ..connector_http import ReplyNotDelivered
        from ..service_url_policy import unsigned_destinations

        conversation = shorten_conversation_id(str((reference.get("conversation") or {}).get("id")))
        policy = unsigned_destinations(self._settings)
        if policy is not None and not policy.allows(str(reference.get("serviceUrl"))):
            # Nothing vouches for an unsigned reference's serviceUrl: as for replies.
            logger.warning("notice not sent conversation=%s: serviceUrl not allowed", conversation)
            return NoticeResult.FAILED
        async with self._slots:
            for attempt in range(1, MAX_ATTEMPTS + 1):
                try:
                    await self._send_once(reference, text)
                    return NoticeResult.SENT
                except ReplyNotDelivered as failed:
                    if failed.status in GONE_STATUSES:
                        logger.info("notice not sent conversation=%s: %s", conversation, failed)
                        return NoticeResult.GONE
                    wait = failed.retry_after if failed.status == 429 else None
                    if wait is None or attempt == MAX_ATTEMPTS or time.monotonic() + wait > deadline:
                        logger.warning("notice not sent conversation=%s: %s", conversation, failed)
                        return NoticeResult.FAILED
                    await asyncio.sleep(wait)
                except Exception as error:  # pylint: disable=broad-except
                    logger.warning(
                        "notice not sent conversation=%s: %s", conversation, type(error).__name__
                    )
                    return NoticeResult.FAILED
        return NoticeResult.FAILED  # not reached: every attempt returns

    async def _send_once(self, reference: Mapping[str, Any], text: str) -> None:
        # pylint: disable=import-outside-toplevel
        from botbuilder.core import TurnContext
        from botbuilder.schema import Activity, ActivityTypes

        from ..schema_json import model_from_json

        conversation = model_from_json("ConversationReference", dict(reference))
        # What continue_conversation's turn would send, without the turn: no
        # middleware runs here, so the copies and the TurnContext it builds
        # for each message would cost CPU and change nothing.
        notice = TurnContext.apply_conversation_reference(
            Activity(type=ActivityTypes.message, text=text), conversation
        )
        connector = await self._connector_for(conversation.service_url)
        if notice.reply_to_id:
            await connector.conversations.reply_to_activity(
                notice.conversation.id, notice.reply_to_id, notice
            )
        else:
            await connector.conversations.send_to_conversation(notice.conversation.id, notice)

    async def _connector_for(self, service_url: str) -> Any:
        """The connector client continue_conversation would use, with the bot's identity."""
        if self._connector_factory is None:
            # pylint: disable=import-outside-toplevel
            from botframework.connector.auth import AuthenticationConstants, ClaimsIdentity

            from ..bot_authentication import create_bot_authentication
            from ..connector_http import REPLY_TIMEOUT_SECONDS, ConnectorSession

            connection = ConnectorSession(self._timeout_seconds or REPLY_TIMEOUT_SECONDS)
            self._authentication = create_bot_authentication(self._settings, connection)
            app_id = self._settings.microsoft_app_id
            # The identity CloudAdapterBase.continue_conversation claims for the bot.
            claims = ClaimsIdentity(
                {
                    AuthenticationConstants.AUDIENCE_CLAIM: app_id,
                    AuthenticationConstants.APP_ID_CLAIM: app_id,
                },
                True,
            )
            self._connector_factory = self._authentication.create_connector_factory(claims)
        return await self._connector_factory.create(service_url, None)

    async def aclose(self) -> None:
        if self._authentication is not None:
            await self._authentication.aclose()
