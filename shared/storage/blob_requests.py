"""Get Blob and Put Blob for one state record, as plain REST requests.

A turn reads its conversation's blob and writes it back. Through the SDK's
operations each of those costs about twice the CPU of the request itself:
the generated layer serializes every header and parameter with msrest,
deserializes every response header into a model, and a download builds a
``StorageStreamDownloader`` for a body of a few kilobytes. Here the same
requests are sent through the container client's own pipeline, so its
credential (shared key or Azure AD), retries, redirects, logging, tracing
and transport all apply unchanged; only the layer that builds and reads the
requests is skipped.

That pipeline is rebuilt once per container client without the policies
that can do nothing for these two requests (see ``_record_pipeline``), and
with its date and request id set without a ``uuid1``: libuuid tries the
uuidd daemon's socket on every call, three system calls per request, to
make an id that only has to be unique.

Listing, container creation, deletes and metadata stay on the SDK's
operations: the sweeper and set-up call them rarely.
"""

import time
import uuid
from typing import Dict, Optional, Tuple
from urllib.parse import quote
from weakref import WeakKeyDictionary
from wsgiref.handlers import format_date_time

from azure.core.exceptions import (
    HttpResponseError,
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
)
from azure.core.pipeline import AsyncPipeline
from azure.core.pipeline.policies import HeadersPolicy, SansIOHTTPPolicy
from azure.core.pipeline.transport import HttpRequest
from azure.storage.blob._shared.policies import (  # pinned (requirements.txt); tests/storage/test_blob_requests.py
    QueueMessagePolicy,
    StorageContentValidation,
    StorageHeadersPolicy,
    StorageRequestHook,
)
from azure.storage.blob._shared.policies_async import AsyncStorageResponseHook
from azure.storage.blob.aio import ContainerClient

from .sdk_pipeline import idle_policy, pipeline_without

_ERRORS = {404: ResourceNotFoundError, 409: ResourceExistsError, 412: ResourceModifiedError}

_record_pipelines: "WeakKeyDictionary[ContainerClient, AsyncPipeline]" = WeakKeyDictionary()


def _pipeline(container: ContainerClient) -> AsyncPipeline:
    """The pipeline a record's requests go through, built once per container client."""
    pipeline = _record_pipelines.get(container)
    if pipeline is None:
        # The SDK keeps the pipeline it built from the client's options here.
        sdk_pipeline = container._pipeline  # pylint: disable=protected-access
        pipeline = _record_pipelines[container] = _record_pipeline(sdk_pipeline)
    return pipeline


def _record_pipeline(sdk_pipeline: AsyncPipeline) -> AsyncPipeline:
    """The SDK client's pipeline without the policies that do nothing for a
    Get or Put Blob sent here (see ``sdk_pipeline``): also the queue message
    encoder, content validation (not asked for), and the request and response
    hooks unless the client was given one. Its headers policy is replaced by
    ``RequestHeaders``."""

    def leave_out(policy: object) -> bool:
        # pylint: disable=protected-access
        if isinstance(policy, StorageRequestHook):
            return policy._request_callback is None
        if isinstance(policy, AsyncStorageResponseHook):
            return policy._response_callback is None
        return isinstance(policy, (QueueMessagePolicy, StorageContentValidation)) or idle_policy(policy)

    def replace(policy: object) -> object:
        return RequestHeaders(policy) if isinstance(policy, StorageHeadersPolicy) else policy

    return pipeline_without(sdk_pipeline, leave_out, replace)


class RequestHeaders(SansIOHTTPPolicy):
    """What the SDK's ``StorageHeadersPolicy`` sets: the client's own headers,
    the request's date and a client request id (a ``uuid4``, not a ``uuid1``)."""

    def __init__(self, sdk_policy: HeadersPolicy):
        super().__init__()
        self._client_headers = sdk_policy.headers

    def on_request(self, request) -> None:
        headers = request.http_request.headers
        headers.update(self._client_headers)
        headers["x-ms-date"] = format_date_time(time.time())
        headers["x-ms-client-request-id"] = str(uuid.uuid4())


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
