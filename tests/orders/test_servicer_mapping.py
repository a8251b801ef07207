"""The audit trail's actions, as the domain records them (UPPER_SNAKE strings in
the changes table), reach clients as the Change.Action enum of the proto (one
encoding per concept)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.orders.servicer import change_pb
from services.orders.views import ChangeView
from vaxorders.orders.v1 import orders_service_pb2 as pb

# Every action services/orders writes on an audit trail: a line's, a request's,
# and after the close the supply's, the allocation's and the delivery plan's.
RECORDED_ACTIONS = [
    "CREATE",
    "UPDATE",
    "DELETE",
    "CREATE_REQUEST",
    "CONFIRM_REQUEST",
    "DECLINE_REQUEST",
    "CANCEL_REQUEST",
    "UPDATE_SUPPLY",
    "PUBLISH_ALLOCATION",
    "SET_DELIVERY_DATE",
    "CLEAR_DELIVERY_DATE",
    "IMPORT_DELIVERY_PLAN",
    "RECORD_CONFIRMATIONS",
]


@pytest.mark.parametrize("action", RECORDED_ACTIONS)
def test_every_recorded_action_is_a_value_of_the_action_enum(action: str) -> None:
    change = ChangeView("899700000013", datetime(2022, 3, 7, 8, tzinfo=UTC), action, 0, 5, "", "")
    assert pb.Change.Action.Name(change_pb(change).action) == f"ACTION_{action}"


def test_the_action_enum_names_nothing_the_domain_does_not_record() -> None:
    named = [n.removeprefix("ACTION_") for n in pb.Change.Action.keys() if n != "ACTION_UNSPECIFIED"]
    assert sorted(named) == sorted(RECORDED_ACTIONS)
