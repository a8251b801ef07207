"""Resource names of the orders service (services/orders/names.py): what is
accepted, what is refused, and that a refusal names the proto field."""

from __future__ import annotations

import re

import pytest

from services.common.errors import InvalidArgument
from services.orders import names

LILAS = "sessions/2022-03-07/officines/759900111"
LINE_ID = "0123456789abcdef0123456789abcdef"


def refused_field(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument) as refused:
        call()
    [violation] = refused.value.violations
    assert violation.description.startswith("Nom invalide : « ")
    return violation.field


def test_an_officine_order_name_parses_into_session_and_finess_and_back() -> None:
    order = names.parse_officine_order(LILAS, "parent")
    assert (order.session_id, order.finess) == ("2022-03-07", "759900111")
    assert order.name == LILAS
    assert order.officine == "officines/759900111"
    assert order.line(LINE_ID) == f"{LILAS}/lines/{LINE_ID}"
    assert order.request(LINE_ID) == f"{LILAS}/requests/{LINE_ID}"


@pytest.mark.parametrize("finess", ["2A0000011", "2B0000011", "971000011"])
def test_corsican_and_overseas_finess_are_accepted(finess: str) -> None:
    assert names.parse_officine_order(f"sessions/2022-03-07/officines/{finess}", "parent").finess == finess


def test_any_session_is_accepted_only_where_the_caller_allows_it() -> None:
    history = "sessions/-/officines/759900111"
    assert names.parse_officine_order(history, "parent", any_session=True).session_id == names.ANY
    assert refused_field(lambda: names.parse_officine_order(history, "parent")) == "parent"


def test_any_officine_is_accepted_only_where_the_caller_allows_it() -> None:
    everywhere = "sessions/2022-03-07/officines/-"
    assert names.parse_officine_order(everywhere, "parent", any_officine=True).finess == names.ANY
    assert refused_field(lambda: names.parse_officine_order(everywhere, "parent")) == "parent"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "sessions/2022-03-07",
        "sessions/2022-03-07/pharmacies/759900111",
        "orders/2022-03-07/officines/759900111",
        "sessions/2022-03-07/officines/75990011",  # 8 characters
        "sessions/2022-03-07/officines/2C0000011",  # only 2A and 2B carry letters
        "sessions/Session 1/officines/759900111",
        "sessions/2022-03-07/officines/759900111/lines",
    ],
)
def test_a_malformed_officine_order_is_refused_on_the_named_field(value: str) -> None:
    assert refused_field(lambda: names.parse_officine_order(value, "parent")) == "parent"


def test_a_line_name_parses_and_builds_back_the_same_name() -> None:
    line = names.parse_line(f"{LILAS}/lines/{LINE_ID}")
    assert (line.parent.name, line.id) == (LILAS, LINE_ID)
    assert line.name == f"{LILAS}/lines/{LINE_ID}"


def test_a_request_name_keeps_its_collection() -> None:
    request = names.parse_request(f"{LILAS}/requests/{LINE_ID}")
    assert request.name == f"{LILAS}/requests/{LINE_ID}"


def test_a_request_name_is_not_a_line_name_nor_the_reverse() -> None:
    assert refused_field(lambda: names.parse_line(f"{LILAS}/requests/{LINE_ID}")) == "name"
    assert refused_field(lambda: names.parse_request(f"{LILAS}/lines/{LINE_ID}", "vial_request.name")) == (
        "vial_request.name"
    )


@pytest.mark.parametrize("line_id", ["1", LINE_ID.upper(), LINE_ID + "0", "-"])
def test_a_line_id_is_32_lowercase_hex_digits(line_id: str) -> None:
    assert refused_field(lambda: names.parse_line(f"{LILAS}/lines/{line_id}", "parent")) == "parent"


def test_a_child_name_never_accepts_any_session() -> None:
    assert refused_field(lambda: names.parse_line(f"sessions/-/officines/759900111/lines/{LINE_ID}")) == "name"


def test_a_session_name_gives_its_id() -> None:
    assert names.parse_session("sessions/2022-03-07") == "2022-03-07"
    assert names.session_name("2022-03-07") == "sessions/2022-03-07"
    assert refused_field(lambda: names.parse_session("sessions/2022-03-07/officines/759900111")) == "session"
    assert refused_field(lambda: names.parse_session("sessions/-")) == "session"


@pytest.mark.parametrize("value", ["effecteurs/rpps:99700000104", "effecteurs/finess:2A0000011"])
def test_effecteur_names_are_a_kind_and_an_identifier(value: str) -> None:
    assert names.check_effecteur(value, "line.effecteur") == value


@pytest.mark.parametrize("value", ["effecteurs/99700000104", "effecteurs/RPPS:1", "officines/759900111", ""])
def test_a_malformed_effecteur_name_is_refused_on_the_named_field(value: str) -> None:
    assert refused_field(lambda: names.check_effecteur(value, "line.effecteur")) == "line.effecteur"


def test_product_names_are_lowercase_ids() -> None:
    assert names.check_product("products/pfizer-adult", "line.product") == "products/pfizer-adult"
    for value in ("products/Pfizer", "products/-moderna", "moderna", "products/"):
        assert refused_field(lambda v=value: names.check_product(v, "line.product")) == "line.product"


def test_an_officine_orders_for_its_own_needs_through_its_finess_effecteur() -> None:
    assert names.self_effecteur("759900111") == "effecteurs/finess:759900111"
    assert names.officine_name("759900111") == "officines/759900111"


def test_new_ids_are_line_ids_and_never_repeat() -> None:
    ids = {names.new_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(names.parse_line(f"{LILAS}/lines/{i}").id == i for i in ids)
    assert all(re.fullmatch(r"[0-9a-f]{16}", names.new_etag()) for _ in range(10))


@pytest.mark.parametrize(
    "value",
    ["sessions/2022-03-07/officines/٧٥٩٩٠٠١١١", "sessions/2022-03-07/officines/７５９９００１１１"],
)
def test_an_officine_order_with_non_ascii_digits_in_its_finess_is_refused(value: str) -> None:
    assert refused_field(lambda: names.parse_officine_order(value, "parent")) == "parent"
