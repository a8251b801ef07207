"""When a support request is due: two working hours after it arrived.

Support works Monday to Saturday, 09:00-20:00 Europe/Paris, and not on French
public holidays (DESIGN.md §1b). Pure functions, no I/O: the opening hours are
wall-clock times in Paris, so every day's window is converted to UTC on its
own and a DST change (always at night) never shifts them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")
OPENS = time(9, 0)
CLOSES = time(20, 0)
SUNDAY = 6
# The promise made to users ("réponse sous deux heures").
RESPONSE_TIME = timedelta(hours=2)


@lru_cache(maxsize=64)
def _holidays(year: int) -> holidays.HolidayBase:
    # Metropolitan France's public holidays, from the maintained library (no hand-written list).
    return holidays.country_holidays("FR", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() != SUNDAY and day not in _holidays(day.year)


def opening_hours(day: date) -> tuple[datetime, datetime] | None:
    """The day's opening hours in UTC, or None when support is closed all day."""
    if not is_working_day(day):
        return None
    opens = datetime.combine(day, OPENS, tzinfo=PARIS).astimezone(UTC)
    closes = datetime.combine(day, CLOSES, tzinfo=PARIS).astimezone(UTC)
    return opens, closes


def due_time(received: datetime, budget: timedelta = RESPONSE_TIME) -> datetime:
    """The instant (UTC) at which `budget` of working time has elapsed since `received`."""
    if received.tzinfo is None:
        raise ValueError("received must be timezone-aware")
    if budget <= timedelta(0):
        raise ValueError("budget must be positive")
    left = budget
    day = received.astimezone(PARIS).date()
    while True:
        hours = opening_hours(day)
        if hours is not None:
            start = max(hours[0], received.astimezone(UTC))
            if start < hours[1]:
                if start + left <= hours[1]:
                    return start + left
                left -= hours[1] - start
        day += timedelta(days=1)


def working_time(start: datetime, end: datetime) -> timedelta:
    """Working time between two instants (zero when end <= start)."""
    total = timedelta(0)
    if end <= start:
        return total
    day = start.astimezone(PARIS).date()
    last = end.astimezone(PARIS).date()
    while day <= last:
        hours = opening_hours(day)
        if hours is not None:
            lo, hi = max(hours[0], start), min(hours[1], end)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total


def is_open(instant: datetime) -> bool:
    hours = opening_hours(instant.astimezone(PARIS).date())
    return hours is not None and hours[0] <= instant < hours[1]
