"""The accepted range of dates (services.common.dates) and Paris conversions at datetime's ends."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from services.common.dates import (
    MALFORMED_TIMESTAMP,
    accepted_range,
    parse_day,
    timestamp_violation,
    timestamp_violations,
)
from services.common.errors import InvalidArgument
from services.common.timefmt import paris_long, to_timestamp
from vaxorders.sessions.v1 import sessions_service_pb2 as pb

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def test_the_range_runs_from_2020_to_the_end_of_the_fifth_year_ahead() -> None:
    assert accepted_range(NOW) == accepted_range(datetime(2026, 1, 1, tzinfo=UTC))
    assert (accepted_range(NOW).first, accepted_range(NOW).last) == (date(2020, 1, 1), date(2031, 12, 31))
    # 31 December 2026 at 23:30 UTC is already 2027 in Paris: the range follows Paris' year.
    assert accepted_range(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)).last == date(2032, 12, 31)


@pytest.mark.parametrize(
    ("seconds", "nanos"),
    [(10**12, 0), (-(10**12), 0), (0, -1), (0, 10**9), (2**63 - 1, 0), (253_402_300_800, 0)],
)
def test_a_timestamp_that_is_not_an_instant_is_malformed(seconds: int, nanos: int) -> None:
    assert timestamp_violation(seconds, nanos, NOW) == MALFORMED_TIMESTAMP


@pytest.mark.parametrize(
    "instant",
    [datetime(1, 1, 1, tzinfo=UTC), datetime(2019, 12, 31, 22, 59, tzinfo=UTC), datetime(9999, 12, 31, 23, tzinfo=UTC)],
)
def test_a_well_formed_instant_outside_the_range_is_named_in_french(instant: datetime) -> None:
    ts = to_timestamp(instant)
    text = timestamp_violation(ts.seconds, ts.nanos, NOW)
    assert text is not None and text.startswith("Date hors de la plage acceptée")


def test_midnight_in_paris_on_the_first_day_is_inside() -> None:
    ts = to_timestamp(datetime(2019, 12, 31, 23, tzinfo=UTC))  # 1 January 2020, 00:00 in Paris
    assert timestamp_violation(ts.seconds, ts.nanos, NOW) is None


def test_every_timestamp_of_a_request_is_found_with_its_path() -> None:
    request = pb.ImportQuotaTableCsvRequest()
    product = pb.CreateProductRequest(
        product=pb.Product(orderable_from=Timestamp(seconds=-(10**12)), orderable_until=to_timestamp(NOW))
    )
    assert timestamp_violations(request, NOW) == []
    assert [v.field for v in timestamp_violations(product, NOW)] == ["product.orderable_from"]


@pytest.mark.parametrize("text", ["2022-3-07", "٢٠٢٢-٠٣-٠٧", "2022-02-30", "22-03-07", "2022/03/07", "9999-12-31"])
def test_a_day_typed_as_text_is_iso_ascii_and_in_range(text: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        parse_day(text, "session.delivery_from_date", NOW)
    assert [v.field for v in refused.value.violations] == ["session.delivery_from_date"]
    assert parse_day("2022-03-07", "x", NOW) == date(2022, 3, 7)
    assert parse_day("", "x", NOW) is None


def test_paris_wall_time_at_the_ends_of_datetime_does_not_overflow() -> None:
    assert paris_long(datetime(9999, 12, 31, 23, 30, tzinfo=UTC)).endswith("31 décembre 9999 à 23\u00a0h\u00a030")
    assert "1 janvier 1" in paris_long(datetime(1, 1, 1, tzinfo=UTC))
