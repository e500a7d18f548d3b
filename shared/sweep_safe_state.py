"""Conversation state whose save survives the sweeper deleting it mid-turn."""

import logging

from botbuilder.core import ConversationState, TurnContext

from .storage.errors import ETagConflict

logger = logging.getLogger(__name__)


class SweepSafeConversationState(ConversationState):
    """ConversationState that re-creates a record the sweeper deleted meanwhile.

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
