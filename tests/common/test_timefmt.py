"""One way to write a time of day for users ('9 h 00'), from the helper to every template."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.timefmt import NBSP, clock, from_timestamp, paris_clock, paris_long, paris_short, to_timestamp

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = (
    ROOT / "services/gateway/templates",
    ROOT / "services/mailer/templates",
    ROOT / "services/mailer/sink_templates",
)

# A time written by hand rather than through `clock`: '9h00', '9 h', '08:00', '9 h 00'.
HAND_WRITTEN_TIME = re.compile(r"\b\d{1,2}\s?h\s?\d{0,2}\b|\b\d{1,2}:\d{2}\b|\b\d{1,2}\u00a0h\b")
# What a user may read: every time is 'H h MM' with no-break spaces, no leading zero.
WRONG_TIME_IN_TEXT = re.compile(
    r"\b\d{1,2}h\d{2}\b"  # 9h00
    r"|\b\d{1,2} h\b"  # '9 h' with a space that can break
    r"|\b0\d\u00a0h"  # 08 h 00
    r"|\b\d{1,2}\u00a0h(?!\u00a0\d{2})"  # 9 h without its minutes
    r"|(?<![\d/:-])\d{1,2}:\d{2}(?![\d:])"  # 08:00
)


def test_a_time_has_no_leading_zero_two_digit_minutes_and_no_break_spaces() -> None:
    assert clock(9) == f"9{NBSP}h{NBSP}00"
    assert clock(20, 5) == f"20{NBSP}h{NBSP}05"
    assert clock(0) == f"0{NBSP}h{NBSP}00"


def test_dates_and_times_are_read_in_paris_time_across_the_clock_change() -> None:
    winter = datetime(2022, 3, 7, 7, 5, tzinfo=UTC)
    summer = datetime(2022, 3, 28, 6, 0, tzinfo=UTC)
    assert paris_long(winter) == f"lundi 7 mars 2022 à 8{NBSP}h{NBSP}05"
    assert paris_short(winter) == f"07/03/2022 8{NBSP}h{NBSP}05"
    assert paris_clock(summer) == f"8{NBSP}h{NBSP}00"


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_every_time_the_helper_writes_is_one_the_checks_accept(value: datetime) -> None:
    for text in (paris_long(value), paris_short(value), paris_clock(value)):
        assert not WRONG_TIME_IN_TEXT.search(text), text


def _user_text(source: str) -> str:
    """A template's words: without Jinja tags, HTML tags, comments and styles."""
    source = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
    source = re.sub(r"<(style|script)\b.*?</\1>", " ", source, flags=re.S)
    return re.sub(r"<[^>]+>", " ", source)


@pytest.mark.parametrize(
    "template",
    [p for d in TEMPLATE_DIRS for p in sorted(d.rglob("*")) if p.suffix in {".html", ".txt"}],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_template_writes_a_time_by_hand(template: Path) -> None:
    found = HAND_WRITTEN_TIME.search(_user_text(template.read_text(encoding="utf-8")))
    assert found is None, f"{template.name}: '{found.group(0) if found else ''}', write it with clock()"


def test_the_checks_catch_the_styles_that_were_mixed_before() -> None:
    for wrong in ("9h00", "08h00", "de 9 h à 20 h", "à 08:00", f"08{NBSP}h{NBSP}00"):
        assert WRONG_TIME_IN_TEXT.search(wrong) or HAND_WRITTEN_TIME.search(wrong), wrong
    assert not WRONG_TIME_IN_TEXT.search(f"de {clock(9)} à {clock(20)}, le 07/03/2022")


@given(st.datetimes(timezones=st.just(UTC)) | st.datetimes())
def test_an_instant_sent_over_grpc_is_the_instant_stored(value: datetime) -> None:
    # to_timestamp computes the Timestamp itself (protobuf's FromDatetime was 2 % of the rush):
    # an API client must read back the same instant, before 1970 and at datetime's ends too;
    # a naive datetime (SQLite's) is UTC.
    sent = to_timestamp(value)
    assert from_timestamp(sent) == (value if value.tzinfo else value.replace(tzinfo=UTC))
    assert 0 <= sent.nanos < 1_000_000_000
