"""The bot's Bot Framework authentication, built once from the settings.

Shared by the message path (inbound tokens, replies) and the sweeper (expiry
notices and warnings), so both sign their calls the same way and both send
through the worker's bounded connection. It imports no dialog code, and not
botbuilder's aiohttp integration: its ``ConfigurationBotFrameworkAuthentication``
only reads a configuration object into ``BotFrameworkAuthenticationFactory``,
and that package also loads aiohttp's web server and botbuilder's streaming,
which a Functions app never uses.
"""

from botframework.connector.auth import (
    AuthenticationConfiguration,
    BotFrameworkAuthenticationFactory,
    PasswordServiceClientCredentialFactory,
    ServiceClientCredentialsFactory,
)

from .bot_credentials import credentials_factory_for
from .client_cache import CachingBotFrameworkAuthentication
from .connector_http import ConnectorSession
from .settings import Settings


def _credentials_factory(settings: Settings) -> ServiceClientCredentialsFactory:
    """What botbuilder's ``ConfigurationServiceClientCredentialFactory`` builds for the
    app type, with the managed identity's factory for ``UserAssignedMSI``.

    Without an app id, the password factory disables authentication, as locally
    and in the Emulator. ``Settings`` has checked what each app type needs.
    """
    managed_identity = credentials_factory_for(settings)
    if managed_identity is not None:
        return managed_identity
    single_tenant = settings.microsoft_app_type == "SingleTenant"
    return PasswordServiceClientCredentialFactory(
        settings.microsoft_app_id,
        settings.microsoft_app_password,
        settings.microsoft_app_tenant_id if single_tenant else None,
    )


def create_bot_authentication(
    settings: Settings, connection: ConnectorSession
) -> CachingBotFrameworkAuthentication:
    """botbuilder's authentication for ``settings``, for the public cloud, as
    ``ConfigurationBotFrameworkAuthentication`` builds it from a configuration
    that sets only the credentials; its connector clients send through ``connection``."""
    return CachingBotFrameworkAuthentication(
        BotFrameworkAuthenticationFactory.create(
            validate_authority=True,
            credential_factory=_credentials_factory(settings),
            auth_configuration=AuthenticationConfiguration(),
        ),
        settings.microsoft_app_id,
        connection,
    )
