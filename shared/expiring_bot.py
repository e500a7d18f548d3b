"""The bot: runs the profile dialog and restarts conversations left idle too long."""

import asyncio
import logging
import weakref

from botbuilder.core import ActivityHandler, ConversationState, TurnContext, UserState
from botbuilder.dialogs import Dialog, DialogSet, DialogTurnStatus
from botbuilder.schema import ActivityTypes

from .clock import Clock, system_clock
from .expiry_log import log_expiry
from .storage.last_accessed import parse_last_accessed

LAST_ACCESSED_PROPERTY = "LastAccessedTime"
DIALOG_STATE_PROPERTY = "DialogState"
RECENT_ACTIVITIES_PROPERTY = "RecentActivityIds"
RECENT_ACTIVITIES_KEPT = 16
WELCOME_BACK = "Welcome back!  Let's start over from the beginning."

logger = logging.getLogger(__name__)


class ExpiringDialogBot(ActivityHandler):
    """A dialog bot whose conversations start over after ExpireAfterSeconds idle.

    Each message turn reads LastAccessedTime from conversation state (loaded
    with the turn's own read), restarts the conversation when it is too old,
    runs the dialog, stamps the time and saves both states once.

    Two kinds of message never reach the dialog: text longer than
    ``max_text_length`` (the prompts' recognizers cost the square of its
    length) is refused before anything is read; and an activity id the
    conversation has already seen (a channel retrying a slow turn) is
    answered with nothing, so the dialog never advances twice.
    """

    def __init__(
        self,
        expire_after_seconds: int,
        max_text_length: int,
        conversation_state: ConversationState,
        user_state: UserState,
        dialog: Dialog,
        clock: Clock = system_clock,
    ):
        super().__init__()
        self._expire_after_seconds = expire_after_seconds
        self._max_text_length = max_text_length
        self._conversation_state = conversation_state
        self._user_state = user_state
        self._clock = clock
        self._last_accessed = conversation_state.create_property(LAST_ACCESSED_PROPERTY)
        self._recent_activities = conversation_state.create_property(RECENT_ACTIVITIES_PROPERTY)
        self._dialogs = DialogSet(conversation_state.create_property(DIALOG_STATE_PROPERTY))
        self._dialogs.add(dialog)
        self._dialog_id = dialog.id
        self._conversation_locks: "weakref.WeakValueDictionary[str, asyncio.Lock]" = (
            weakref.WeakValueDictionary()
        )

    async def on_turn(self, turn_context: TurnContext):
        if turn_context.activity.type != ActivityTypes.message:
            await super().on_turn(turn_context)
            return
        text_length = len(turn_context.activity.text or "")
        if text_length > self._max_text_length:
            await turn_context.send_activity(
                f"That message is too long for me ({text_length} characters). "
                f"Please keep it to {self._max_text_length} characters or fewer."
            )
            return
        # Turns of one conversation run one at a time in this worker, so two
        # messages sent at once never overwrite each other's state here.
        async with self._lock_for(turn_context):
            await self._run_message_turn(turn_context)

    async def _run_message_turn(self, turn_context: TurnContext):
        now = self._clock()
        activity_id = turn_context.activity.id
        recent = _activity_ids(await self._recent_activities.get(turn_context))
        if activity_id and activity_id in recent:
            logger.info("activity delivered again; its turn has already run")
            return
        last_accessed = parse_last_accessed(await self._last_accessed.get(turn_context))
        if last_accessed is not None and now - last_accessed >= self._expire_after_seconds:
            activity = turn_context.activity
            log_expiry(
                activity.channel_id,
                activity.conversation.id,
                now - last_accessed,
                mechanism="message",
            )
            await turn_context.send_activity(WELCOME_BACK)
            await self._conversation_state.clear_state(turn_context)
            recent = []
        await super().on_turn(turn_context)
        await self._last_accessed.set(turn_context, now)
        if activity_id:
            recent = (recent + [activity_id])[-RECENT_ACTIVITIES_KEPT:]
            await self._recent_activities.set(turn_context, recent)
        await self._conversation_state.save_changes(turn_context)
        await self._user_state.save_changes(turn_context)

    async def on_message_activity(self, turn_context: TurnContext):
        dialog_context = await self._dialogs.create_context(turn_context)
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await dialog_context.begin_dialog(self._dialog_id)

    def _lock_for(self, turn_context: TurnContext) -> asyncio.Lock:
        key = self._conversation_state.get_storage_key(turn_context)
        lock = self._conversation_locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._conversation_locks[key] = lock
        return lock


def _activity_ids(stored: object) -> list:
    """The activity ids kept in conversation state; anything else reads as none."""
    return [item for item in stored if isinstance(item, str)] if isinstance(stored, list) else []
