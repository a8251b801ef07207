"""The counter in a pharmacien's menu: requests awaiting their officine's decision.

Read from orders' GetOfficineSummary (`pending_requests`, one COUNT there) for
the current session. The menu is a convenience: when orders or sessions do not
answer, the page is shown without the counter rather than refused.
"""

from __future__ import annotations

import grpc
import structlog
from starlette.requests import Request

from services.gateway.access import Caller, gateway_of
from services.gateway.pages import common
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb

log = structlog.get_logger("gateway.waiting")


async def waiting_requests(request: Request, caller: Caller) -> dict[str, int]:
    """FINESS -> requests awaiting a decision, for each officine the caller acts for."""
    principal = caller.principal
    if principal is None or "OFFICINE" not in principal.roles or not principal.officines:
        return {}
    try:
        session = await common.current_session(request)
        if session is None:
            return {}
        orders = gateway_of(request).backends.orders
        counts: dict[str, int] = {}
        for officine in principal.officines:
            finess = officine.removeprefix("officines/")
            summary = await orders.GetOfficineSummary(
                orders_pb.GetOfficineSummaryRequest(name=f"{session.name}/officines/{finess}")
            )
            counts[finess] = summary.pending_requests
        return counts
    except grpc.RpcError as error:
        code = error.code() if isinstance(error, grpc.aio.AioRpcError) else None
        log.warning("menu.waiting_requests_unavailable", code=str(code))
        return {}
