"""Azure AD sign-in for the storage clients when no key is configured."""

from typing import Any


def default_azure_credential() -> Any:
    """An async DefaultAzureCredential (managed identity, az login, ...).

    azure-identity is imported here, not at module load, so key-based and
    memory setups never pay for it.
    """
    from azure.identity.aio import DefaultAzureCredential

    return DefaultAzureCredential()
