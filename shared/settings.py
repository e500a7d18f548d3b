"""Every setting the function app reads, parsed and checked in one place.

Names follow the article and Azure conventions. App settings arrive as
environment variables, i.e. strings; a value that does not parse stops
start-up with a :class:`SettingsError` that names the setting.
"""

import os
import re
from dataclasses import dataclass
from typing import Mapping, Optional, Tuple

from .hosting import running_in_azure as _running_in_azure

STORAGE_BACKENDS = ("memory", "blob", "cosmos")
DEFAULT_EXPIRY_NOTICE = (
    "This conversation timed out after a while without messages. "
    "Send any message to start over."
)
DEFAULT_WARNING = (
    "Are you still there? This conversation will time out soon; "
    "send any message to keep it going."
)
WEEK_SECONDS = 7 * 24 * 3600
APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")


class SettingsError(ValueError):
    """A setting is missing or has a value the app cannot use."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"setting {name}: {problem}")
        self.setting = name


@dataclass(frozen=True)
class Settings:
    """The app's configuration; build it with :meth:`from_environment`."""

    microsoft_app_id: str = ""
    microsoft_app_password: str = ""
    microsoft_app_type: str = "MultiTenant"
    microsoft_app_tenant_id: str = ""
    expire_after_seconds: int = 30
    warn_before_seconds: int = 0
    remember_expired_seconds: int = WEEK_SECONDS
    expiry_notice_text: str = DEFAULT_EXPIRY_NOTICE
    warning_text: str = DEFAULT_WARNING
    state_storage: str = "memory"
    sweep_batch_size: int = 1000
    cosmos_db_time_to_live: Optional[int] = None
    cosmos_db_endpoint: str = ""
    cosmos_db_auth_key: str = ""
    cosmos_db_database_id: str = ""
    cosmos_db_user_state_container_id: str = ""
    cosmos_db_conversation_state_container_id: str = ""
    cosmos_db_verify_tls: bool = True
    blob_connection_string: str = ""
    blob_account_url: str = ""
    blob_user_state_container: str = "user-state"
    blob_conversation_state_container: str = "conversation-state"
    max_request_bytes: int = 256 * 1024
    storage_timeout_seconds: int = 10
    max_text_length: int = 500
    allow_unauthenticated_requests: bool = False
    allowed_service_urls: Tuple[str, ...] = ()
    running_in_azure: bool = False

    @property
    def authenticates_requests(self) -> bool:
        """True when the bot has credentials and so demands signed requests."""
        return bool(self.microsoft_app_id)

    @classmethod
    def from_environment(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        """Read and check the settings from ``environ`` (default: os.environ)."""
        env = _Environment(os.environ if environ is None else environ)
        running_in_azure = _running_in_azure(os.environ if environ is None else environ)
        state_storage = env.choice("StateStorage", STORAGE_BACKENDS, default="")
        if not state_storage:
            if running_in_azure:
                raise SettingsError(
                    "StateStorage",
                    "is not set; a deployed app must keep state in 'blob' or 'cosmos', "
                    "because memory state is lost between instances",
                )
            state_storage = "memory"
        settings = cls(
            microsoft_app_id=env.text("MicrosoftAppId"),
            microsoft_app_password=env.text("MicrosoftAppPassword"),
            microsoft_app_type=env.choice("MicrosoftAppType", APP_TYPES, default="MultiTenant"),
            microsoft_app_tenant_id=env.text("MicrosoftAppTenantId"),
            expire_after_seconds=env.integer("ExpireAfterSeconds", default=30, minimum=0),
            warn_before_seconds=env.integer("WarnBeforeSeconds", default=0, minimum=0),
            remember_expired_seconds=env.integer(
                "RememberExpiredSeconds", default=WEEK_SECONDS, minimum=0
            ),
            expiry_notice_text=env.text_or_default("ExpiryNoticeText", DEFAULT_EXPIRY_NOTICE),
            warning_text=env.text_or_default("WarningText", DEFAULT_WARNING),
            state_storage=state_storage,
            sweep_batch_size=env.integer("SweepBatchSize", default=1000, minimum=1),
            cosmos_db_time_to_live=env.optional_integer("CosmosDbTimeToLive", minimum=1),
            cosmos_db_endpoint=env.text("CosmosDbEndpoint"),
            cosmos_db_auth_key=env.text("CosmosDbAuthKey"),
            cosmos_db_database_id=env.text("CosmosDbDatabaseId"),
            cosmos_db_user_state_container_id=env.text("CosmosDbUserStateContainerId"),
            cosmos_db_conversation_state_container_id=env.text(
                "CosmosDbConversationStateContainerId"
            ),
            cosmos_db_verify_tls=env.boolean("CosmosDbVerifyTls", default=True),
            blob_connection_string=env.text("BlobConnectionString")
            or env.text("AzureWebJobsStorage"),
            blob_account_url=env.text("BlobAccountUrl"),
            blob_user_state_container=env.text("BlobUserStateContainer") or "user-state",
            blob_conversation_state_container=env.text("BlobConversationStateContainer")
            or "conversation-state",
            storage_timeout_seconds=env.integer("StorageTimeoutSeconds", default=10, minimum=1),
            max_request_bytes=env.integer("MaxRequestBytes", default=256 * 1024, minimum=1024),
            max_text_length=env.integer("MaxTextLength", default=500, minimum=1),
            allow_unauthenticated_requests=env.boolean(
                "AllowUnauthenticatedRequests", default=False
            ),
            allowed_service_urls=env.url_list("AllowedServiceUrls"),
            running_in_azure=running_in_azure,
        )
        settings._check_storage()
        settings._check_credentials()
        settings._check_lifecycle()
        return settings

    def _check_lifecycle(self):
        if self.warn_before_seconds and self.warn_before_seconds >= self.expire_after_seconds > 0:
            raise SettingsError(
                "WarnBeforeSeconds",
                f"is {self.warn_before_seconds}; a warning must come before the expiry, "
                f"so less than ExpireAfterSeconds ({self.expire_after_seconds})",
            )

    def _check_credentials(self):
        if self.microsoft_app_password and not self.microsoft_app_id:
            raise SettingsError("MicrosoftAppId", "is empty but MicrosoftAppPassword is set")
        if self.running_in_azure and not self.microsoft_app_id:
            if not self.allow_unauthenticated_requests:
                raise SettingsError(
                    "MicrosoftAppId",
                    "is empty, so anyone could post activities as any user and continue any "
                    "conversation; set the bot's credentials, or set "
                    "AllowUnauthenticatedRequests=true if the app is only reachable from a "
                    "private network",
                )
        if self.microsoft_app_type == "SingleTenant":
            self._check_single_tenant()
        if self.microsoft_app_type == "UserAssignedMSI":
            self._check_managed_identity()

    def _check_single_tenant(self):
        """The app signs in to its own tenant: botbuilder needs all three."""
        for setting, value in (
            ("MicrosoftAppId", self.microsoft_app_id),
            ("MicrosoftAppPassword", self.microsoft_app_password),
            ("MicrosoftAppTenantId", self.microsoft_app_tenant_id),
        ):
            if not value:
                raise SettingsError(setting, "is required for a SingleTenant app")

    def _check_managed_identity(self):
        """The identity signs the bot in: its client id and tenant, and no password."""
        if not self.microsoft_app_id:
            raise SettingsError(
                "MicrosoftAppId", "is required for UserAssignedMSI: the identity's client id"
            )
        if not self.microsoft_app_tenant_id:
            raise SettingsError("MicrosoftAppTenantId", "is required for UserAssignedMSI")
        if self.microsoft_app_password:
            raise SettingsError(
                "MicrosoftAppPassword",
                "must be empty for UserAssignedMSI: the managed identity signs the bot in",
            )

    def _check_storage(self):
        required = {
            "cosmos": {
                "CosmosDbEndpoint": self.cosmos_db_endpoint,
                "CosmosDbDatabaseId": self.cosmos_db_database_id,
                "CosmosDbUserStateContainerId": self.cosmos_db_user_state_container_id,
                "CosmosDbConversationStateContainerId": (
                    self.cosmos_db_conversation_state_container_id
                ),
            },
            "blob": {
                "BlobUserStateContainer": self.blob_user_state_container,
                "BlobConversationStateContainer": self.blob_conversation_state_container,
            },
        }.get(self.state_storage, {})
        for name, value in required.items():
            if not value:
                raise SettingsError(name, f"is required when StateStorage is {self.state_storage}")
        if self.state_storage == "blob":
            if not (self.blob_connection_string or self.blob_account_url):
                raise SettingsError(
                    "BlobConnectionString",
                    "is required when StateStorage is blob "
                    "(or set AzureWebJobsStorage, or BlobAccountUrl to sign in with Azure AD)",
                )
            if self.blob_user_state_container == self.blob_conversation_state_container:
                raise SettingsError(
                    "BlobConversationStateContainer",
                    "must differ from BlobUserStateContainer: conversation and user state "
                    "live apart",
                )
        if self.state_storage == "cosmos" and (
            self.cosmos_db_user_state_container_id
            == self.cosmos_db_conversation_state_container_id
        ):
            raise SettingsError(
                "CosmosDbConversationStateContainerId",
                "must differ from CosmosDbUserStateContainerId: only conversation state "
                "may carry a time to live",
            )


class _Environment:
    """Typed reads of string settings, each error naming its setting."""

    def __init__(self, environ: Mapping[str, str]):
        self._environ = environ

    def text(self, name: str) -> str:
        return (self._environ.get(name) or "").strip()

    def text_or_default(self, name: str, default: str) -> str:
        """``default`` when the setting is absent; an empty value means none."""
        return default if self._environ.get(name) is None else self.text(name)

    def choice(self, name: str, allowed, default: str) -> str:
        value = self.text(name)
        if not value:
            return default
        for option in allowed:
            if value.lower() == option.lower():
                return option
        raise SettingsError(name, f"is {value!r}; use one of {', '.join(allowed)}")

    def boolean(self, name: str, default: bool) -> bool:
        value = self.text(name).lower()
        if not value:
            return default
        if value in ("true", "1", "yes"):
            return True
        if value in ("false", "0", "no"):
            return False
        raise SettingsError(name, f"is {value!r}; expected true or false")

    def url_list(self, name: str) -> Tuple[str, ...]:
        """Comma- or space-separated http(s) URLs, each naming a host."""
        urls = tuple(part for part in re.split(r"[\s,]+", self.text(name)) if part)
        for url in urls:
            if not re.match(r"^https?://[^/?#@\s]+(/[^?#@\s]*)?$", url, re.IGNORECASE):
                raise SettingsError(
                    name, f"has {url!r}; expected http(s) URLs such as https://example.com/path"
                )
        return urls

    def integer(self, name: str, default: int, minimum: int) -> int:
        value = self.optional_integer(name, minimum)
        return default if value is None else value

    def optional_integer(self, name: str, minimum: int) -> Optional[int]:
        value = self.text(name)
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            raise SettingsError(name, f"is {value!r}; expected a whole number") from None
        if number < minimum:
            raise SettingsError(name, f"is {number}; expected at least {minimum}")
        return number
