"""The adapter, states, dialog and bot of one worker, wired together once."""

import asyncio
import logging

from typing import Mapping

from botbuilder.core import CloudAdapterBase, InvokeResponse, TurnContext
from botbuilder.schema import Activity, DeliveryModes

from .activity_request import RejectedRequest, read_activity
from .bot_states import TurnConversationState, TurnUserState
from .bot_authentication import create_bot_authentication
from .clock import Clock, system_clock
from .connector_http import ConnectorSession, ReplyNotDelivered
from .dialogs import UserProfileDialog
from .expiring_bot import ExpiringDialogBot
from .http_result import HttpResult
from .lifecycle.rules import LifecycleRules
from .openid_metadata import use_bounded_openid_metadata
from .schema_json import model_to_json
from .service_url_policy import unsigned_destinations
from .settings import Settings
from .storage import ETagConflict, StateStores, StorageUnavailable
from .turn_context import FunctionsTurnContext
from .turn_errors import TurnErrorHandler

AUTHENTICATION_TIMEOUT_SECONDS = 10

logger = logging.getLogger(__name__)


class FunctionsAdapter(CloudAdapterBase):
    """botbuilder's CloudAdapterBase, answering expectReplies with wire JSON,
    and running turns in a FunctionsTurnContext (cheaper copies of replies).

    botbuilder writes the replies of an expectReplies turn with msrest's
    serializer, which rebuilds and validates each Activity first: a quarter
    of a turn's CPU on memory storage. The body is the same JSON.
    (botbuilder 4.17 is pinned and archived, so the method overridden here
    does not change under it.)
    """

    def _create_turn_context(self, *args, **kwargs) -> TurnContext:
        built = super()._create_turn_context(*args, **kwargs)
        context = FunctionsTurnContext(built)  # botbuilder's copy: all but the turn state
        context.turn_state.update(built.turn_state)
        return context

    def _process_turn_results(self, context: TurnContext) -> InvokeResponse:
        if context.activity.delivery_mode == DeliveryModes.expect_replies:
            replies = [model_to_json(reply) for reply in context.buffered_reply_activities]
            return InvokeResponse(status=200, body={"activities": replies})
        return super()._process_turn_results(context)


class BotApplication:
    """Answers POST /api/messages: validates the request, then runs one turn."""

    def __init__(self, settings: Settings, stores: StateStores, clock: Clock = system_clock):
        self._max_request_bytes = settings.max_request_bytes
        use_bounded_openid_metadata()
        self._authentication = create_bot_authentication(settings, ConnectorSession())
        # botbuilder's CloudAdapterBase runs the turn; its aiohttp CloudAdapter only
        # adds reading an aiohttp request and streaming over web sockets, which
        # a Functions app never does (``handle`` reads the request instead).
        self.adapter = FunctionsAdapter(self._authentication)
        # Without credentials nothing vouches for an activity's serviceUrl.
        self._unsigned_destinations = unsigned_destinations(settings)
        self.adapter.on_turn_error = TurnErrorHandler(
            trace_to_emulator=not settings.running_in_azure
        )
        self.conversation_state = TurnConversationState(stores.conversation)
        self.user_state = TurnUserState(stores.user)
        self.bot = ExpiringDialogBot(
            LifecycleRules.from_settings(settings),
            settings.max_text_length,
            self.conversation_state,
            self.user_state,
            UserProfileDialog(self.user_state, local_pictures=not settings.running_in_azure),
            clock,
        )

    async def handle(self, method: str, headers: Mapping[str, str], body: bytes) -> HttpResult:
        """Run the turn a request carries; ``headers`` keys are lower-case."""
        try:
            activity = read_activity(method, headers, body, self._max_request_bytes)
        except RejectedRequest as rejected:
            return rejected.result
        policy = self._unsigned_destinations
        if policy is not None and not policy.allows(activity.service_url):
            logger.warning("unauthenticated activity refused: its serviceUrl is not allowed")
            return HttpResult.error(
                403, "ServiceUrlNotAllowed", f"the serviceUrl is not allowed; {policy.describe()}"
            )
        return await self.run_turn(headers.get("authorization", ""), activity)

    async def aclose(self) -> None:
        """Close the connections to channels; the storage is the worker's to close."""
        await self._authentication.aclose()

    async def run_turn(self, auth_header: str, activity: Activity) -> HttpResult:
        """Authenticate and run one turn; replies go out or come back in the body."""
        try:
            authentication = await asyncio.wait_for(
                self.adapter.bot_framework_authentication.authenticate_request(
                    activity, auth_header
                ),
                AUTHENTICATION_TIMEOUT_SECONDS,
            )
        except Exception as error:  # pylint: disable=broad-except
            # A bad token fails in many ways (PermissionError, PyJWT's errors,
            # an unreachable or slow identity endpoint); each means the sender
            # is not proven, and nothing has been read or stored yet.
            logger.warning("request not authenticated: %s", type(error).__name__)
            return HttpResult.error(401, "Unauthorized", "the request is not authenticated")
        if authentication.connector_factory is not None:
            authentication.connector_factory = self._authentication.bounded(
                authentication.connector_factory
            )
        failures = []

        async def run_bot(turn_context):
            try:
                await self.bot.on_turn(turn_context)
            except Exception as error:
                failures.append(error)
                raise  # the adapter hands it to on_turn_error, which apologises

        invoke_response = await self.adapter.process_activity(authentication, activity, run_bot)
        body = invoke_response.body if invoke_response else None
        if failures:
            return HttpResult(_failed_turn_status(failures[0]), body)
        return HttpResult(invoke_response.status if invoke_response else 200, body)


def _failed_turn_status(error: Exception) -> int:
    """What a failed turn answers; nothing of it was saved.

    503: trying again may help (storage was down, or another instance saved
    this conversation first); 502: the channel did not take the bot's reply;
    500: anything else. The user has had an apology where one could be sent.
    """
    if isinstance(error, (StorageUnavailable, ETagConflict)):
        return 503
    if isinstance(error, ReplyNotDelivered):
        return 502
    return 500
