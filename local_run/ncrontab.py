"""NCRONTAB schedules: the six-field cron dialect of Azure Functions timer triggers.

Azure evaluates a timer's ``schedule`` with the NCrontab library, so this module
follows NCrontab's rules rather than Unix cron's, keeping a schedule that works
here working in Azure and the other way round:

- six fields: second minute hour day month day-of-week;
- day-of-month and day-of-week must *both* match (Unix cron ORs them);
- day-of-week runs 0-6 with Sunday 0;
- names match by case-insensitive prefix (``MON``, ``Monday``; ``JAN``);
- ``a/n`` means from ``a`` to the field's end every ``n``; a reversed range
  ``5-1`` is swapped; a step below 1 counts as 1.
"""

from __future__ import annotations

import bisect
import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["NCrontabError", "NCrontabSchedule", "parse_ncrontab"]

_MONTH_NAMES = tuple(calendar.month_name[1:])
_DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")

# Long enough for the rarest satisfiable schedule (29 February on a given
# weekday recurs within 40 years across a skipped leap year like 2100).
_SEARCH_YEARS = 50


class NCrontabError(ValueError):
    """An NCRONTAB expression that Azure would refuse, or one that never fires."""


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()


_FIELDS = (
    _Field("second", 0, 59),
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day", 1, 31),
    _Field("month", 1, 12, _MONTH_NAMES),
    _Field("day-of-week", 0, 6, _DAY_NAMES),
)


@dataclass(frozen=True)
class NCrontabSchedule:
    """The parsed schedule: the allowed values of each field, sorted."""

    expression: str
    seconds: tuple[int, ...]
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: tuple[int, ...]
    months: tuple[int, ...]
    days_of_week: tuple[int, ...]

    def next_after(self, moment: datetime) -> datetime:
        """The first occurrence strictly after ``moment``, in its time zone.

        Fields are compared with ``moment``'s wall clock, as NCrontab does.
        """
        t = moment.replace(microsecond=0) + timedelta(seconds=1)
        horizon = moment.year + _SEARCH_YEARS
        while t.year <= horizon:
            month = _next_value(self.months, t.month)
            if month is None:
                t = t.replace(year=t.year + 1, month=1, day=1, hour=0, minute=0, second=0)
                continue
            if month != t.month:
                t = t.replace(month=month, day=1, hour=0, minute=0, second=0)
                continue
            if t.day not in self.days or _ncrontab_weekday(t) not in self.days_of_week:
                t = _start_of_next_day(t)
                continue
            hour = _next_value(self.hours, t.hour)
            if hour is None:
                t = _start_of_next_day(t)
                continue
            if hour != t.hour:
                t = t.replace(hour=hour, minute=0, second=0)
                continue
            minute = _next_value(self.minutes, t.minute)
            if minute is None:
                t = t.replace(minute=0, second=0) + timedelta(hours=1)
                continue
            if minute != t.minute:
                t = t.replace(minute=minute, second=0)
                continue
            second = _next_value(self.seconds, t.second)
            if second is None:
                t = t.replace(second=0) + timedelta(minutes=1)
                continue
            return t.replace(second=second)
        raise NCrontabError(
            f"NCRONTAB expression '{self.expression}' never fires "
            f"(no occurrence within {_SEARCH_YEARS} years)"
        )


def parse_ncrontab(expression: str) -> NCrontabSchedule:
    """Parse a six-field NCRONTAB expression, naming it in any error."""
    tokens = expression.split()
    if len(tokens) != len(_FIELDS):
        raise NCrontabError(
            f"'{expression}' is not a valid NCRONTAB expression: it has {len(tokens)} "
            "field(s); Azure timer triggers need 6: "
            "second minute hour day month day-of-week (e.g. '0 */5 * * * *')"
        )
    values = []
    for field, token in zip(_FIELDS, tokens, strict=True):
        try:
            values.append(_parse_field(field, token))
        except NCrontabError as error:
            raise NCrontabError(
                f"'{expression}' is not a valid NCRONTAB expression: {error}"
            ) from None
    return NCrontabSchedule(expression, *values)


def _parse_field(field: _Field, token: str) -> tuple[int, ...]:
    allowed: set[int] = set()
    for part in token.split(","):
        allowed.update(_parse_part(field, part))
    return tuple(sorted(allowed))


def _parse_part(field: _Field, part: str) -> range:
    where = f"{field.name} field '{part}'"
    if not part:
        raise NCrontabError(f"empty value in the {field.name} field")
    step = 1
    if "/" in part:
        part, _, step_text = part.partition("/")
        if not (step_text.isascii() and step_text.isdigit()):
            raise NCrontabError(f"{where}: the step must be a whole number")
        step = max(int(step_text), 1)
    if part == "*":
        return range(field.low, field.high + 1, step)
    if "-" in part:
        first_text, _, last_text = part.partition("-")
        first, last = sorted((_parse_value(field, first_text), _parse_value(field, last_text)))
        return range(first, last + 1, step)
    first = _parse_value(field, part)
    return range(first, (field.high if step > 1 else first) + 1, step)


def _parse_value(field: _Field, text: str) -> int:
    if text.isascii() and text.isdigit():
        value = int(text)
    else:
        value = _value_of_name(field, text)
    if not field.low <= value <= field.high:
        raise NCrontabError(f"{field.name} value {value} is outside {field.low}-{field.high}")
    return value


def _value_of_name(field: _Field, text: str) -> int:
    if text and field.names:
        for offset, name in enumerate(field.names):
            if name.lower().startswith(text.lower()):
                return field.low + offset
    known = (
        f"a number or one of {', '.join(name[:3].upper() for name in field.names)}"
        if field.names
        else "a number"
    )
    raise NCrontabError(f"'{text}' is not a valid {field.name} value: use {known}")


def _next_value(values: tuple[int, ...], current: int) -> int | None:
    index = bisect.bisect_left(values, current)
    return values[index] if index < len(values) else None


def _ncrontab_weekday(moment: datetime) -> int:
    return moment.isoweekday() % 7  # Sunday 0 ... Saturday 6, as .NET DayOfWeek


def _start_of_next_day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0) + timedelta(days=1)
