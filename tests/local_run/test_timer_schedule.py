"""A timer schedule is an NCRONTAB expression or a TimeSpan, as Azure allows."""

from datetime import UTC, datetime, timedelta

import pytest

from local_run.ncrontab import NCrontabError, NCrontabSchedule
from local_run.timer_schedule import IntervalSchedule, parse_timer_schedule


def test_six_fields_are_an_ncrontab_schedule():
    assert isinstance(parse_timer_schedule("*/30 * * * * *"), NCrontabSchedule)


def test_a_timespan_fires_every_interval():
    schedule = parse_timer_schedule("00:05:00")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    assert isinstance(schedule, IntervalSchedule)
    assert schedule.next_after(start) == start + timedelta(minutes=5)


@pytest.mark.parametrize("expression", ["00:00:00", "00:61:00", "1:2:3"])
def test_a_bad_timespan_is_refused(expression):
    with pytest.raises(NCrontabError):
        parse_timer_schedule(expression)
