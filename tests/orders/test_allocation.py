"""The largest-remainder allocation (services/orders/allocation.py): properties
that hold for any lines and supply, and worked examples with ties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.orders.allocation import Claim, allocate, allocate_products

T0 = datetime(2022, 3, 7, 7, 0, tzinfo=UTC)


def claim(name: str, ordered: int, minutes: int = 0) -> Claim:
    return Claim(name, ordered, T0 + timedelta(minutes=minutes))


@st.composite
def claims_strategy(draw: st.DrawFn) -> list[Claim]:
    count = draw(st.integers(min_value=0, max_value=30))
    orders = draw(st.lists(st.integers(min_value=0, max_value=500), min_size=count, max_size=count))
    minutes = draw(st.lists(st.integers(min_value=0, max_value=5), min_size=count, max_size=count))
    return [claim(f"line-{i:02d}", o, m) for i, (o, m) in enumerate(zip(orders, minutes, strict=True))]


supplies = st.integers(min_value=0, max_value=20_000)


@given(claims_strategy(), supplies)
def test_confirmed_total_is_the_supply_or_the_demand_whichever_is_smaller(claims: list[Claim], supply: int) -> None:
    confirmed = allocate(claims, supply)
    assert sum(confirmed.values()) == min(supply, sum(c.ordered for c in claims))


@given(claims_strategy(), supplies)
def test_no_line_is_confirmed_above_what_it_ordered_nor_below_zero(claims: list[Claim], supply: int) -> None:
    confirmed = allocate(claims, supply)
    assert set(confirmed) == {c.name for c in claims}
    for c in claims:
        assert 0 <= confirmed[c.name] <= c.ordered


@given(claims_strategy(), supplies, st.randoms(use_true_random=False))
def test_the_order_lines_are_given_in_does_not_matter(claims: list[Claim], supply: int, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(claims)
    rnd.shuffle(shuffled)
    assert allocate(shuffled, supply) == allocate(claims, supply)


@settings(max_examples=200)
@given(claims_strategy(), supplies, st.integers(min_value=0, max_value=2_000))
def test_more_supply_never_lowers_the_national_total_nor_any_line_s_guaranteed_share(
    claims: list[Claim], supply: int, more: int
) -> None:
    """Monotonicity in supply, as far as the largest-remainder rule allows: the
    total and each line's floor share grow with the supply, so a line never ends
    more than one vial below what it had (see the Alabama example below)."""
    demand = sum(c.ordered for c in claims)
    before = allocate(claims, supply)
    after = allocate(claims, supply + more)
    assert sum(after.values()) >= sum(before.values())
    for c in claims:
        share_before = c.ordered if demand <= supply else c.ordered * supply // demand
        share_after = c.ordered if demand <= supply + more else c.ordered * (supply + more) // demand
        assert share_after >= share_before
        assert after[c.name] >= share_after >= before[c.name] - 1


def test_one_more_vial_can_move_a_leftover_vial_to_another_line_alabama_paradox() -> None:
    """The known limit of the largest-remainder method DESIGN.md §1b prescribes:
    per-line monotonicity does not hold. Ordered 3, 6, 1 (demand 10):
    supply 5 -> shares 1.5, 3, 0.5: one vial left, tie on .5, the earliest order (c) wins;
    supply 6 -> shares 1.8, 3.6, 0.6: two vials left, to a (.8) then b (.6 tie, earlier name)."""
    lines = [claim("a", 3, minutes=1), claim("b", 6), claim("c", 1)]
    assert allocate(lines, 5) == {"a": 1, "b": 3, "c": 1}
    assert allocate(lines, 6) == {"a": 2, "b": 4, "c": 0}
    # Without any tie deciding it: ordered 6, 6, 2 (demand 14).
    # supply 10 -> 4.29, 4.29, 1.43: one vial left, to the largest remainder (c, 6/14) -> 4, 4, 2;
    # supply 11 -> 4.71, 4.71, 1.57: two left, to a and b (10/14 each, above c's 8/14) -> 5, 5, 1.
    lines = [claim("a", 6), claim("b", 6), claim("c", 2)]
    assert allocate(lines, 10) == {"a": 4, "b": 4, "c": 2}
    assert allocate(lines, 11) == {"a": 5, "b": 5, "c": 1}


@given(claims_strategy(), supplies)
def test_each_line_gets_its_floor_share_and_at_most_one_vial_more(claims: list[Claim], supply: int) -> None:
    demand = sum(c.ordered for c in claims)
    confirmed = allocate(claims, supply)
    if demand > supply:
        for c in claims:
            floor = c.ordered * supply // demand
            assert confirmed[c.name] in (floor, floor + 1)


def test_demand_within_supply_confirms_every_line_as_ordered() -> None:
    assert allocate([claim("a", 10), claim("b", 5)], 15) == {"a": 10, "b": 5}
    assert allocate([claim("a", 10), claim("b", 5)], 100) == {"a": 10, "b": 5}


def test_largest_remainders_get_the_vials_left_over() -> None:
    # demand 10, supply 7: a 5×7/10 = 3.5, b 3×7/10 = 2.1, c 2×7/10 = 1.4 -> floors 3, 2, 1, one vial left.
    assert allocate([claim("a", 5), claim("b", 3), claim("c", 2)], 7) == {"a": 4, "b": 2, "c": 1}


def test_equal_remainders_go_to_the_earliest_order_then_the_line_name() -> None:
    # Three lines of 1 vial, supply 2: every remainder is 2/3; the two earliest win.
    lines = [claim("b", 1, minutes=1), claim("c", 1, minutes=0), claim("a", 1, minutes=1)]
    assert allocate(lines, 2) == {"c": 1, "a": 1, "b": 0}
    # Same order time: by line name.
    same_time = [claim("z", 1), claim("y", 1), claim("x", 1)]
    assert allocate(same_time, 1) == {"x": 1, "y": 0, "z": 0}


def test_remainders_are_compared_exactly_not_as_floats() -> None:
    # 1×2/3 and 2×1/3 look alike as floats in many schemes; here remainders are
    # (o×s) mod d on one denominator: a (1 vial) -> 2 mod 3 = 2, b (2 vials) -> 4 mod 3 = 1.
    assert allocate([claim("a", 1, minutes=5), claim("b", 2)], 2) == {"a": 1, "b": 1}


def test_zero_supply_confirms_nothing() -> None:
    assert allocate([claim("a", 3), claim("b", 4)], 0) == {"a": 0, "b": 0}


def test_products_without_supply_are_left_out() -> None:
    claims = {"products/moderna": [claim("a", 4)], "products/pfizer-adult": [claim("b", 4)]}
    assert allocate_products(claims, {"products/moderna": 2}) == {"a": 2}


def test_negative_supply_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match=r"^supply must be >= 0$"):
        allocate([claim("a", 1)], -1)


def test_a_negative_order_or_a_line_twice_is_a_programming_error_that_says_which() -> None:
    with pytest.raises(ValueError, match=r"^ordered must be >= 0$"):
        allocate([claim("a", -1)], 3)
    with pytest.raises(ValueError, match=r"^line names must be unique$"):
        allocate([claim("a", 1), claim("a", 2)], 3)
