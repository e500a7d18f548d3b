"""What the bot does when a turn fails: log it, apologise, trace to the Emulator."""

import logging
from datetime import datetime, timezone

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes

APOLOGY = "Sorry, something went wrong on our side. Please send your message again."

logger = logging.getLogger(__name__)


async def on_turn_error(turn_context: TurnContext, error: Exception):
    """Report a failed turn without changing stored state.

    State is saved only at the end of a turn, so a failed turn leaves the
    conversation as the last good turn stored it. Replies already sent to the
    channel cannot be taken back; buffered ones (expectReplies) are dropped.
    """
    logger.error("turn failed: %s", type(error).__name__, exc_info=error)
    # Replies still waiting to go back in the response belong to a turn the
    # bot will not remember; the user sees only the apology.
    turn_context.buffered_reply_activities.clear()
    try:
        await turn_context.send_activity(APOLOGY)
        if turn_context.activity.channel_id == "emulator":
            await turn_context.send_activity(
                Activity(
                    type=ActivityTypes.trace,
                    timestamp=datetime.now(timezone.utc),
                    name="on_turn_error Trace",
                    label="TurnError",
                    value=f"{type(error).__name__}: {error}",
                    value_type="https://www.botframework.com/schemas/error",
                )
            )
    except Exception as send_error:  # pylint: disable=broad-except
        logger.error("could not tell the user about the failed turn: %s", send_error)
