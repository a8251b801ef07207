"""The two-hour promise: Monday to Saturday 09:00-20:00 Paris, no public holiday."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.mailer.support_clock import PARIS, due_time, is_open, is_working_day, opening_hours, working_time


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def due(*args: int) -> datetime:
    return due_time(paris(*args)).astimezone(PARIS)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # The examples of DESIGN.md §1b and issue 16.
        ((2022, 3, 5, 19, 30), (2022, 3, 7, 10, 30)),  # Saturday evening -> Monday
        ((2022, 3, 6, 14, 0), (2022, 3, 7, 11, 0)),  # Sunday -> Monday 11:00
        ((2022, 3, 7, 8, 15), (2022, 3, 7, 11, 0)),  # Monday before opening
        ((2022, 3, 7, 10, 0), (2022, 3, 7, 12, 0)),  # inside opening hours
        ((2022, 3, 7, 18, 0), (2022, 3, 7, 20, 0)),  # ends exactly at closing
        ((2022, 3, 7, 20, 0), (2022, 3, 8, 11, 0)),  # at closing: tomorrow
        ((2022, 3, 7, 23, 59), (2022, 3, 8, 11, 0)),
        # Lundi de Pâques 2022 (18 April) is closed: Saturday 19:00 -> Tuesday 10:00.
        ((2022, 4, 16, 19, 0), (2022, 4, 19, 10, 0)),
        ((2022, 4, 18, 9, 30), (2022, 4, 19, 11, 0)),
        # 14 juillet 2022 is a Thursday.
        ((2022, 7, 13, 19, 15), (2022, 7, 15, 10, 15)),
        # Christmas on a Sunday, then Monday open: Saturday 24 Dec 2022 19:00 -> Monday 10:00.
        ((2022, 12, 24, 19, 0), (2022, 12, 26, 10, 0)),
        # Ascension (Thursday 26 May 2022).
        ((2022, 5, 25, 19, 0), (2022, 5, 27, 10, 0)),
    ],
)
def test_examples(received: tuple[int, ...], expected: tuple[int, ...]) -> None:
    assert due(*received) == paris(*expected)


def test_spring_forward_week_keeps_wall_clock_hours() -> None:
    # Clocks go forward on Sunday 27 March 2022 (02:00 -> 03:00): Saturday 19:00 CET is
    # due Monday 10:00 CEST, which is 08:00 UTC (and Saturday's hour was 18:00-19:00 UTC).
    result = due_time(paris(2022, 3, 26, 19, 0))
    assert result == datetime(2022, 3, 28, 8, 0, tzinfo=UTC)
    assert result.astimezone(PARIS).hour == 10


def test_fall_back_week_keeps_wall_clock_hours() -> None:
    # Clocks go back on Sunday 30 October 2022: Saturday 19:30 CEST -> Monday 10:30 CET (09:30 UTC).
    result = due_time(paris(2022, 10, 29, 19, 30))
    assert result == datetime(2022, 10, 31, 9, 30, tzinfo=UTC)


def test_all_saints_after_fall_back() -> None:
    # Monday 31 October open, Tuesday 1 November (Toussaint) closed.
    assert due(2022, 10, 31, 19, 0) == paris(2022, 11, 2, 10, 0)


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^received must be timezone-aware$"):
        due_time(datetime(2022, 3, 7, 10, 0))


@pytest.mark.parametrize("budget", [timedelta(0), timedelta(minutes=-5)])
def test_a_budget_of_no_working_time_is_a_programming_error(budget: timedelta) -> None:
    with pytest.raises(ValueError, match=r"^budget must be positive$"):
        due_time(paris(2022, 3, 7, 10, 0), budget)


@pytest.fixture(params=["Pacific/Kiritimati", "Pacific/Honolulu"])
def server_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The process' local time zone, 13 hours ahead of Paris or 11 behind (a container's TZ is anyone's guess)."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_the_clock_follows_paris_whatever_the_server_s_time_zone(server_zone: str) -> None:
    # Friday 18:30 in Paris is already Saturday at UTC+14: 1 h 30 left on Friday, 30 min on Saturday.
    received = paris(2022, 3, 4, 18, 30)
    due_at = due_time(received)
    assert due_at == paris(2022, 3, 5, 9, 30) and due_at.tzinfo is UTC
    assert working_time(received, due_at) == timedelta(hours=2)
    inside = due_time(paris(2022, 3, 7, 10, 0))
    assert inside == paris(2022, 3, 7, 12, 0) and inside.tzinfo is UTC
    # Monday 09:30 in Paris is still Sunday evening in Honolulu: Monday's half hour counts.
    assert working_time(paris(2022, 3, 5, 19, 30), paris(2022, 3, 7, 9, 30)) == timedelta(hours=1)
    assert is_open(paris(2022, 3, 7, 9, 30)) and not is_open(paris(2022, 3, 5, 23, 30))
    opens, closes = opening_hours(date(2022, 3, 5))  # type: ignore[misc]
    assert (opens, closes) == (paris(2022, 3, 5, 9, 0), paris(2022, 3, 5, 20, 0))
    assert opens.tzinfo is UTC and closes.tzinfo is UTC


instants = st.datetimes(min_value=datetime(2021, 1, 1), max_value=datetime(2031, 12, 31), timezones=st.just(UTC))


@settings(max_examples=300, deadline=None)
@given(instants)
def test_due_time_is_inside_opening_hours_of_a_working_day(received: datetime) -> None:
    local = due_time(received).astimezone(PARIS)
    assert local.weekday() != 6
    assert is_working_day(local.date())
    assert (9, 0) <= (local.hour, local.minute) and local.time() <= datetime(2000, 1, 1, 20, 0).time()


@settings(max_examples=300, deadline=None)
@given(instants)
def test_exactly_two_working_hours_and_never_before_the_request(received: datetime) -> None:
    result = due_time(received)
    assert result >= received + timedelta(hours=2)
    assert working_time(received, result) == timedelta(hours=2)


@settings(max_examples=300, deadline=None)
@given(instants, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)))
def test_due_time_is_monotonic_in_the_request_time(received: datetime, later: timedelta) -> None:
    assert due_time(received) <= due_time(received + later)


@settings(max_examples=200, deadline=None)
@given(instants)
def test_received_during_opening_hours_early_enough_is_due_two_hours_later(received: datetime) -> None:
    local = received.astimezone(PARIS)
    if is_working_day(local.date()) and 9 <= local.hour < 18:
        assert due_time(received) == received + timedelta(hours=2)


def test_support_is_open_from_nine_until_just_before_eight_on_working_days() -> None:
    assert not is_open(paris(2022, 3, 7, 8, 59, 59))
    assert is_open(paris(2022, 3, 7, 9, 0))
    assert is_open(paris(2022, 3, 7, 19, 59, 59))
    assert not is_open(paris(2022, 3, 7, 20, 0))
    assert not is_open(paris(2022, 3, 6, 12, 0))  # Sunday
    assert not is_open(paris(2022, 11, 1, 12, 0))  # Toussaint
    # 08:30 UTC is 09:30 in Paris in winter: the Paris wall clock decides.
    assert is_open(datetime(2022, 3, 7, 8, 30, tzinfo=UTC))
