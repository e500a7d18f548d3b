"""SDK failures as the stores' own errors."""

import pytest
from azure.core.exceptions import HttpResponseError, ServiceRequestError

from shared.storage import StorageUnavailable
from shared.storage.azure_errors import unavailable_on_outage
from tests.storage.fake_response import Response


@pytest.mark.parametrize(
    "error",
    [ServiceRequestError("connection refused"), HttpResponseError(response=Response(503))],
)
def test_outages_become_storage_unavailable(error):
    with pytest.raises(StorageUnavailable):
        with unavailable_on_outage():
            raise error


def test_other_errors_pass_through():
    with pytest.raises(HttpResponseError):
        with unavailable_on_outage():
            raise HttpResponseError(response=Response(403))

