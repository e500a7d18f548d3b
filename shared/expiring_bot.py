"""The bot: greets, runs the profile dialog, and restarts conversations left idle too long."""

import asyncio
import logging
import weakref

from botbuilder.core import ActivityHandler, ConversationState, TurnContext, UserState
from botbuilder.dialogs import Dialog, DialogSet, DialogTurnStatus
from botbuilder.schema import ActivityTypes

from .clock import Clock, system_clock
from .expiry_log import log_expiry
from .lifecycle.conversation_timeout import requested_timeout
from .lifecycle.record import idle_if_expired, is_tombstone, own_timeout, stamp_activity
from .lifecycle.rules import LifecycleRules
from .schema_json import model_to_json

DIALOG_STATE_PROPERTY = "DialogState"
RECENT_ACTIVITIES_PROPERTY = "RecentActivityIds"
RECENT_ACTIVITIES_KEPT = 16
WELCOME_BACK = "Welcome back!  Let's start over from the beginning."
GREETING = "Hello and welcome! Let's set up your profile."

logger = logging.getLogger(__name__)


class ExpiringDialogBot(ActivityHandler):
    """A dialog bot whose conversations start over after they have been idle too long.

    A message turn, or a user joining, reads conversation state once, restarts
    the conversation when it has expired (a live record past its ExpiresAt, or
    a tombstone the sweeper left), runs the dialog, stamps the times the
    conversation is next due (``shared.lifecycle.record``) and saves both
    states once.

    Two kinds of message never reach the dialog: text longer than
    ``max_text_length`` (the prompts' recognizers cost the square of its
    length) is refused before anything is read; and an activity id the
    conversation has already seen (a channel retrying a slow turn) is
    answered with nothing, so the dialog never advances twice.
    """

    def __init__(
        self,
        rules: LifecycleRules,
        max_text_length: int,
        conversation_state: ConversationState,
        user_state: UserState,
        dialog: Dialog,
        clock: Clock = system_clock,
    ):
        super().__init__()
        self._rules = rules
        self._max_text_length = max_text_length
        self._conversation_state = conversation_state
        self._user_state = user_state
        self._clock = clock
        self._dialogs = DialogSet(conversation_state.create_property(DIALOG_STATE_PROPERTY))
        self._dialogs.add(dialog)
        self._dialog_id = dialog.id
        self._conversation_locks: "weakref.WeakValueDictionary[str, asyncio.Lock]" = (
            weakref.WeakValueDictionary()
        )

    async def on_turn(self, turn_context: TurnContext):
        activity = turn_context.activity
        if activity.type == ActivityTypes.message:
            text_length = len(activity.text or "")
            if text_length > self._max_text_length:
                await turn_context.send_activity(
                    f"That message is too long for me ({text_length} characters). "
                    f"Please keep it to {self._max_text_length} characters or fewer."
                )
                return
        elif not (activity.type == ActivityTypes.conversation_update and _adds_a_user(activity)):
            await super().on_turn(turn_context)
            return
        # Turns of one conversation run one at a time in this worker, so two
        # messages sent at once never overwrite each other's state here.
        async with self._lock_for(turn_context):
            await self._run_turn(turn_context)

    async def _run_turn(self, turn_context: TurnContext):
        now = self._clock()
        activity = turn_context.activity
        await self._conversation_state.load(turn_context)
        state = self._conversation_state.get_cached_state(turn_context).state
        recent = _activity_ids(state.get(RECENT_ACTIVITIES_PROPERTY))
        if activity.id and activity.id in recent:
            logger.info("activity delivered again; its turn has already run")
            return
        timeout = own_timeout(state)
        idle = idle_if_expired(state, now, self._rules)
        if idle is not None:
            if not is_tombstone(state):  # the sweeper logged the tombstone's expiry
                log_expiry(activity.channel_id, activity.conversation.id, idle, "message")
            if activity.type == ActivityTypes.message:
                await turn_context.send_activity(WELCOME_BACK)
            await self._conversation_state.clear_state(turn_context)
            recent, timeout = [], None
        if activity.type == ActivityTypes.message:
            await self.on_message_activity(turn_context)
        else:
            await self._greet(turn_context)
        state = self._conversation_state.get_cached_state(turn_context).state
        if activity.id:
            state[RECENT_ACTIVITIES_PROPERTY] = (recent + [activity.id])[-RECENT_ACTIVITIES_KEPT:]
        requested = requested_timeout(turn_context)
        stamp_activity(
            state,
            now,
            self._rules,
            model_to_json(TurnContext.get_conversation_reference(activity)),
            timeout if requested is None else requested,
        )
        await self._conversation_state.save_changes(turn_context)
        await self._user_state.save_changes(turn_context)

    async def on_message_activity(self, turn_context: TurnContext):
        dialog_context = await self._dialogs.create_context(turn_context)
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await dialog_context.begin_dialog(self._dialog_id)

    async def _greet(self, turn_context: TurnContext):
        """Greet a user who joins and ask the first question, unless a dialog is under way."""
        dialog_context = await self._dialogs.create_context(turn_context)
        if dialog_context.active_dialog is None:
            await turn_context.send_activity(GREETING)
            await dialog_context.begin_dialog(self._dialog_id)

    def _lock_for(self, turn_context: TurnContext) -> asyncio.Lock:
        key = self._conversation_state.get_storage_key(turn_context)
        lock = self._conversation_locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._conversation_locks[key] = lock
        return lock


def _adds_a_user(activity) -> bool:
    """True when a conversationUpdate adds someone other than the bot."""
    bot_id = activity.recipient.id if activity.recipient else None
    return any(member.id != bot_id for member in activity.members_added or ())


def _activity_ids(stored: object) -> list:
    """The activity ids kept in conversation state; anything else reads as none."""
    return [item for item in stored if isinstance(item, str)] if isinstance(stored, list) else []
