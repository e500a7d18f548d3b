"""What the bot does when a turn fails: log it, apologise, trace to a local Emulator."""

import logging
from datetime import datetime, timezone

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes

from .connector_http import ReplyNotDelivered

APOLOGY = "Sorry, something went wrong on our side. Please send your message again."

logger = logging.getLogger(__name__)


class TurnErrorHandler:
    """Reports a failed turn without changing stored state.

    State is saved only at the end of a turn, so a failed turn leaves the
    conversation as the last good turn stored it. Replies already sent to the
    channel cannot be taken back; buffered ones (expectReplies) are dropped.

    The trace carries the exception's text, which may name internals, so it
    goes only to an Emulator conversation of a local run
    (``trace_to_emulator``): in Azure anyone can claim the emulator channel.
    """

    def __init__(self, trace_to_emulator: bool):
        self._trace_to_emulator = trace_to_emulator

    async def __call__(self, turn_context: TurnContext, error: Exception):
        if isinstance(error, ReplyNotDelivered):
            # The channel did not take the reply; an apology would go the same way.
            logger.error("turn failed: %s", error)
            return
        logger.error("turn failed: %s", type(error).__name__, exc_info=error)
        # Replies still waiting to go back in the response belong to a turn the
        # bot will not remember; the user sees only the apology.
        turn_context.buffered_reply_activities.clear()
        try:
            await turn_context.send_activity(APOLOGY)
            if self._trace_to_emulator and turn_context.activity.channel_id == "emulator":
                await turn_context.send_activity(_error_trace(error))
        except Exception as send_error:  # pylint: disable=broad-except
            logger.error("could not tell the user about the failed turn: %s", send_error)


def _error_trace(error: Exception) -> Activity:
    return Activity(
        type=ActivityTypes.trace,
        timestamp=datetime.now(timezone.utc),
        name="on_turn_error Trace",
        label="TurnError",
        value=f"{type(error).__name__}: {error}",
        value_type="https://www.botframework.com/schemas/error",
    )
