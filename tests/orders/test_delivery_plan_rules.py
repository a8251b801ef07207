"""The pure part of the delivery plan (services/orders/delivery_plan.py): which date an officine
gets, the window's bounds, and the plan as operators read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from services.orders.delivery_plan import DEPARTMENT, FINESS, Plan, in_window, plan_view, window_text
from services.orders.ports import SessionWindow
from services.orders.views import OverrideView

T = datetime(2022, 3, 9, 10, tzinfo=UTC)
WINDOW = SessionWindow(
    "2022-03-07",
    "Session du 7 mars 2022",
    T,
    T,
    delivery_from_date=date(2022, 3, 18),
    delivery_to_date=date(2022, 3, 22),
)
NO_DELIVERY = SessionWindow("2022-03-14", "Session du 14 mars 2022", T, T)


@dataclass(frozen=True)
class Row:
    """An override as stored: a département or a FINESS, its date, who set it and when."""

    kind: str
    code: str
    date: str
    update_by: str = "899700000906"
    update_time: datetime | None = T


def test_a_finess_override_wins_over_its_departement_which_wins_over_the_first_day() -> None:
    plan = Plan.of(WINDOW, [Row(DEPARTMENT, "75", "2022-03-21"), Row(FINESS, "759900111", "2022-03-22")])
    assert plan.date_for("759900111", "75") == "2022-03-22"
    assert plan.date_for("759900222", "75") == "2022-03-21"
    assert plan.date_for("699900122", "69") == "2022-03-18"


def test_without_a_delivery_window_there_is_no_default_date() -> None:
    assert Plan.of(NO_DELIVERY, []).date_for("759900111", "75") == ""


def test_the_window_s_first_and_last_days_are_inside_it() -> None:
    assert in_window(WINDOW, date(2022, 3, 18)) and in_window(WINDOW, date(2022, 3, 22))
    assert not in_window(WINDOW, date(2022, 3, 17)) and not in_window(WINDOW, date(2022, 3, 23))
    assert window_text(WINDOW) == "du vendredi 18 mars 2022 au mardi 22 mars 2022"


def test_the_plan_lists_departements_then_officines_each_in_code_order() -> None:
    rows = [
        Row(FINESS, "759900111", "2022-03-22"),
        Row(DEPARTMENT, "75", "2022-03-21"),
        Row(FINESS, "139900138", "2022-03-19", update_time=None),
        Row(DEPARTMENT, "13", "2022-03-20"),
    ]
    view = plan_view(WINDOW, rows)
    assert (view.name, view.delivery_from_date, view.delivery_to_date, view.default_date) == (
        "sessions/2022-03-07/deliveryPlan",
        "2022-03-18",
        "2022-03-22",
        "2022-03-18",
    )
    assert view.overrides == [
        OverrideView("13", "", "2022-03-20", "899700000906", T),
        OverrideView("75", "", "2022-03-21", "899700000906", T),
        OverrideView("", "139900138", "2022-03-19", "899700000906", None),
        OverrideView("", "759900111", "2022-03-22", "899700000906", T),
    ]


def test_a_session_without_a_delivery_window_shows_empty_dates() -> None:
    view = plan_view(NO_DELIVERY, [])
    assert (view.name, view.delivery_from_date, view.delivery_to_date, view.default_date, view.overrides) == (
        "sessions/2022-03-14/deliveryPlan",
        "",
        "",
        "",
        [],
    )
