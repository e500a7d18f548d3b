"""Mapping Azure SDK failures onto the stores' own errors."""

from contextlib import contextmanager
from typing import Iterator, Optional

from azure.core.exceptions import (
    AzureError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
)

from .errors import StorageUnavailable

PRECONDITION_FAILED = 412
NOT_FOUND = 404
CONFLICT = 409


def status_of(error: AzureError) -> Optional[int]:
    """The HTTP status of a failed request, or None if none arrived."""
    return getattr(error, "status_code", None)


@contextmanager
def unavailable_on_outage() -> Iterator[None]:
    """Turn "cannot reach storage" and 5xx answers into StorageUnavailable.

    Callers then handle an outage the same way whatever the backend; every
    other SDK error (a bug, bad credentials, a 4xx) passes through unchanged.
    """
    try:
        yield
    except (ServiceRequestError, ServiceResponseError) as error:
        raise StorageUnavailable(f"storage could not be reached: {error}") from error
    except HttpResponseError as error:
        status = status_of(error)
        if status is not None and status >= 500:
            raise StorageUnavailable(f"storage answered {status}: {error}") from error
        raise
