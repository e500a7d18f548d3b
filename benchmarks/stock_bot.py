"""The baseline: the same dialog on botbuilder's stock plumbing, as the article builds it.

Stock ``CloudAdapter`` with ``ConfigurationBotFrameworkAuthentication``, stock
``ConversationState``/``UserState`` and the article's ``DialogBot.on_turn``
expiry check, over whichever stock storage the caller passes (``MemoryStorage``,
botbuilder-azure ``BlobStorage`` or ``CosmosDbPartitionedStorage``). Requests go
through ``process_activity`` the way botbuilder's aiohttp integration does it:
parse the JSON, deserialize the Activity, process, serialize the reply body.
"""

import json
import logging
import sys
import time
from typing import Optional, Tuple

from botbuilder.core import (
    ActivityHandler,
    ConversationState,
    Storage,
    StatePropertyAccessor,
    TurnContext,
    UserState,
)
from botbuilder.dialogs import Dialog, DialogSet, DialogTurnStatus
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity

from shared.dialogs import UserProfileDialog

logger = logging.getLogger(__name__)


class SampleConfig:
    """The sample's config.py, with no bot credentials (as locally and in the Emulator)."""

    APP_ID = ""
    APP_PASSWORD = ""
    APP_TYPE = "MultiTenant"
    APP_TENANTID = ""


async def run_dialog(dialog: Dialog, turn_context: TurnContext, accessor: StatePropertyAccessor):
    """The sample's DialogHelper.run_dialog."""
    dialog_set = DialogSet(accessor)
    dialog_set.add(dialog)
    dialog_context = await dialog_set.create_context(turn_context)
    results = await dialog_context.continue_dialog()
    if results.status == DialogTurnStatus.Empty:
        await dialog_context.begin_dialog(dialog.id)


class ArticleDialogBot(ActivityHandler):
    """The article's DialogBot, its Python on_turn copied as published."""

    def __init__(
        self,
        expire_after_seconds: int,
        conversation_state: ConversationState,
        user_state: UserState,
        dialog: Dialog,
    ):
        super().__init__()
        self.expire_after_seconds = expire_after_seconds
        self.dialog_state_property = conversation_state.create_property("DialogState")
        self.last_accessed_time_property = conversation_state.create_property("LastAccessedTime")
        self.conversation_state = conversation_state
        self.user_state = user_state
        self.dialog = dialog

    async def on_turn(self, turn_context: TurnContext):
        # Retrieve the property value, and compare it to the current time.
        now_seconds = int(time.time())
        last_access = int(await self.last_accessed_time_property.get(turn_context, now_seconds))
        if now_seconds != last_access and (now_seconds - last_access >= self.expire_after_seconds):
            # Notify the user that the conversation is being restarted.
            await turn_context.send_activity("Welcome back!  Let's start over from the beginning.")

            # Clear state.
            await self.conversation_state.clear_state(turn_context)
            await self.conversation_state.save_changes(turn_context, True)

        await super().on_turn(turn_context)

        # Set LastAccessedTime to the current time.
        await self.last_accessed_time_property.set(turn_context, now_seconds)

        # Save any state changes that might have occurred during the turn.
        await self.conversation_state.save_changes(turn_context)
        await self.user_state.save_changes(turn_context)

    async def on_message_activity(self, turn_context: TurnContext):
        await run_dialog(self.dialog, turn_context, self.dialog_state_property)


async def on_error(context: TurnContext, error: Exception):
    """The sample's on_turn_error, minus the Emulator trace (never reached here)."""
    print(f"\n [on_turn_error] unhandled error: {error}", file=sys.stderr)
    await context.send_activity("The bot encountered an error or bug.")


class StockBotApp:
    """Adapter, states, dialog and bot wired as the sample's app.py wires them."""

    def __init__(
        self,
        conversation_storage: Storage,
        user_storage: Storage,
        expire_after_seconds: int,
    ):
        self.adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(SampleConfig()))
        self.adapter.on_turn_error = on_error
        self.conversation_state = ConversationState(conversation_storage)
        self.user_state = UserState(user_storage)
        dialog = UserProfileDialog(self.user_state)
        self.bot = ArticleDialogBot(
            expire_after_seconds, self.conversation_state, self.user_state, dialog
        )

    async def handle(self, body: bytes) -> Tuple[int, Optional[bytes]]:
        """One POST /api/messages: status and JSON body, as the aiohttp integration answers."""
        activity = Activity().deserialize(json.loads(body))
        invoke_response = await self.adapter.process_activity("", activity, self.bot.on_turn)
        if invoke_response is None:
            return 201, None
        return invoke_response.status, json.dumps(invoke_response.body).encode("utf-8")
