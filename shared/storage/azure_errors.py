"""Mapping Azure SDK outages onto the stores' own error."""

from contextlib import contextmanager
from typing import Iterator

from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

from .errors import StorageUnavailable


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
        status = getattr(error, "status_code", None)
        if status is not None and status >= 500:
            raise StorageUnavailable(f"storage answered {status}: {error}") from error
        raise
