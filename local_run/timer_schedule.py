"""A timer trigger's ``schedule``: an NCRONTAB expression or a TimeSpan.

Azure accepts both forms in function.json (TimeSpan ``hh:mm:ss`` only outside
the Consumption plan); the local host takes both so no valid app is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from local_run.ncrontab import NCrontabError, parse_ncrontab

__all__ = ["IntervalSchedule", "TimerSchedule", "parse_timer_schedule"]

_TIMESPAN = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})$")


class TimerSchedule(Protocol):
    """What the timer runner needs from a schedule."""

    @property
    def expression(self) -> str:
        """The schedule as written, for logs."""
        ...

    def next_after(self, moment: datetime) -> datetime:
        """The first occurrence strictly after ``moment``."""
        ...


@dataclass(frozen=True)
class IntervalSchedule:
    """A TimeSpan schedule: fires every ``interval``, counted from the last firing."""

    expression: str
    interval: timedelta

    def next_after(self, moment: datetime) -> datetime:
        return moment + self.interval


def parse_timer_schedule(expression: str) -> TimerSchedule:
    """Parse either schedule form; errors are ``NCrontabError`` naming the expression."""
    timespan = _TIMESPAN.match(expression.strip())
    if timespan is None:
        return parse_ncrontab(expression)
    hours, minutes, seconds = (int(part) for part in timespan.groups())
    interval = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    if minutes > 59 or seconds > 59 or interval <= timedelta(0):
        raise NCrontabError(
            f"'{expression}' is not a valid TimeSpan schedule: use hh:mm:ss above 00:00:00"
        )
    return IntervalSchedule(expression, interval)
