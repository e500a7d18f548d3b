"""The conversation and user containers of one backend, opened together.

Both stores of a backend share one SDK client; it is built, and the
containers created if missing, on the first call that needs them (inside the
running event loop, never at import time).
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .azure_credential import default_azure_credential
from .lazy_resource import LazyResource

C = TypeVar("C")


@dataclass(frozen=True)
class StateContainers(Generic[C]):
    conversation: C
    user: C


class StateContainerConnection(ABC, Generic[C]):
    """Opens both containers once; hands each store its own.

    Subclasses build their SDK client into ``_client`` and, when signing in
    with Azure AD, take the credential from :meth:`_azure_ad_credential`, so
    :meth:`close` can release both.
    """

    def __init__(self):
        self._containers: LazyResource[StateContainers[C]] = LazyResource(self._open)
        self._client: Any = None
        self._credential: Any = None

    async def conversation_container(self) -> C:
        return (await self._containers.get()).conversation

    async def user_container(self) -> C:
        return (await self._containers.get()).user

    async def close(self) -> None:
        """Release the client's connections and the credential; the next use reopens."""
        self._containers = LazyResource(self._open)
        client, self._client = self._client, None
        credential, self._credential = self._credential, None
        if client is not None:
            await client.close()
        if credential is not None:
            await credential.close()

    def _azure_ad_credential(self) -> Any:
        if self._credential is None:
            self._credential = default_azure_credential()
        return self._credential

    @abstractmethod
    async def _open(self) -> StateContainers[C]:
        """Build the client and make sure both containers exist."""
