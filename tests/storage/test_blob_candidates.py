"""The listing filter: which blobs a sweep must download to check."""

from datetime import datetime, timezone

import pytest

from shared.storage.blob_candidates import (
    MAX_MARGIN_SECONDS,
    last_modified_margin,
    may_be_stale,
)

NOW = 1_800_000_000.0


def at(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, tz=timezone.utc)


@pytest.mark.parametrize(
    "idle_window, margin",
    [(30, 3.0), (1800, 180.0), (86400, MAX_MARGIN_SECONDS), (0, 0.0), (-60, 0.0)],
)
def test_the_margin_is_a_tenth_of_the_idle_window_up_to_five_minutes(idle_window, margin):
    assert last_modified_margin(NOW - idle_window, NOW) == pytest.approx(margin)


def test_a_blob_written_before_the_cutoff_and_margin_may_be_stale():
    cutoff = NOW - 1800
    assert may_be_stale(at(cutoff - 1), cutoff, NOW)
    assert may_be_stale(at(cutoff + 180), cutoff, NOW)


def test_a_blob_written_after_the_cutoff_and_margin_cannot_be_stale():
    cutoff = NOW - 1800
    assert not may_be_stale(at(cutoff + 181), cutoff, NOW)
    assert not may_be_stale(at(NOW), cutoff, NOW)
