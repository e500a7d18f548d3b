"""Outbound bot credentials from a user-assigned managed identity, fetched asynchronously.

With ``MicrosoftAppType=UserAssignedMSI`` the bot has no password: its app id
is the client id of a managed identity, and each token it sends to a channel
comes from that identity. botframework-connector's own
``ManagedIdentityAppCredentials`` fetches the token with msal and ``requests``
inside msrest's ``signed_session``, i.e. synchronously on the event loop, so a
slow identity endpoint would stall every turn of the worker. Here the token is
fetched with azure-identity's async ``ManagedIdentityCredential`` before the
connector client needs it (:meth:`ManagedIdentityBotCredentials.ensure_token`),
and ``signed_session`` only reads the cached token.
"""

import asyncio
import logging
import time
from typing import Dict, Optional

from botframework.connector.auth import (
    AppCredentials,
    AuthenticationConstants,
    ServiceClientCredentialsFactory,
)

from .settings import Settings

TOKEN_TIMEOUT_SECONDS = 10
# Refresh a token this long before it expires; a turn never sends one that
# could expire in flight.
REFRESH_MARGIN_SECONDS = 300

logger = logging.getLogger(__name__)


class ManagedIdentityTokenUnavailable(RuntimeError):
    """No valid token was fetched before the connector needed one."""


class ManagedIdentityBotCredentials(AppCredentials):
    """Bearer tokens for one scope, from the managed identity whose client id is the app id."""

    def __init__(self, app_id: str, oauth_scope: str, credential):
        super().__init__(app_id=app_id, oauth_scope=oauth_scope)
        self._credential = credential
        self._token: Optional[str] = None
        self._expires_on = 0.0
        self._lock = asyncio.Lock()
        self._refreshing: Optional[asyncio.Task] = None

    def _due(self, margin: float) -> bool:
        return self._token is None or time.time() >= self._expires_on - margin

    async def ensure_token(self) -> None:
        """Fetch a token unless the cached one is good for a few more minutes."""
        if not self._due(REFRESH_MARGIN_SECONDS):
            return
        async with self._lock:
            if not self._due(REFRESH_MARGIN_SECONDS):
                return
            scope = self.oauth_scope.rstrip("/") + "/.default"
            token = await asyncio.wait_for(
                self._credential.get_token(scope), TOKEN_TIMEOUT_SECONDS
            )
            self._token, self._expires_on = token.token, float(token.expires_on)

    def get_access_token(self, force_refresh: bool = False) -> str:
        """The cached token; called by msrest on the event loop, so it never does I/O."""
        if self._due(0):
            raise ManagedIdentityTokenUnavailable(
                "no managed identity token was fetched before the connector needed one"
            )
        if self._due(REFRESH_MARGIN_SECONDS * 2):
            self._refresh_in_background()
        return self._token

    def _refresh_in_background(self):
        if self._refreshing is not None and not self._refreshing.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._refreshing = loop.create_task(self.ensure_token())
        self._refreshing.add_done_callback(_log_failed_refresh)


def _log_failed_refresh(task: asyncio.Task):
    if not task.cancelled() and task.exception() is not None:
        logger.warning("managed identity token refresh failed: %r", task.exception())


class ManagedIdentityCredentialsFactory(ServiceClientCredentialsFactory):
    """botbuilder's credentials factory for ``UserAssignedMSI``, without blocking I/O.

    One credentials object per scope, shared by every connector client, so the
    token is fetched once per scope and worker, not once per client.
    """

    def __init__(self, app_id: str, credential=None):
        self.app_id = app_id
        self._credential = credential
        self._credentials: Dict[str, ManagedIdentityBotCredentials] = {}

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == self.app_id

    async def is_authentication_disabled(self) -> bool:
        return not self.app_id

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> ManagedIdentityBotCredentials:
        if app_id != self.app_id:
            raise PermissionError("the app id is not this bot's managed identity")
        scope = oauth_scope or AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
        credentials = self._credentials.get(scope)
        if credentials is None:
            credentials = ManagedIdentityBotCredentials(app_id, scope, self._identity())
            self._credentials[scope] = credentials
        await credentials.ensure_token()
        return credentials

    def _identity(self):
        if self._credential is None:
            # Imported here: only a UserAssignedMSI bot pays for azure-identity's
            # import, and it reads IDENTITY_ENDPOINT/IDENTITY_HEADER when built.
            from azure.identity.aio import ManagedIdentityCredential

            self._credential = ManagedIdentityCredential(client_id=self.app_id)
        return self._credential


def credentials_factory_for(settings: Settings) -> Optional[ServiceClientCredentialsFactory]:
    """The factory for the bot's app type; None keeps botbuilder's password-based one."""
    if settings.microsoft_app_type == "UserAssignedMSI":
        return ManagedIdentityCredentialsFactory(settings.microsoft_app_id)
    return None


async def ensure_fresh_token(credentials) -> None:
    """Refresh ``credentials`` before use when they fetch tokens asynchronously."""
    ensure_token = getattr(credentials, "ensure_token", None)
    if ensure_token is not None:
        await ensure_token()
