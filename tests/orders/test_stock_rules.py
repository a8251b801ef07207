"""The rules of vials after delivery, pure (services/orders/stock_rules.py):
usable-until, alerts, the 7-day uncollected threshold, eligibility, how a
delivery is shared among the lines it was confirmed for, reconciliation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from services.orders import stock_rules as r

days = st.dates(min_value=date(2021, 1, 1), max_value=date(2030, 12, 31))


def test_usable_until_is_the_earlier_of_expiry_and_shelf_life() -> None:
    # Pfizer 12+ received on 18 March 2022: 31 days at 2-8 °C.
    assert r.usable_until(date(2022, 6, 30), date(2022, 3, 18), 31) == date(2022, 4, 18)
    assert r.usable_until(date(2022, 3, 31), date(2022, 3, 18), 31) == date(2022, 3, 31)
    assert r.usable_until(date(2022, 3, 31), date(2022, 3, 18), None) == date(2022, 3, 31)


@given(expiry=days, receipt=days, shelf=st.one_of(st.none(), st.integers(1, 400)))
def test_usable_until_never_passes_either_bound(expiry: date, receipt: date, shelf: int | None) -> None:
    until = r.usable_until(expiry, receipt, shelf)
    assert until <= expiry
    if shelf is not None:
        assert until <= receipt + timedelta(days=shelf)
        assert until in (expiry, receipt + timedelta(days=shelf))


def test_today_is_the_paris_day_across_the_dst_change() -> None:
    # 27 March 2022, 22:30 UTC is already the 28th in Paris (summer time, UTC+2).
    assert r.paris_today(datetime.fromisoformat("2022-03-27T22:30:00+00:00")) == date(2022, 3, 28)
    assert r.paris_today(datetime.fromisoformat("2022-03-26T22:30:00+00:00")) == date(2022, 3, 26)


def test_alerts_at_seven_and_two_days_then_expired() -> None:
    until = date(2022, 3, 31)
    assert r.alert_level(until, date(2022, 3, 23)) is None
    assert r.alert_level(until, date(2022, 3, 24)) == 7
    assert r.alert_level(until, date(2022, 3, 29)) == 2
    assert r.alert_level(until, date(2022, 3, 31)) == 2  # its last day is still usable
    assert r.alert_level(until, date(2022, 4, 1)) == r.EXPIRED


def test_vials_become_redistributable_seven_days_after_receipt() -> None:
    assert not r.is_uncollected(date(2022, 3, 18), date(2022, 3, 24))
    assert r.is_uncollected(date(2022, 3, 18), date(2022, 3, 25))
    assert r.redistributable_from(date(2022, 3, 18)) == date(2022, 3, 25)


def test_paediatric_vials_go_only_to_the_types_the_catalogue_lists() -> None:
    paediatric = ("MEDECIN", "PMI", "PHARMACIEN", "INFIRMIER", "SAGE_FEMME")
    assert r.may_receive(paediatric, "PMI") and r.may_receive(paediatric, "SAGE_FEMME")
    assert not r.may_receive(paediatric, "CHIRURGIEN_DENTISTE") and not r.may_receive(paediatric, "EHPAD")
    assert r.may_receive((), "CHIRURGIEN_DENTISTE")


lines = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.integers(0, 50), st.booleans()), min_size=0, max_size=6
)


@given(lines=lines, received=st.integers(0, 300))
def test_a_delivery_is_shared_without_losing_or_inventing_a_vial(
    lines: list[tuple[str, int, bool]], received: int
) -> None:
    confirmed = [r.Confirmed(f"effecteurs/{e}" if not own else "own", v, own) for e, v, own in lines]
    shares = r.assign(confirmed, received)
    assert sum(shares.values()) == received
    wanted: dict[str, int] = {}
    for line in confirmed:
        if not line.own:
            wanted[line.effecteur] = wanted.get(line.effecteur, 0) + line.vials
    for effecteur, vials in wanted.items():
        assert 0 <= shares.get(effecteur, 0) <= vials
    if received >= sum(wanted.values()):
        # Everyone gets what was confirmed; the officine keeps the rest.
        assert all(shares.get(e, 0) == v for e, v in wanted.items())


def test_a_short_delivery_costs_the_officine_first_then_the_last_ordered() -> None:
    confirmed = [
        r.Confirmed("effecteurs/a", 6),
        r.Confirmed("own", 4, own=True),
        r.Confirmed("effecteurs/b", 4),
    ]
    assert r.assign(confirmed, 12) == {"effecteurs/a": 6, "effecteurs/b": 4, "own": 2}
    assert r.assign(confirmed, 9) == {"effecteurs/a": 6, "effecteurs/b": 3, "own": 0}
    assert r.assign(confirmed, 14) == {"effecteurs/a": 6, "effecteurs/b": 4, "own": 4}


counts = st.builds(
    lambda received, a, b, c, d: r.LotCounts(received, *_split(received, a, b, c, d)),
    st.integers(1, 500),
    st.integers(0, 100),
    st.integers(0, 100),
    st.integers(0, 100),
    st.integers(0, 100),
)


def _split(total: int, *weights: int) -> tuple[int, int, int, int]:
    left, parts = total, []
    for w in weights:
        n = min(left, w)
        parts.append(n)
        left -= n
    return parts[0], parts[1], parts[2], parts[3]


@given(st.lists(counts, max_size=8))
def test_received_is_picked_up_handed_over_used_destroyed_and_in_stock(lots: list[r.LotCounts]) -> None:
    total = r.reconcile(lots)
    assert all(lot.balanced() for lot in lots) and total.balanced()
    assert total.received == total.picked_up + total.handed_over + total.used + total.destroyed + total.in_stock


@given(st.lists(st.tuples(st.integers(0, 20), days), max_size=6), st.integers(0, 100))
def test_reservations_are_drawn_oldest_first_and_never_beyond_what_waits(
    waiting: list[tuple[int, date]], wanted: int
) -> None:
    rows = [r.Waiting(f"k{i}", n, d) for i, (n, d) in enumerate(waiting)]
    taken = r.take(rows, wanted)
    available = {w.key: w.vials for w in rows}
    assert sum(n for _, n in taken) == min(wanted, sum(available.values()))
    assert all(0 < n <= available[k] for k, n in taken)
    order = [next(w for w in rows if w.key == k) for k, _ in taken]
    assert order == sorted(order, key=lambda w: (w.receipt, w.key))


def test_a_surplus_without_a_line_for_the_officine_stays_with_the_officine_reserved_for_nobody() -> None:
    # The officine ordered nothing for itself: the 3 vials over what Dubois was confirmed are
    # its own (the empty key), never reserved for an effecteur.
    assert r.assign([r.Confirmed("effecteurs/a", 6)], 9) == {"effecteurs/a": 6, "": 3}
    assert r.assign([r.Confirmed("effecteurs/a", 6)], 6) == {"effecteurs/a": 6}


def test_reconciliation_sums_each_destination_of_every_lot() -> None:
    lots = [r.LotCounts(20, 5, 4, 3, 2), r.LotCounts(10, 1, 2, 3, 4)]
    assert r.reconcile(lots) == r.LotCounts(30, 6, 6, 6, 6)
    assert r.reconcile([]) == r.LotCounts(0)
    assert r.reconcile(lots).in_stock == 6 + 0


def test_a_lot_is_balanced_only_with_nothing_negative_and_no_more_out_than_received() -> None:
    assert r.LotCounts(10, 2, 2, 2, 2).balanced()
    assert not r.LotCounts(10, 5, 5, 1, 0).balanced()  # 11 vials out of 10 received
    for negative in range(4):
        counts = [1, 1, 1, 1]
        counts[negative] = -1
        assert not r.LotCounts(10, *counts).balanced(), counts


def test_the_last_vial_wanted_is_drawn_too() -> None:
    today = date(2022, 3, 18)
    waiting = [r.Waiting("old", 2, today), r.Waiting("new", 5, today + timedelta(days=1))]
    assert r.take(waiting, 1) == [("old", 1)]
    assert r.take(waiting, 3) == [("old", 2), ("new", 1)]
    assert r.take(waiting, 0) == []
