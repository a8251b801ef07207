"""`make peak` (python -m bench --peak): its options, how many officines it seeds, and
what its console says. The held rush itself is walked by hand (docs/benchmarks.md)."""

from __future__ import annotations

import pytest

from bench.config import parse
from bench.peak import officines_needed, progress_line
from bench.stats import Recorder


def test_peak_is_off_unless_asked_and_takes_minutes_and_a_rate() -> None:
    assert parse([]).peak_minutes is None
    config = parse(["--peak", "10", "--peak-rate", "2.5", "--scale", "100"])
    assert (config.peak_minutes, config.peak_rate) == (10, 2.5)


@pytest.mark.parametrize("argv", [["--peak", "0"], ["--peak", "5", "--peak-rate", "0"], ["--peak", "-1"]])
def test_a_peak_of_no_time_or_no_rate_is_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        parse(argv)


def test_enough_officines_are_seeded_that_none_orders_twice_while_the_rush_is_held() -> None:
    # 2 officines/s for 10 minutes: 1,200 rushes, more than the 100 asked for.
    assert officines_needed(parse(["--peak", "10", "--peak-rate", "2", "--scale", "100"])) > 1_200
    # A national scale asked for is kept even when the rate would need fewer.
    assert officines_needed(parse(["--peak", "1", "--scale", "national"])) == 20_600


def test_each_progress_line_counts_only_what_was_answered_since_the_last_one() -> None:
    recorder = Recorder("peak", 0.0)
    for n in range(4):
        recorder.add("CreateOrderLine", 0.0, 0.010 * (n + 1), "OK")
    recorder.add("CreateOrderLine", 0.0, 0.5, "HTTP 503")
    line, seen = progress_line(recorder, 0)
    assert line == "5 calls, median 30 ms, errors: HTTP 503 x1"
    recorder.add("ListOrderLines", 0.0, 0.002, "OK")
    line, seen = progress_line(recorder, seen)
    assert line == "1 calls, median 2 ms, errors: none" and seen == 6
    assert progress_line(recorder, seen)[0] == "0 calls, median -, errors: none"
