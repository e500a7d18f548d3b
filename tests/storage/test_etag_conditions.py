"""Conditional requests: lost races become ETagConflict, and only those."""

import pytest
from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError

from shared.storage import ETagConflict
from shared.storage.etag_conditions import conflict_if_changed, if_unchanged
from tests.storage.fake_response import Response


def test_only_a_real_e_tag_makes_a_request_conditional():
    assert if_unchanged(None) == {}
    assert if_unchanged('"1"') == {"etag": '"1"', "match_condition": MatchConditions.IfNotModified}


@pytest.mark.parametrize("status", [404, 412])
def test_a_conditional_write_that_lost_its_race_is_an_e_tag_conflict(status):
    with pytest.raises(ETagConflict):
        with conflict_if_changed("key", '"etag"'):
            raise HttpResponseError(response=Response(status))


def test_an_unconditional_write_keeps_its_own_error():
    with pytest.raises(HttpResponseError):
        with conflict_if_changed("key", None):
            raise HttpResponseError(response=Response(404))
