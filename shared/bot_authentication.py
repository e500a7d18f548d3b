"""The bot's Bot Framework authentication, built once from the settings.

Shared by the message path (inbound tokens, replies) and the sweeper (expiry
notices and warnings), so both sign their calls the same way and both send
through the worker's bounded connection. It imports no dialog code.
"""

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication

from .bot_credentials import credentials_factory_for
from .client_cache import CachingBotFrameworkAuthentication
from .connector_http import ConnectorSession
from .settings import Settings


class _AuthenticationConfig:
    """The attribute names botbuilder's authentication reads its settings from."""

    def __init__(self, settings: Settings):
        self.APP_ID = settings.microsoft_app_id  # pylint: disable=invalid-name
        self.APP_PASSWORD = settings.microsoft_app_password  # pylint: disable=invalid-name
        self.APP_TYPE = settings.microsoft_app_type  # pylint: disable=invalid-name
        self.APP_TENANTID = settings.microsoft_app_tenant_id  # pylint: disable=invalid-name


def create_bot_authentication(
    settings: Settings, connection: ConnectorSession
) -> CachingBotFrameworkAuthentication:
    """botbuilder's authentication for ``settings``; its connector clients send
    through ``connection``."""
    return CachingBotFrameworkAuthentication(
        ConfigurationBotFrameworkAuthentication(
            _AuthenticationConfig(settings), credentials_factory=credentials_factory_for(settings)
        ),
        settings.microsoft_app_id,
        connection,
    )
