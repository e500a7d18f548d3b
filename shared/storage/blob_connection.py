"""The Blob service client and the two state containers, made ready on first use."""

from typing import Any, Mapping, Optional

from azure.core.exceptions import ResourceExistsError
from azure.storage.blob.aio import BlobServiceClient, ContainerClient

from ..settings import Settings
from .azure_errors import unavailable_on_outage
from .development_storage import expand_development_storage
from .sdk_transport import client_options_with_transport
from .state_containers import StateContainerConnection, StateContainers


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
            options = client_options_with_transport(self._client_options)
            if settings.blob_connection_string:
                self._client = BlobServiceClient.from_connection_string(
                    expand_development_storage(settings.blob_connection_string), **options
                )
            else:
                self._client = BlobServiceClient(
                    settings.blob_account_url, credential=self._azure_ad_credential(), **options
                )
        return self._client
