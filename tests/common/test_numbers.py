"""Whole numbers bound for a 32-bit integer column (services.common.numbers)."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.common.numbers import MAX_STORED_INT, check_stored_int


@pytest.mark.parametrize(("value", "minimum"), [(0, 0), (2**31 - 1, 0), (1, 1), (-5, -5)])
def test_a_number_inside_the_column_s_range_is_returned_unchanged(value: int, minimum: int) -> None:
    assert check_stored_int(value, "quantity", minimum=minimum) == value


@pytest.mark.parametrize(("value", "minimum"), [(-1, 0), (2**31, 0), (2**63 - 1, 0), (0, 1)])
def test_a_number_outside_the_range_is_refused_on_its_field_in_french(value: int, minimum: int) -> None:
    with pytest.raises(InvalidArgument) as refused:
        check_stored_int(value, "quantity", minimum=minimum)
    assert refused.value.reason == "NUMBER_OUT_OF_RANGE"
    [violation] = refused.value.violations
    assert violation.field == "quantity"
    # The French message states the range, the thousands grouped by a narrow no-break space.
    assert violation.description == f"Nombre hors limites : attendu entre {minimum} et 2\u202f147\u202f483\u202f647."


def test_the_largest_stored_number_is_postgresql_s_integer_maximum() -> None:
    assert MAX_STORED_INT == 2_147_483_647


def test_without_a_minimum_zero_is_the_smallest_number_accepted() -> None:
    assert check_stored_int(0, "quantity") == 0
    with pytest.raises(InvalidArgument):
        check_stored_int(-1, "quantity")
