"""The audit trail's actions, as the domain records them, reach clients as the
Change.Action enum of the proto (one encoding per concept)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.orders.servicer import change_pb
from services.orders.views import ChangeView
from vaxorders.orders.v1 import orders_service_pb2 as pb

# Every action services/orders writes on a line's or a request's trail.
RECORDED_ACTIONS = [
    "CREATE",
    "UPDATE",
    "DELETE",
    "CREATE_REQUEST",
    "CONFIRM_REQUEST",
    "DECLINE_REQUEST",
    "CANCEL_REQUEST",
]


@pytest.mark.parametrize("action", RECORDED_ACTIONS)
def test_every_recorded_action_is_a_value_of_the_action_enum(action: str) -> None:
    change = ChangeView("899700000013", datetime(2022, 3, 7, 8, tzinfo=UTC), action, 0, 5, "", "")
    assert pb.Change.Action.Name(change_pb(change).action) == f"ACTION_{action}"


def test_the_action_enum_names_nothing_the_domain_does_not_record() -> None:
    named = [n.removeprefix("ACTION_") for n in pb.Change.Action.keys() if n != "ACTION_UNSPECIFIED"]
    assert sorted(named) == sorted(RECORDED_ACTIONS)
