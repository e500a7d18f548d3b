"""The Blob service client and the two state containers, made ready on first use."""

from typing import Any, Dict, Mapping, Optional

from azure.core.exceptions import ResourceExistsError
from azure.storage.blob.aio import BlobServiceClient, ContainerClient

from ..settings import Settings
from .azure_credential import default_azure_credential
from .azure_errors import unavailable_on_outage
from .state_containers import StateContainerConnection, StateContainers

# The Azure Storage Emulator's and Azurite's well-known account.
DEVELOPMENT_ACCOUNT = "devstoreaccount1"
DEVELOPMENT_ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
DEVELOPMENT_BLOB_PORT = 10000


def expand_development_storage(connection_string: str) -> str:
    """The explicit form of ``UseDevelopmentStorage=true``; others unchanged.

    azure-storage-blob 12.7.0 does not understand the shorthand, which is
    what ``func init`` puts in AzureWebJobsStorage for local runs.
    """
    parts = _connection_string_parts(connection_string)
    if parts.get("usedevelopmentstorage", "").lower() != "true":
        return connection_string
    host = parts.get("developmentstorageproxyuri", "http://127.0.0.1").rstrip("/")
    return (
        f"DefaultEndpointsProtocol=http;AccountName={DEVELOPMENT_ACCOUNT};"
        f"AccountKey={DEVELOPMENT_ACCOUNT_KEY};"
        f"BlobEndpoint={host}:{DEVELOPMENT_BLOB_PORT}/{DEVELOPMENT_ACCOUNT};"
    )


def _connection_string_parts(connection_string: str) -> Dict[str, str]:
    parts = {}
    for part in connection_string.split(";"):
        name, separator, value = part.partition("=")
        if separator:
            parts[name.strip().lower()] = value.strip()
    return parts


class BlobConnection(StateContainerConnection[ContainerClient]):
    """One async service client shared by both stores; everything built lazily.

    Signs in with the connection string, or else with DefaultAzureCredential
    at ``blob_account_url``. ``client_options`` go to the SDK client as
    keyword arguments (tests pass a request-counting ``transport``).
    """

    def __init__(self, settings: Settings, client_options: Optional[Mapping[str, Any]] = None):
        super().__init__()
        self._settings = settings
        self._client_options = dict(client_options or {})
        self._client: Optional[BlobServiceClient] = None
        self._credential: Any = None

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._credential is not None:
            await self._credential.close()
            self._credential = None

    async def _open(self) -> StateContainers[ContainerClient]:
        client = self._get_client()
        conversation = client.get_container_client(self._settings.blob_conversation_state_container)
        user = client.get_container_client(self._settings.blob_user_state_container)
        with unavailable_on_outage():
            for container in (conversation, user):
                try:
                    await container.create_container()
                except ResourceExistsError:
                    pass
        return StateContainers(conversation=conversation, user=user)

    def _get_client(self) -> BlobServiceClient:
        if self._client is None:
            settings = self._settings
            if settings.blob_connection_string:
                self._client = BlobServiceClient.from_connection_string(
                    expand_development_storage(settings.blob_connection_string),
                    **self._client_options,
                )
            else:
                self._credential = default_azure_credential()
                self._client = BlobServiceClient(
                    settings.blob_account_url, credential=self._credential, **self._client_options
                )
        return self._client
