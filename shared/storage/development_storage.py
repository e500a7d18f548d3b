"""``UseDevelopmentStorage=true``, spelled out for the old Blob client.

``func init`` puts the shorthand in AzureWebJobsStorage for local runs, and
Azurite answers it on 127.0.0.1:10000; azure-storage-blob 12.7.0 cannot
parse it, so it is expanded to the emulator's well-known account here.
"""

from typing import Dict

# The Azure Storage Emulator's and Azurite's well-known account.
DEVELOPMENT_ACCOUNT = "devstoreaccount1"
DEVELOPMENT_ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
DEVELOPMENT_BLOB_PORT = 10000


def expand_development_storage(connection_string: str) -> str:
    """The explicit form of ``UseDevelopmentStorage=true``; others unchanged."""
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
