"""Dates sent to SessionService: every Timestamp of every request and every date typed as text
is inside the accepted range (services.common.dates), else INVALID_ARGUMENT with a French field
violation and nothing stored; never INTERNAL. Each example observed in issue #14 is here."""

from __future__ import annotations

from datetime import UTC, datetime

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from services.common.grpc_errors import ErrorDetails
from services.common.timefmt import to_timestamp
from tests.sessions.conftest import Server, paris
from vaxorders.sessions.v1 import sessions_service_pb2 as pb
from vaxorders.type.v1 import effecteur_type_pb2 as types

REFERENCE = "sessions/2022-03-07"
# Raw Timestamps that are not instants at all (issue #14): INTERNAL before.
MALFORMED = [Timestamp(seconds=10**12), Timestamp(seconds=-(10**12)), Timestamp(seconds=1_646_640_000, nanos=-1)]
# Well-formed instants outside the accepted range: year 9999 made the home page answer 500,
# year 0001 could not be deleted.
OUT_OF_RANGE = [to_timestamp(datetime(9999, 12, 31, 12, tzinfo=UTC)), to_timestamp(datetime(1, 1, 1, tzinfo=UTC))]


async def refused(call: object, reason: str = "DATE_OUT_OF_RANGE") -> ErrorDetails:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call  # type: ignore[misc]
    details = ErrorDetails.from_rpc_error(error.value)
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT, details
    assert details.reason == reason
    return details


def _session(open_time: Timestamp, close_time: Timestamp) -> pb.CreateSessionRequest:
    return pb.CreateSessionRequest(
        session_id="2030-01-07", session=pb.Session(label="Session test", open_time=open_time, close_time=close_time)
    )


def _window(start: Timestamp) -> pb.CreateCalendarWindowRequest:
    return pb.CreateCalendarWindowRequest(
        window=pb.CalendarWindow(
            kind=pb.CalendarWindow.KIND_MAINTENANCE,
            start_time=start,
            end_time=to_timestamp(paris(2022, 4, 1)),
            message="Maintenance",
        )
    )


@pytest.mark.parametrize("bad", MALFORMED + OUT_OF_RANGE, ids=["1e12", "-1e12", "nanos-1", "y9999", "y0001"])
async def test_a_bad_timestamp_is_invalid_argument_on_every_rpc_that_takes_one(server: Server, bad: Timestamp) -> None:
    good = to_timestamp(paris(2022, 3, 20, 8))
    operator = server.as_operator()
    before = await server.stub.ListSessions(pb.ListSessionsRequest(), metadata=operator, timeout=5)
    windows = await server.stub.ListCalendarWindows(pb.ListCalendarWindowsRequest(), timeout=5)

    state = await refused(server.stub.GetServiceState(pb.GetServiceStateRequest(at=bad), timeout=5))
    quota = await refused(
        server.stub.ResolveQuota(
            pb.ResolveQuotaRequest(
                session=REFERENCE,
                effecteur_type=types.EFFECTEUR_TYPE_MEDECIN,
                product="products/comirnaty",
                at=bad,
            ),
            metadata=operator,
            timeout=5,
        )
    )
    table = await refused(
        server.stub.GetQuotaTable(
            pb.GetQuotaTableRequest(name=f"{REFERENCE}/quotaTables/1", effective_at=bad), metadata=operator, timeout=5
        )
    )
    opens = await refused(server.stub.CreateSession(_session(bad, good), metadata=operator, timeout=5))
    closes = await refused(server.stub.CreateSession(_session(good, bad), metadata=operator, timeout=5))
    window = await refused(server.stub.CreateCalendarWindow(_window(bad), metadata=operator, timeout=5))

    assert [v.field for v in state.violations] == ["at"]
    assert [v.field for v in quota.violations] == ["at"]
    assert [v.field for v in table.violations] == ["effective_at"]
    assert [v.field for v in opens.violations] == ["session.open_time"]
    assert [v.field for v in closes.violations] == ["session.close_time"]
    assert [v.field for v in window.violations] == ["window.start_time"]
    for details in (state, quota, table, opens, closes, window):
        assert details.message.startswith(("Horodatage invalide", "Date hors de la plage acceptée")), details.message
    assert await server.stub.ListSessions(pb.ListSessionsRequest(), metadata=operator, timeout=5) == before
    assert await server.stub.ListCalendarWindows(pb.ListCalendarWindowsRequest(), timeout=5) == windows


