"""OrderService over gRPC: protobuf <-> domain, nothing else. Domain errors
are mapped to status codes by the shared interceptor."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
from vaxorders.orders.v1 import orders_service_pb2 as pb
from vaxorders.orders.v1 import orders_service_pb2_grpc as pb_grpc
from vaxorders.type.v1 import effecteur_type_pb2

from services.common.context import Principal, current_principal
from services.common.errors import Unauthenticated
from services.common.masks import check_mask
from services.common.timefmt import to_timestamp
from services.orders.lines import LineService
from services.orders.reports import CONSOLIDATED, DETAIL, ReportService
from services.orders.vial_requests import RequestService
from services.orders.views import ChangeView, LineView, Notice, ProductTotal, RequestView

_State = pb.VialRequest.State
# What UpdateOrderLine may change (update_mask paths, relative to `line`).
_LINE_WRITABLE = frozenset({"vials"})


def _principal() -> Principal:
    principal = current_principal()
    if principal is None:  # every method needs a token; the interceptor enforces it
        raise Unauthenticated("Authentification requise : connectez-vous avec Pro Santé Connect.")
    return principal


def line_pb(line: LineView) -> pb.OrderLine:
    return pb.OrderLine(
        name=line.name,
        effecteur=line.effecteur,
        product=line.product,
        vials=line.vials,
        effecteur_type=effecteur_type_pb2.EffecteurType.Value(f"EFFECTEUR_TYPE_{line.effecteur_type}"),
        vials_from_requests=line.vials_from_requests,
        etag=line.etag,
        create_time=to_timestamp(line.create_time),
        update_time=to_timestamp(line.update_time),
    )


def request_pb(request: RequestView) -> pb.VialRequest:
    message = pb.VialRequest(
        name=request.name,
        effecteur=request.effecteur,
        product=request.product,
        vials=request.vials,
        comment=request.comment,
        state=_State.Value(f"STATE_{request.state}"),
        confirmed_vials=request.confirmed_vials,
        decision_reason=request.decision_reason,
        decided_by=request.decided_by,
        order_line=request.order_line,
        create_time=to_timestamp(request.create_time),
        etag=request.etag,
    )
    if request.decide_time is not None:
        message.decide_time.CopyFrom(to_timestamp(request.decide_time))
    return message


def warnings_pb(warnings: list[Notice]) -> list[pb.Warning]:
    return [pb.Warning(reason=w.reason, message=w.message) for w in warnings]


def change_pb(change: ChangeView) -> pb.Change:
    return pb.Change(
        actor=change.actor,
        change_time=to_timestamp(change.change_time),
        action=pb.Change.Action.Value(f"ACTION_{change.action}"),
        vials_before=change.vials_before,
        vials_after=change.vials_after,
        request_id=change.request_id,
        note=change.note,
    )


def totals_pb(totals: list[ProductTotal]) -> list[pb.ProductTotal]:
    return [pb.ProductTotal(product=t.product, vials=t.vials, doses=t.doses) for t in totals]


class OrderServicer(pb_grpc.OrderServiceServicer):
    def __init__(self, lines: LineService, requests: RequestService, reports: ReportService) -> None:
        self.lines = lines
        self.requests = requests
        self.reports = reports

    # -- order lines ---------------------------------------------------------------

    async def GetOrderLine(
        self, request: pb.GetOrderLineRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetOrderLineResponse:
        line = await self.lines.get(_principal(), request.name)
        return pb.GetOrderLineResponse(line=line_pb(line))

    async def ListOrderLines(
        self, request: pb.ListOrderLinesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListOrderLinesResponse:
        page = await self.lines.list(
            _principal(), request.parent, request.effecteur, request.product, request.page_size, request.page_token
        )
        return pb.ListOrderLinesResponse(lines=[line_pb(x) for x in page.items], next_page_token=page.next_page_token)

    async def CreateOrderLine(
        self, request: pb.CreateOrderLineRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateOrderLineResponse:
        outcome = await self.lines.create(
            _principal(),
            request.parent,
            request.line.effecteur,
            request.line.product,
            request.line.vials,
            request.request_id,
        )
        assert outcome.line is not None
        return pb.CreateOrderLineResponse(line=line_pb(outcome.line), warnings=warnings_pb(outcome.warnings))

    async def UpdateOrderLine(
        self, request: pb.UpdateOrderLineRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateOrderLineResponse:
        principal = _principal()
        check_mask(request.update_mask.paths, _LINE_WRITABLE)
        outcome = await self.lines.update(
            principal, request.line.name, request.line.etag, request.line.vials, request.request_id
        )
        assert outcome.line is not None
        return pb.UpdateOrderLineResponse(line=line_pb(outcome.line), warnings=warnings_pb(outcome.warnings))

    async def DeleteOrderLine(
        self, request: pb.DeleteOrderLineRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteOrderLineResponse:
        await self.lines.delete(_principal(), request.name, request.etag, request.request_id)
        return pb.DeleteOrderLineResponse()

    async def ListOrderLineChanges(
        self, request: pb.ListOrderLineChangesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListOrderLineChangesResponse:
        page = await self.lines.changes(_principal(), request.parent, request.page_size, request.page_token)
        return pb.ListOrderLineChangesResponse(
            changes=[change_pb(c) for c in page.items], next_page_token=page.next_page_token
        )

    async def GetOfficineSummary(
        self, request: pb.GetOfficineSummaryRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetOfficineSummaryResponse:
        summary = await self.reports.officine_summary(_principal(), request.name)
        return pb.GetOfficineSummaryResponse(
            products=totals_pb(summary.products),
            effecteurs=[
                pb.EffecteurTotal(effecteur=e.effecteur, products=totals_pb(e.products)) for e in summary.effecteurs
            ],
            pending_requests=summary.pending_requests,
        )

    # -- vial requests ---------------------------------------------------------------

    async def CreateVialRequest(
        self, request: pb.CreateVialRequestRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateVialRequestResponse:
        asked = request.vial_request
        outcome = await self.requests.create(
            _principal(), request.parent, asked.effecteur, asked.product, asked.vials, asked.comment, request.request_id
        )
        return pb.CreateVialRequestResponse(vial_request=request_pb(outcome.request))

    async def GetVialRequest(
        self, request: pb.GetVialRequestRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetVialRequestResponse:
        found = await self.requests.get(_principal(), request.name)
        return pb.GetVialRequestResponse(vial_request=request_pb(found))

    async def ListVialRequests(
        self, request: pb.ListVialRequestsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListVialRequestsResponse:
        if request.state == _State.STATE_UNSPECIFIED:
            state = ""
        elif request.state in _State.values():
            state = _State.Name(request.state).removeprefix("STATE_")
        else:
            state = str(request.state)  # refused by the domain as a field violation
        page = await self.requests.list(
            _principal(), request.parent, state, request.effecteur, request.page_size, request.page_token
        )
        return pb.ListVialRequestsResponse(
            vial_requests=[request_pb(r) for r in page.items], next_page_token=page.next_page_token
        )

    async def ConfirmVialRequest(
        self, request: pb.ConfirmVialRequestRequest, context: grpc.aio.ServicerContext
    ) -> pb.ConfirmVialRequestResponse:
        vials = request.vials if request.HasField("vials") else None
        outcome = await self.requests.confirm(_principal(), request.name, vials, request.reason, request.request_id)
        assert outcome.line is not None
        return pb.ConfirmVialRequestResponse(
            vial_request=request_pb(outcome.request), line=line_pb(outcome.line), warnings=warnings_pb(outcome.warnings)
        )

    async def DeclineVialRequest(
        self, request: pb.DeclineVialRequestRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeclineVialRequestResponse:
        outcome = await self.requests.decline(_principal(), request.name, request.reason, request.request_id)
        return pb.DeclineVialRequestResponse(vial_request=request_pb(outcome.request))

    async def CancelVialRequest(
        self, request: pb.CancelVialRequestRequest, context: grpc.aio.ServicerContext
    ) -> pb.CancelVialRequestResponse:
        outcome = await self.requests.cancel(_principal(), request.name, request.request_id)
        return pb.CancelVialRequestResponse(vial_request=request_pb(outcome.request))

    # -- operators -------------------------------------------------------------------

    async def ExportSessionOrders(
        self, request: pb.ExportSessionOrdersRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.ExportSessionOrdersResponse]:
        session_id = await self.reports.check_export(_principal(), request.session)
        layout = DETAIL if request.layout == pb.ExportSessionOrdersRequest.LAYOUT_DETAIL else CONSOLIDATED
        async for chunk in self.reports.export(session_id, layout):
            yield pb.ExportSessionOrdersResponse(chunk=chunk)

    async def GetSessionTotals(
        self, request: pb.GetSessionTotalsRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSessionTotalsResponse:
        totals = await self.reports.session_totals(_principal(), request.session)
        return pb.GetSessionTotalsResponse(
            products=totals_pb(totals.products),
            departments=[
                pb.DepartmentTotal(department=d.department, products=totals_pb(d.products)) for d in totals.departments
            ],
            ordering_officines=totals.ordering_officines,
            compute_time=to_timestamp(totals.compute_time),
        )
