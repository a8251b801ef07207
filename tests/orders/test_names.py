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


def refusal(call) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument) as refused:
        call()
    [violation] = refused.value.violations
    return violation.field, violation.description


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


@pytest.mark.parametrize(
    ("call", "sent", "expected"),
    [
        (
            lambda v: names.parse_officine_order(v, "parent"),
            "sessions/-/officines/759900111",
            "sessions/{session}/officines/{finess}",
        ),
        (
            lambda v: names.parse_officine_order(v, "parent"),
            "sessions/2022-03-07",
            "sessions/{session}/officines/{finess}",
        ),
        (
            lambda v: names.parse_officine_order(v, "parent"),
            "sessions/2022-03-07/officines/12",
            "sessions/{session}/officines/{finess}",
        ),
        (
            lambda v: names.parse_request(v),
            "sessions/x/officines/759900111/requests/1",
            "sessions/{session}/officines/{finess}/requests/{id}",
        ),
        (lambda v: names.parse_session(v), "sessions/A", "sessions/{id}"),
        (lambda v: names.check_effecteur(v, "name"), "effecteurs/x", "effecteurs/{type}:{identifiant}"),
        (lambda v: names.check_product(v, "name"), "products/X", "products/{id}"),
        (
            lambda v: names.parse_session_child(v, "name", "supply"),
            "sessions/x/allocation",
            "sessions/{session}/supply",
        ),
    ],
)
def test_a_refused_name_is_quoted_back_with_the_form_expected(call, sent: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    _, description = refusal(lambda: call(sent))
    assert description == f"Nom invalide : « {sent} » (attendu « {expected} »)."


def test_a_request_name_is_refused_on_the_name_field_by_default() -> None:
    assert refusal(lambda: names.parse_request("sessions/x"))[0] == "name"
    assert refusal(lambda: names.parse_line("sessions/x"))[0] == "name"


def test_a_child_keeps_its_parent_officine_order_and_its_collection() -> None:
    request = names.parse_request(f"{LILAS}/requests/{LINE_ID}")
    assert request.parent == names.OfficineOrder("2022-03-07", "759900111")
    assert (request.id, request.name.split("/")[4]) == (LINE_ID, "requests")
    assert names.parse_line(f"{LILAS}/lines/{LINE_ID}").name.split("/")[4] == "lines"


@pytest.mark.parametrize("child", ["supply", "allocation", "deliveryPlan"])
def test_a_session_s_own_resources_give_the_session_id_and_build_back(child: str) -> None:
    built = {"supply": names.supply_name, "allocation": names.allocation_name, "deliveryPlan": names.plan_name}[child]
    assert built("2022-03-07") == f"sessions/2022-03-07/{child}"
    assert names.parse_session_child(built("2022-03-07"), "name", child) == "2022-03-07"


@pytest.mark.parametrize(
    "value",
    [
        "sessions/2022-03-07",
        "sessions/2022-03-07/supply/x",
        "orders/2022-03-07/supply",
        "sessions/-/supply",
        "sessions/A/supply",
    ],
)
def test_a_malformed_session_resource_is_refused_on_its_field(value: str) -> None:
    assert refused_field(lambda: names.parse_session_child(value, "parent", "supply")) == "parent"


def test_a_delivery_is_named_under_its_officine_order() -> None:
    assert names.delivery_name("2022-03-07", "759900111") == f"{LILAS}/delivery"


@pytest.mark.parametrize(
    ("value", "valid"), [("759900111", True), ("2A0000011", True), ("75990011", False), ("-", False)]
)
def test_a_finess_is_nine_characters_led_by_its_departement(value: str, valid: bool) -> None:
    assert names.is_finess(value) is valid
    if valid:
        assert names.check_finess(value, "finess") == value
    else:
        assert refusal(lambda: names.check_finess(value, "finess")) == (
            "finess",
            f"FINESS invalide : « {value} » (9 caractères, par exemple 759900111).",
        )


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("01", True),
        ("2A", True),
        ("2B", True),
        ("95", True),
        ("971", True),
        ("976", True),
        ("20", False),
        ("00", False),
        ("96", False),
        ("977", False),
        ("2C", False),
        ("1", False),
    ],
)
def test_a_departement_is_01_to_95_corsica_or_overseas(value: str, valid: bool) -> None:
    assert names.is_department(value) is valid
    if valid:
        assert names.check_department(value, "department") == value
    else:
        assert refusal(lambda: names.check_department(value, "department")) == (
            "department",
            f"Code de département invalide : « {value} » (attendu 01 à 95, 2A, 2B ou 971 à 976).",
        )
