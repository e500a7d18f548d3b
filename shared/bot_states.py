"""Conversation and user state that read storage once per turn and survive sweeps."""

import logging
import pickle
from typing import Optional

from botbuilder.core import BotState, ConversationState, TurnContext, UserState
from botbuilder.core.bot_state import CachedBotState

from .lifecycle.record import rewrite_of
from .storage.errors import ETagConflict, MalformedRecord

logger = logging.getLogger(__name__)


class _PickleHashedState(CachedBotState):
    """Cached state whose change check is a pickle, not a jsonpickle walk.

    botbuilder hashes state with jsonpickle, several times per turn, which
    costs more CPU than the rest of the turn's state handling. Equal states
    pickle alike, so comparing pickles finds every change; at worst a state
    whose objects are shared differently is saved once more than needed.
    """

    def compute_hash(self, obj: object) -> bytes:
        try:
            return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # pylint: disable=broad-except
            return super().compute_hash(obj).encode("utf-8")


class _LoadsOncePerTurn(BotState):
    """Reads the record once per turn, even when it is empty or was cleared.

    botbuilder's BotState reads storage again whenever the cached state is
    empty: a new conversation is read twice, and a conversation cleared on
    expiry is read back from its stale record, undoing the clear.
    """

    async def load(self, turn_context: TurnContext, force: bool = False) -> None:
        if force or self.get_cached_state(turn_context) is None:
            key = self.get_storage_key(turn_context)
            try:
                state = (await self._storage.read([key])).get(key)
            except MalformedRecord as unreadable:
                state = self._state_instead_of(unreadable)
            turn_context.turn_state[self._context_service_key] = _PickleHashedState(state)

    def _state_instead_of(self, unreadable: MalformedRecord) -> dict:
        """The state a turn goes on with when the stored record cannot be read."""
        raise unreadable

    async def clear_state(self, turn_context: TurnContext):
        cleared = _PickleHashedState()
        cleared.hash = b""  # never equal to a real hash, so the clear is saved
        turn_context.turn_state[self._context_service_key] = cleared


class TurnUserState(_LoadsOncePerTurn, UserState):
    """User state, read once per turn.

    A user record that cannot be read fails the turn and is left as it is:
    it may hold a profile worth recovering, and saving over it would lose it
    without anyone knowing.
    """

    def _state_instead_of(self, unreadable: MalformedRecord) -> dict:
        logger.error("%s; the turn fails and the user record is kept as it is", unreadable)
        raise unreadable


class TurnConversationState(_LoadsOncePerTurn, ConversationState):
    """Conversation state, read once per turn, that re-creates a swept record.

    The sweeper deletes a record only while it is unchanged, so a turn that
    loaded it just before the delete finds it gone when saving. That turn has
    already answered the user; its state is the conversation's, so it is
    written again rather than lost or reported as an error. A record changed
    by someone else is a real conflict and still raises.

    A record that cannot be read would fail every turn of its conversation;
    instead the conversation starts over and the turn's save replaces the
    record, only over the unreadable version it found.
    """

    def _state_instead_of(self, unreadable: MalformedRecord) -> dict:
        logger.warning("%s; the conversation starts over", unreadable)
        return {"e_tag": unreadable.e_tag}

    async def save_changes(self, turn_context: TurnContext, force: bool = False) -> None:
        cached = self.get_cached_state(turn_context)
        loaded_e_tag = cached.state.get("e_tag") if cached is not None else None
        try:
            await super().save_changes(turn_context, force)
        except ETagConflict:
            key = self.get_storage_key(turn_context)
            e_tag = await self._version_to_replace(key, loaded_e_tag)
            if e_tag is None:
                raise
            self.get_cached_state(turn_context).state["e_tag"] = e_tag
            await super().save_changes(turn_context, force=True)

    async def _version_to_replace(self, key: str, loaded_e_tag: Optional[str]) -> Optional[str]:
        """After a lost save, the version this turn may save over, or None.

        '*' if the record was swept away; its e_tag if it is still unreadable
        (a sweep marks it so), or if the sweeper rewrote the very version this
        turn loaded (a warning mark or a tombstone: this turn's answer is the
        conversation's, and a warning must cost the user nothing); None if
        another turn saved it, which is a real conflict.
        """
        try:
            current = (await self._storage.read([key])).get(key)
        except MalformedRecord as unreadable:
            logger.info("conversation state is still unreadable; saving over it")
            return unreadable.e_tag
        if current is None:
            logger.info("conversation state was swept during the turn; saving it again")
            return "*"
        if loaded_e_tag and isinstance(current, dict) and rewrite_of(current) == loaded_e_tag:
            logger.info("the sweeper marked this conversation during the turn; saving over it")
            return current.get("e_tag")
        return None
