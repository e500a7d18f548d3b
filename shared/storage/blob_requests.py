"""Get Blob and Put Blob for one state record, as plain REST requests.

A turn reads its conversation's blob and writes it back. Through the SDK's
operations each of those costs about twice the CPU of the request itself:
the generated layer serializes every header and parameter with msrest,
deserializes every response header into a model, and a download builds a
``StorageStreamDownloader`` for a body of a few kilobytes. Here the same
requests are sent through the container client's own pipeline, so its
credential (shared key or Azure AD), retries, request ids, logging and
transport all apply unchanged; only the layer that builds and reads the
requests is skipped.

Listing, container creation, deletes and metadata stay on the SDK's
operations: the sweeper and set-up call them rarely.
"""

from typing import Dict, Optional, Tuple
from urllib.parse import quote

from azure.core.exceptions import (
    HttpResponseError,
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
)
from azure.core.pipeline import AsyncPipeline
from azure.core.pipeline.transport import HttpRequest
from azure.storage.blob.aio import ContainerClient

_ERRORS = {404: ResourceNotFoundError, 409: ResourceExistsError, 412: ResourceModifiedError}


def _pipeline(container: ContainerClient) -> AsyncPipeline:
    # The SDK keeps the pipeline it built from the client's options here; the
    # SDK is pinned (requirements.txt), and every Blob test goes through this.
    return container._pipeline  # pylint: disable=protected-access


def blob_url(container: ContainerClient, name: str) -> str:
    """The URL of blob ``name``, as the SDK's BlobClient builds it (SAS kept)."""
    base, _, query = container.url.partition("?")
    url = f"{base}/{quote(name, safe='~/')}"
    return f"{url}?{query}" if query else url


async def get_blob(container: ContainerClient, name: str) -> Optional[Tuple[bytes, str]]:
    """The content and ETag of blob ``name``; None if there is no such blob."""
    request = HttpRequest("GET", blob_url(container, name))
    request.headers["x-ms-version"] = container.api_version
    response = (await _pipeline(container).run(request)).http_response
    if response.status_code == 404:
        return None
    _raise_unless(response, 200)
    return response.body(), response.headers["ETag"]


async def put_blob(
    container: ContainerClient,
    name: str,
    content: bytes,
    content_type: str,
    metadata: Optional[Dict[str, str]] = None,
    if_match: Optional[str] = None,
) -> None:
    """Replace blob ``name`` (create it if there is none) with ``content``.

    With ``if_match``, only if the blob still has that ETag: otherwise the
    service answers 412 (or 404 if it is gone), raised as the SDK raises it.
    """
    request = HttpRequest("PUT", blob_url(container, name))
    headers = request.headers
    headers["x-ms-version"] = container.api_version
    headers["x-ms-blob-type"] = "BlockBlob"
    headers["x-ms-blob-content-type"] = content_type
    headers["Content-Type"] = "application/octet-stream"
    for field, value in (metadata or {}).items():
        headers[f"x-ms-meta-{field}"] = value
    if if_match is not None:
        headers["If-Match"] = if_match
    request.set_bytes_body(content)
    response = (await _pipeline(container).run(request)).http_response
    _raise_unless(response, 201)


def _raise_unless(response, expected: int) -> None:
    """Raise what the SDK would for an unexpected status: the same exception
    classes, with the status code and the service's error code."""
    if response.status_code == expected:
        return
    code = response.headers.get("x-ms-error-code")
    message = f"Blob storage answered {response.status_code} {response.reason}"
    error = _ERRORS.get(response.status_code, HttpResponseError)(
        message=f"{message} ({code})" if code else message, response=response
    )
    error.error_code = code
    raise error
