"""NCRONTAB parsing and next occurrences follow the NCrontab library Azure uses."""

from datetime import UTC, datetime

import pytest

from local_run.ncrontab import NCrontabError, parse_ncrontab


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def occurrences(expression: str, start: str, count: int) -> list[str]:
    schedule = parse_ncrontab(expression)
    moment, found = at(start), []
    for _ in range(count):
        moment = schedule.next_after(moment)
        found.append(moment.strftime("%Y-%m-%d %a %H:%M:%S"))
    return found


def test_every_second_fires_strictly_after_the_given_time():
    assert occurrences("* * * * * *", "2024-01-01T00:00:00", 2) == [
        "2024-01-01 Mon 00:00:01",
        "2024-01-01 Mon 00:00:02",
    ]


def test_fractions_of_a_second_are_dropped():
    schedule = parse_ncrontab("* * * * * *")
    assert schedule.next_after(at("2024-01-01T00:00:00.900")) == at("2024-01-01T00:00:01")


def test_steps_count_from_the_start_of_the_field():
    assert occurrences("*/30 * * * * *", "2024-01-01T00:00:10", 3) == [
        "2024-01-01 Mon 00:00:30",
        "2024-01-01 Mon 00:01:00",
        "2024-01-01 Mon 00:01:30",
    ]


def test_a_value_with_a_step_runs_to_the_end_of_the_field():
    assert parse_ncrontab("10/20 * * * * *").seconds == (10, 30, 50)


def test_ranges_with_steps_and_lists_combine():
    schedule = parse_ncrontab("0 0,15 9-17/4 * * *")
    assert schedule.minutes == (0, 15)
    assert schedule.hours == (9, 13, 17)


def test_a_reversed_range_is_swapped_as_ncrontab_does():
    assert parse_ncrontab("0 0 5-1 * * *").hours == (1, 2, 3, 4, 5)


def test_the_hour_rolls_over_into_the_next_day_and_month():
    assert occurrences("0 30 9 * * *", "2024-01-31T10:00:00", 1) == ["2024-02-01 Thu 09:30:00"]


def test_names_of_days_and_months_match_by_prefix_in_any_case():
    schedule = parse_ncrontab("0 0 12 * jan-Mar MON,friday")
    assert schedule.months == (1, 2, 3)
    assert schedule.days_of_week == (1, 5)


def test_day_of_week_uses_sunday_as_zero():
    assert occurrences("0 0 8 * * 0", "2024-01-01T00:00:00", 1) == ["2024-01-07 Sun 08:00:00"]


def test_day_of_month_and_day_of_week_must_both_match():
    # Unix cron would fire on every 13th and every Friday; NCrontab only on Friday the 13th.
    assert occurrences("0 0 0 13 * FRI", "2024-01-01T00:00:00", 2) == [
        "2024-09-13 Fri 00:00:00",
        "2024-12-13 Fri 00:00:00",
    ]


def test_days_missing_from_a_month_are_skipped():
    assert occurrences("0 0 0 31 * *", "2024-01-31T12:00:00", 2) == [
        "2024-03-31 Sun 00:00:00",
        "2024-05-31 Fri 00:00:00",
    ]


def test_the_29th_of_february_waits_for_a_leap_year():
    assert occurrences("0 0 0 29 2 *", "2024-03-01T00:00:00", 1) == ["2028-02-29 Tue 00:00:00"]


def test_the_time_zone_of_the_given_time_is_kept():
    schedule = parse_ncrontab("0 0 * * * *")
    assert schedule.next_after(at("2024-01-01T00:10:00")).tzinfo is UTC


@pytest.mark.parametrize(
    "expression",
    ["*/5 * * * *", "0 0 0 * * * 2024", "", "@hourly"],
)
def test_anything_but_six_fields_is_refused_naming_the_expression(expression):
    with pytest.raises(NCrontabError, match="6") as error:
        parse_ncrontab(expression)
    assert f"'{expression}'" in str(error.value)


@pytest.mark.parametrize(
    ("expression", "complaint"),
    [
        ("60 * * * * *", "second value 60 is outside 0-59"),
        ("* * 24 * * *", "hour value 24 is outside 0-23"),
        ("* * * 0 * *", "day value 0 is outside 1-31"),
        ("* * * * * 7", "day-of-week value 7 is outside 0-6"),
        ("* * * * FOO *", "'FOO' is not a valid month value"),
        ("* MON * * * *", "'MON' is not a valid minute value"),
        ("*/x * * * * *", "step must be a whole number"),
        ("1,,2 * * * * *", "empty value"),
        ("? * * * * *", "'?' is not a valid second value"),
    ],
)
def test_bad_fields_are_refused_with_the_reason(expression, complaint):
    with pytest.raises(NCrontabError) as error:
        parse_ncrontab(expression)
    assert complaint in str(error.value)
    assert f"'{expression}'" in str(error.value)


def test_a_schedule_that_never_fires_says_so():
    schedule = parse_ncrontab("0 0 0 30 2 *")
    with pytest.raises(NCrontabError, match="never fires"):
        schedule.next_after(at("2024-01-01T00:00:00"))
