"""The adapter, states, dialog and bot of one worker, wired together once."""

import asyncio
import logging

from typing import Mapping

from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity

from .activity_request import RejectedRequest, read_activity
from .bot_credentials import credentials_factory_for
from .bot_states import TurnConversationState, TurnUserState
from .client_cache import (
    BoundedClientCache,
    CachingBotFrameworkAuthentication,
    CachingConnectorFactory,
)
from .clock import Clock, system_clock
from .dialogs import UserProfileDialog
from .expiring_bot import ExpiringDialogBot
from .http_result import HttpResult
from .openid_metadata import use_bounded_openid_metadata
from .settings import Settings
from .storage import ETagConflict, StateStores, StorageUnavailable
from .turn_errors import on_turn_error

AUTHENTICATION_TIMEOUT_SECONDS = 10

logger = logging.getLogger(__name__)


class _AuthenticationConfig:
    """The attribute names botbuilder's authentication reads its settings from."""

    def __init__(self, settings: Settings):
        self.APP_ID = settings.microsoft_app_id  # pylint: disable=invalid-name
        self.APP_PASSWORD = settings.microsoft_app_password  # pylint: disable=invalid-name
        self.APP_TYPE = settings.microsoft_app_type  # pylint: disable=invalid-name
        self.APP_TENANTID = settings.microsoft_app_tenant_id  # pylint: disable=invalid-name


class BotApplication:
    """Answers POST /api/messages: validates the request, then runs one turn."""

    def __init__(self, settings: Settings, stores: StateStores, clock: Clock = system_clock):
        self._max_request_bytes = settings.max_request_bytes
        use_bounded_openid_metadata()
        self.adapter = CloudAdapter(
            CachingBotFrameworkAuthentication(
                ConfigurationBotFrameworkAuthentication(
                    _AuthenticationConfig(settings),
                    credentials_factory=credentials_factory_for(settings),
                )
            )
        )
        self._connector_clients = BoundedClientCache()
        self._app_id = settings.microsoft_app_id
        self.adapter.on_turn_error = on_turn_error
        self.conversation_state = TurnConversationState(stores.conversation)
        self.user_state = TurnUserState(stores.user)
        self.bot = ExpiringDialogBot(
            settings.expire_after_seconds,
            self.conversation_state,
            self.user_state,
            UserProfileDialog(self.user_state),
            clock,
        )

    async def handle(self, method: str, headers: Mapping[str, str], body: bytes) -> HttpResult:
        """Run the turn a request carries; ``headers`` keys are lower-case."""
        try:
            activity = read_activity(method, headers, body, self._max_request_bytes)
        except RejectedRequest as rejected:
            return rejected.result
        return await self.run_turn(headers.get("authorization", ""), activity)

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
            authentication.connector_factory = CachingConnectorFactory(
                authentication.connector_factory, self._app_id, self._connector_clients
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
            # The user has had an apology; the status tells the channel the
            # turn did not happen, and whether trying again may help: storage
            # was down, or another instance saved this conversation first.
            status = 503 if isinstance(failures[0], (StorageUnavailable, ETagConflict)) else 500
            return HttpResult(status, body)
        return HttpResult(invoke_response.status if invoke_response else 200, body)
