"""The accepted range of dates (services.common.dates) and Paris conversions at datetime's ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from services.common import dates
from services.common.dates import (
    MALFORMED_TIMESTAMP,
    accepted_range,
    check_instant,
    parse_day,
    range_start,
    timestamp_violation,
    timestamp_violations,
)
from services.common.errors import InvalidArgument
from services.common.timefmt import paris_long, to_timestamp
from vaxorders.sessions.v1 import sessions_service_pb2 as pb


@pytest.fixture(autouse=True)
def _plans_built_afresh() -> None:
    """Which fields of a type can hold a Timestamp is worked out once per type and kept: each test
    here works it out itself, so a wrong plan cannot hide behind one an earlier call kept."""
    dates._PLANS.clear()


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


def _message_with_collections() -> type:
    """A message with a repeated Timestamp, a map of Timestamps and a map of strings: no request of
    ours has them yet, the interceptor must still find every Timestamp when one does."""
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(timestamp_pb2.DESCRIPTOR.serialized_pb)
    proto = descriptor_pb2.FileDescriptorProto(
        name="collections_test.proto", package="test", dependency=["google/protobuf/timestamp.proto"]
    )
    message = proto.message_type.add(name="Collections")
    label, optional = descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED, descriptor_pb2.FieldDescriptorProto
    for number, (name, entry, value_type, value_type_name) in enumerate(
        [
            ("times", None, optional.TYPE_MESSAGE, ".google.protobuf.Timestamp"),
            ("by_key", "ByKeyEntry", optional.TYPE_MESSAGE, ".google.protobuf.Timestamp"),
            ("labels", "LabelsEntry", optional.TYPE_STRING, ""),
        ],
        start=1,
    ):
        if entry is None:
            message.field.add(name=name, number=number, label=label, type=value_type, type_name=value_type_name)
            continue
        nested = message.nested_type.add(name=entry)
        nested.options.map_entry = True
        nested.field.add(name="key", number=1, label=optional.LABEL_OPTIONAL, type=optional.TYPE_STRING)
        field = nested.field.add(name="value", number=2, label=optional.LABEL_OPTIONAL, type=value_type)
        if value_type_name:
            field.type_name = value_type_name
        message.field.add(
            name=name, number=number, label=label, type=optional.TYPE_MESSAGE, type_name=f".test.Collections.{entry}"
        )
    pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("test.Collections"))


def test_timestamps_in_repeated_fields_and_map_values_are_found_with_their_index_or_key() -> None:
    collections = _message_with_collections()
    bad, good = -(10**12), to_timestamp(NOW).seconds
    request = collections()
    request.labels["a"] = "b"
    for seconds in (good, bad):
        request.times.add(seconds=seconds)
    request.by_key["ouverture"].seconds, request.by_key["fermeture"].seconds = bad, good
    assert sorted(v.field for v in timestamp_violations(request, NOW)) == ["by_key[ouverture]", "times[1]"]
    del request.times[1]
    del request.by_key["ouverture"]
    assert timestamp_violations(request, NOW) == []


def test_the_last_instant_protobuf_can_hold_is_well_formed_but_out_of_range() -> None:
    last_second = timestamp_violation(253_402_300_799, 999_999_999, NOW)
    assert last_second is not None and last_second != MALFORMED_TIMESTAMP
    assert timestamp_violation(253_402_300_799, 10**9, NOW) == MALFORMED_TIMESTAMP


def test_a_day_out_of_range_or_malformed_is_refused_with_its_reason() -> None:
    with pytest.raises(InvalidArgument) as outside:
        parse_day("2019-12-31", "day", NOW)
    assert outside.value.reason == "DATE_OUT_OF_RANGE"
    with pytest.raises(InvalidArgument) as malformed:
        parse_day("2022-02-30", "day", NOW)
    assert malformed.value.reason == "INVALID_DATE"
    assert [(v.field, v.description) for v in malformed.value.violations] == [
        ("day", "Date invalide : « 2022-02-30 » (attendu AAAA-MM-JJ).")
    ]


def test_the_range_starts_at_midnight_in_paris_on_its_first_day() -> None:
    start = range_start(accepted_range(NOW))
    assert start == datetime(2019, 12, 31, 23, tzinfo=UTC)
    assert check_instant(start, "at", NOW) == start
    with pytest.raises(InvalidArgument) as before:
        check_instant(start - timedelta(microseconds=1), "session.open_time", NOW)
    assert [v.field for v in before.value.violations] == ["session.open_time"]
