"""The API a dialog uses to give its own conversation another idle timeout.

    from shared.lifecycle import set_conversation_timeout

    set_conversation_timeout(step.context, 600)  # this step may take ten minutes
    set_conversation_timeout(step.context, 0)    # this conversation never expires

The timeout is kept with the conversation from the end of this turn until the
conversation starts over; the on-message check, the sweeper's warning and
expiry, and Cosmos DB's per-item time to live all follow it.
"""

from typing import Any

TURN_STATE_KEY = "shared.lifecycle.conversation_timeout"


def set_conversation_timeout(turn_context: Any, seconds: int) -> None:
    """Set this conversation's idle timeout in seconds; 0 means it never expires."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise ValueError(f"a conversation timeout is a whole number of seconds >= 0, not {seconds!r}")
    turn_context.turn_state[TURN_STATE_KEY] = seconds


def requested_timeout(turn_context: Any) -> Any:
    """The timeout a dialog set during this turn, or None."""
    return turn_context.turn_state.get(TURN_STATE_KEY)
