"""Conversation and user state that read storage once per turn and survive sweeps."""

import logging

from botbuilder.core import BotState, ConversationState, TurnContext, UserState

from .storage.errors import ETagConflict

logger = logging.getLogger(__name__)


class _LoadsOncePerTurn(BotState):
    """Reads the record once per turn, even when it is empty or was cleared.

    botbuilder's BotState reads storage again whenever the cached state is
    empty: a new conversation is read twice, and a conversation cleared on
    expiry is read back from its stale record, undoing the clear.
    """

    async def load(self, turn_context: TurnContext, force: bool = False) -> None:
        if force or self.get_cached_state(turn_context) is None:
            await super().load(turn_context, force=True)


class TurnUserState(_LoadsOncePerTurn, UserState):
    """User state, read once per turn."""


class TurnConversationState(_LoadsOncePerTurn, ConversationState):
    """Conversation state, read once per turn, that re-creates a swept record.

    The sweeper deletes a record only while it is unchanged, so a turn that
    loaded it just before the delete finds it gone when saving. That turn has
    already answered the user; its state is the conversation's, so it is
    written again rather than lost or reported as an error. A record changed
    by someone else is a real conflict and still raises.
    """

    async def save_changes(self, turn_context: TurnContext, force: bool = False) -> None:
        try:
            await super().save_changes(turn_context, force)
        except ETagConflict:
            key = self.get_storage_key(turn_context)
            if key in await self._storage.read([key]):
                raise
            logger.info("conversation state was swept during the turn; saving it again")
            self.get_cached_state(turn_context).state["e_tag"] = "*"
            await super().save_changes(turn_context, force=True)