async def test_the_range_runs_from_2020_to_the_fifth_year_ahead(server: Server) -> None:
    """The clock says March 2022: 1 January 2020 and 31 December 2027 are accepted, the day
    before and the day after are not, with both ends named in French."""
    operator = server.as_operator()
    first = await server.stub.GetServiceState(pb.GetServiceStateRequest(at=to_timestamp(paris(2020, 1, 1))), timeout=5)
    last = await server.stub.GetServiceState(
        pb.GetServiceStateRequest(at=to_timestamp(paris(2027, 12, 31, 23, 59))), timeout=5
    )
    assert first.state == last.state == pb.ServiceState.SERVICE_STATE_CLOSED

    too_early = await refused(
        server.stub.GetServiceState(pb.GetServiceStateRequest(at=to_timestamp(paris(2019, 12, 31, 23, 59))), timeout=5)
    )
    too_late = await refused(
        server.stub.CreateSession(
            _session(to_timestamp(paris(2028, 1, 3, 8)), to_timestamp(paris(2028, 1, 4, 23))),
            metadata=operator,
            timeout=5,
        )
    )
    assert "entre le mercredi 1 janvier 2020 et le vendredi 31 décembre 2027" in too_early.message
    assert "le 31/12/2019" in too_early.message
    assert [v.field for v in too_late.violations] == ["session.open_time", "session.close_time"]


@pytest.mark.parametrize("field", ["confirmation_email_date", "delivery_from_date", "delivery_to_date"])
@pytest.mark.parametrize("value", ["9999-03-18", "0001-01-01", "2019-12-31"])
async def test_a_session_date_typed_as_text_is_bounded_too(server: Server, field: str, value: str) -> None:
    operator = server.as_operator()
    request = _session(to_timestamp(paris(2022, 4, 4, 8)), to_timestamp(paris(2022, 4, 5, 23)))
    setattr(request.session, field, value)

    # The session's fields are checked together (one violation per bad field, reason of the lot).
    details = await refused(server.stub.CreateSession(request, metadata=operator, timeout=5), "INVALID_ARGUMENT")

    assert [v.field for v in details.violations] == [f"session.{field}"]
    assert details.violations[0].description.startswith("Date hors de la plage acceptée")
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await server.stub.GetSession(pb.GetSessionRequest(name="sessions/2030-01-07"), metadata=operator, timeout=5)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


async def test_a_timestamp_nested_in_a_repeated_field_is_checked_with_its_path(server: Server) -> None:
    """The interceptor walks the whole request: a bad product date deep in a request is named."""
    product = pb.Product(
        display_name="Vaccin test",
        unit="flacon",
        doses_per_unit=6,
        orderable_from=Timestamp(seconds=0, nanos=1_000_000_000),
    )
    details = await refused(
        server.stub.CreateProduct(
            pb.CreateProductRequest(product_id="vaccin-test", product=product),
            metadata=server.as_operator(),
            timeout=5,
        )
    )
    assert [v.field for v in details.violations] == ["product.orderable_from"]
    assert details.message == "Horodatage invalide : ce n'est pas un instant valide."


def _with_bad_utf8(request: bytes, field_number: int) -> bytes:
    """`request` with a string field holding bytes that are not UTF-8 (what no `str` can hold)."""
    raw = b"Session \xff\xfe"
    return request + bytes([field_number << 3 | 2, len(raw)]) + raw


async def test_invalid_utf8_in_a_string_field_is_a_french_invalid_argument_after_authentication(
    server: Server,
) -> None:
    """protobuf refuses to parse it: grpc answered UNKNOWN with the parser's English text."""
    assert server.channel is not None
    raw = server.channel.unary_unary("/vaxorders.sessions.v1.SessionService/CreateSession")
    request = _with_bad_utf8(pb.CreateSessionRequest(session_id="2022-04-04").SerializeToString(), 1)

    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await raw(request, metadata=server.as_operator(), timeout=5)
    details = ErrorDetails.from_rpc_error(refused.value)
    assert (details.code, details.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "UNDECODABLE_REQUEST")
    assert details.message.startswith("Requête illisible")

    with pytest.raises(grpc.aio.AioRpcError) as anonymous:
        await raw(request, timeout=5)
    assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED
