"""services/common/masks.py: which fields an Update changes."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.common.masks import check_mask

WRITABLE = frozenset({"display_name", "email"})


def test_an_empty_mask_means_every_writable_field() -> None:
    assert check_mask([], WRITABLE) == {"display_name", "email"}


def test_an_empty_mask_is_refused_where_the_service_asks_for_named_fields() -> None:
    with pytest.raises(InvalidArgument) as refused:
        check_mask([], WRITABLE, empty_refused=True)
    assert [v.field for v in refused.value.violations] == ["update_mask"]


def test_a_path_outside_the_writable_fields_is_refused_on_the_mask_field() -> None:
    with pytest.raises(InvalidArgument) as refused:
        check_mask(["email", "finess"], WRITABLE, "officine.update_mask", empty_refused=True)
    assert [v.field for v in refused.value.violations] == ["officine.update_mask"]
    assert "finess" in refused.value.violations[0].description


def test_named_paths_are_the_fields_to_change() -> None:
    assert check_mask(["email", "email"], WRITABLE, empty_refused=True) == {"email"}


def test_the_refusals_name_the_writable_fields_in_french() -> None:
    with pytest.raises(InvalidArgument) as empty:
        check_mask([], WRITABLE, empty_refused=True)
    assert empty.value.violations[0].description == (
        "Indiquez les champs à modifier dans update_mask (display_name, email)."
    )
    with pytest.raises(InvalidArgument) as unknown:
        check_mask(["siret", "finess", "email"], WRITABLE)
    assert unknown.value.violations[0].description == (
        "Champ(s) non modifiable(s) : finess, siret. Modifiables : display_name, email."
    )
