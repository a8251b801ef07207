"""OrderService over gRPC: protobuf <-> domain, nothing else. Domain errors
are mapped to status codes by the shared interceptor."""

from __future__ import annotations

from collections.abc import AsyncIterator

from services.common.context import Principal, ServicerContext, current_principal
from services.common.errors import Unauthenticated
from services.common.masks import check_mask
from services.common.timefmt import as_utc, to_timestamp
from services.orders.activity import ActivityService
from services.orders.batch import BatchLineService, LineWrite
from services.orders.deliveries import DeliveryService
from services.orders.delivery_plan import PlanService
from services.orders.lines import LineService
from services.orders.reports import CONSOLIDATED, DETAIL, ReportService
from services.orders.supply import SupplyService
from services.orders.vial_requests import RequestService
from services.orders.views import (
    AllocationView,
    ChangeView,
    DateChangeView,
    DeliveryView,
    LineView,
    Notice,
    PlanView,
    ProductAllocationView,
    ProductTotal,
    RequestEventView,
    RequestView,
    SupplyView,
)
from vaxorders.orders.v1 import orders_service_pb2 as pb
from vaxorders.orders.v1 import orders_service_pb2_grpc as pb_grpc

_State = pb.VialRequest.State
# What UpdateOrderLine may change (update_mask paths, relative to `line`).
_LINE_WRITABLE = frozenset({"vials"})


def _principal() -> Principal:
    principal = current_principal()
    if principal is None:  # every method needs a token; the interceptor enforces it
        raise Unauthenticated("Authentification requise : connectez-vous avec Pro Santé Connect.")
    return principal


def line_pb(line: LineView) -> pb.OrderLine:
    message = pb.OrderLine(
        name=line.name,
        effecteur=line.effecteur,
        product=line.product,
        vials=line.vials,
        effecteur_type=f"EFFECTEUR_TYPE_{line.effecteur_type}",
        vials_from_requests=line.vials_from_requests,
        etag=line.etag,
        create_time=to_timestamp(line.create_time),
        update_time=to_timestamp(line.update_time),
    )
    if line.confirmed_vials is not None:
        message.confirmed_vials = line.confirmed_vials
    return message


def request_pb(request: RequestView) -> pb.VialRequest:
    message = pb.VialRequest(
        name=request.name,
        effecteur=request.effecteur,
        product=request.product,
        vials=request.vials,
        comment=request.comment,
        state=f"STATE_{request.state}",
        confirmed_vials=request.confirmed_vials,
        decision_reason=request.decision_reason,
        decided_by=request.decided_by,
        order_line=request.order_line,
        create_time=to_timestamp(request.create_time),
        etag=request.etag,
    )
    if request.decide_time is not None:
        message.decide_time.FromDatetime(as_utc(request.decide_time))
    return message


def _line_write(write: pb.OrderLineWrite) -> LineWrite:
    kind = write.WhichOneof("operation") or ""
    line = getattr(write, kind) if kind else pb.OrderLine()
    return LineWrite(kind, line.name, line.etag, line.effecteur, line.product, line.vials)


def warnings_pb(warnings: list[Notice]) -> list[pb.Warning]:
    return [pb.Warning(reason=w.reason, message=w.message) for w in warnings]


def change_pb(change: ChangeView) -> pb.Change:
    return pb.Change(
        actor=change.actor,
        change_time=to_timestamp(change.change_time),
        action=f"ACTION_{change.action}",
        vials_before=change.vials_before,
        vials_after=change.vials_after,
        request_id=change.request_id,
        note=change.note,
        under_psc_grace=change.psc_grace,
    )


def totals_pb(totals: list[ProductTotal]) -> list[pb.ProductTotal]:
    return [pb.ProductTotal(product=t.product, vials=t.vials, doses=t.doses) for t in totals]


def supply_pb(supply: SupplyView) -> pb.Supply:
    message = pb.Supply(
        name=supply.name,
        products=[pb.ProductSupply(product=p, vials=v) for p, v in supply.products],
        update_by=supply.update_by,
        etag=supply.etag,
    )
    if supply.update_time is not None:
        message.update_time.FromDatetime(as_utc(supply.update_time))
    return message


def _product_allocation_pb(p: ProductAllocationView) -> pb.ProductAllocation:
    return pb.ProductAllocation(
        product=p.product,
        supply=p.supply,
        ordered_vials=p.ordered_vials,
        confirmed_vials=p.confirmed_vials,
        lines=p.lines,
        lines_reduced=p.lines_reduced,
        supply_missing=p.supply_missing,
    )


def allocation_pb(allocation: AllocationView) -> pb.Allocation:
    message = pb.Allocation(
        name=allocation.name,
        products=[_product_allocation_pb(p) for p in allocation.products],
        departments=[
            pb.DepartmentAllocation(department=d.department, products=[_product_allocation_pb(p) for p in d.products])
            for d in allocation.departments
        ],
        publish_by=allocation.publish_by,
    )
    if allocation.publish_time is not None:
        message.publish_time.FromDatetime(as_utc(allocation.publish_time))
    if allocation.confirmations_sent_time is not None:
        message.confirmations_sent_time.FromDatetime(as_utc(allocation.confirmations_sent_time))
    return message


def plan_pb(plan: PlanView) -> pb.DeliveryPlan:
    overrides = []
    for o in plan.overrides:
        override = pb.DeliveryDateOverride(department=o.department, finess=o.finess, date=o.date, update_by=o.update_by)
        if o.update_time is not None:
            override.update_time.FromDatetime(as_utc(o.update_time))
        overrides.append(override)
    return pb.DeliveryPlan(
        name=plan.name,
        delivery_from_date=plan.delivery_from_date,
        delivery_to_date=plan.delivery_to_date,
        default_date=plan.default_date,
        overrides=overrides,
    )


def delivery_pb(delivery: DeliveryView) -> pb.Delivery:
    message = pb.Delivery(
        name=delivery.name,
        finess=delivery.finess,
        department=delivery.department,
        delivery_date=delivery.delivery_date,
        lines=[
            pb.DeliveryLine(
                effecteur=line.effecteur,
                effecteur_type=f"EFFECTEUR_TYPE_{line.effecteur_type}",
                product=line.product,
                ordered_vials=line.ordered_vials,
                confirmed_vials=line.confirmed_vials,
                doses_per_unit=line.doses_per_unit,
            )
            for line in delivery.lines
        ],
        announced_date=delivery.announced_date,
    )
    if delivery.confirmation_sent_time is not None:
        message.confirmation_sent_time.FromDatetime(as_utc(delivery.confirmation_sent_time))
    return message


def date_change_pb(change: DateChangeView) -> pb.DeliveryDateChange:
    return pb.DeliveryDateChange(
        id=change.id,
        session=change.session,
        finess=change.finess,
        old_date=change.old_date,
        new_date=change.new_date,
        change_by=change.change_by,
        change_time=to_timestamp(change.change_time),
    )


def request_event_pb(event: RequestEventView) -> pb.VialRequestEvent:
    return pb.VialRequestEvent(
        id=event.id,
        kind=f"KIND_{event.kind}",
        request=event.request,
        finess=event.finess,
        effecteur=event.effecteur,
        product=event.product,
        vials=event.vials,
        confirmed_vials=event.confirmed_vials,
        text=event.text,
        actor=event.actor,
        event_time=to_timestamp(event.event_time),
    )


class OrderServicer(pb_grpc.OrderServiceServicer):
    def __init__(
        self,
        lines: LineService,
        requests: RequestService,
        reports: ReportService,
        supply: SupplyService,
        plans: PlanService,
        deliveries: DeliveryService,
    ) -> None:
        self.lines = lines
        self.requests = requests
        self.reports = reports
        self.supply = supply
        self.plans = plans
        self.deliveries = deliveries
        # Read-only aggregates on the same rules (window, database, clock) as the reports.
        self.activity = ActivityService(reports.rules)
        # Grid saves: the same rules as the single-line writes, read once per submission.
        self.batch = BatchLineService(lines.rules)

    # -- order lines ---------------------------------------------------------------

    async def GetOrderLine(
        self,
        request: pb.GetOrderLineRequest,
        context: ServicerContext,
    ) -> pb.GetOrderLineResponse:
        line = await self.lines.get(_principal(), request.name)
        return pb.GetOrderLineResponse(line=line_pb(line))

    async def ListOrderLines(
        self,
        request: pb.ListOrderLinesRequest,
        context: ServicerContext,
    ) -> pb.ListOrderLinesResponse:
        page = await self.lines.list(
            _principal(), request.parent, request.effecteur, request.product, request.page_size, request.page_token
        )
        return pb.ListOrderLinesResponse(lines=[line_pb(x) for x in page.items], next_page_token=page.next_page_token)

    async def CreateOrderLine(
        self,
        request: pb.CreateOrderLineRequest,
        context: ServicerContext,
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
        self,
        request: pb.UpdateOrderLineRequest,
        context: ServicerContext,
    ) -> pb.UpdateOrderLineResponse:
        principal = _principal()
        check_mask(request.update_mask.paths, _LINE_WRITABLE)
        outcome = await self.lines.update(
            principal, request.line.name, request.line.etag, request.line.vials, request.request_id
        )
        assert outcome.line is not None
        return pb.UpdateOrderLineResponse(line=line_pb(outcome.line), warnings=warnings_pb(outcome.warnings))

    async def DeleteOrderLine(
        self,
        request: pb.DeleteOrderLineRequest,
        context: ServicerContext,
    ) -> pb.DeleteOrderLineResponse:
        await self.lines.delete(_principal(), request.name, request.etag, request.request_id)
        return pb.DeleteOrderLineResponse()

    async def BatchWriteOrderLines(
        self,
        request: pb.BatchWriteOrderLinesRequest,
        context: ServicerContext,
    ) -> pb.BatchWriteOrderLinesResponse:
        writes = [_line_write(w) for w in request.writes]
        outcome = await self.batch.write(_principal(), request.parent, writes, request.request_id)
        return pb.BatchWriteOrderLinesResponse(
            results=[
                pb.OrderLineWriteResult(
                    saved=c.saved,
                    line=line_pb(c.line) if c.line is not None else None,
                    warnings=warnings_pb(c.warnings),
                    reason=c.reason,
                    message=c.message,
                )
                for c in outcome.cells
            ]
        )

    async def ListOrderLineChanges(
        self,
        request: pb.ListOrderLineChangesRequest,
        context: ServicerContext,
    ) -> pb.ListOrderLineChangesResponse:
        page = await self.lines.changes(_principal(), request.parent, request.page_size, request.page_token)
        return pb.ListOrderLineChangesResponse(
            changes=[change_pb(c) for c in page.items], next_page_token=page.next_page_token
        )

    async def GetOfficineSummary(
        self,
        request: pb.GetOfficineSummaryRequest,
        context: ServicerContext,
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
        self,
        request: pb.CreateVialRequestRequest,
        context: ServicerContext,
    ) -> pb.CreateVialRequestResponse:
        asked = request.vial_request
        outcome = await self.requests.create(
            _principal(), request.parent, asked.effecteur, asked.product, asked.vials, asked.comment, request.request_id
        )
        return pb.CreateVialRequestResponse(vial_request=request_pb(outcome.request))

    async def GetVialRequest(
        self,
        request: pb.GetVialRequestRequest,
        context: ServicerContext,
    ) -> pb.GetVialRequestResponse:
        found = await self.requests.get(_principal(), request.name)
        return pb.GetVialRequestResponse(vial_request=request_pb(found))

    async def ListVialRequests(
        self,
        request: pb.ListVialRequestsRequest,
        context: ServicerContext,
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
        self,
        request: pb.ConfirmVialRequestRequest,
        context: ServicerContext,
    ) -> pb.ConfirmVialRequestResponse:
        vials = request.vials if request.HasField("vials") else None
        outcome = await self.requests.confirm(_principal(), request.name, vials, request.reason, request.request_id)
        assert outcome.line is not None
        return pb.ConfirmVialRequestResponse(
            vial_request=request_pb(outcome.request), line=line_pb(outcome.line), warnings=warnings_pb(outcome.warnings)
        )

    async def DeclineVialRequest(
        self,
        request: pb.DeclineVialRequestRequest,
        context: ServicerContext,
    ) -> pb.DeclineVialRequestResponse:
        outcome = await self.requests.decline(_principal(), request.name, request.reason, request.request_id)
        return pb.DeclineVialRequestResponse(vial_request=request_pb(outcome.request))

    async def CancelVialRequest(
        self,
        request: pb.CancelVialRequestRequest,
        context: ServicerContext,
    ) -> pb.CancelVialRequestResponse:
        outcome = await self.requests.cancel(_principal(), request.name, request.request_id)
        return pb.CancelVialRequestResponse(vial_request=request_pb(outcome.request))

    # -- operators -------------------------------------------------------------------

    async def ExportSessionOrders(
        self,
        request: pb.ExportSessionOrdersRequest,
        context: ServicerContext,
    ) -> AsyncIterator[pb.ExportSessionOrdersResponse]:
        session_id = await self.reports.check_export(_principal(), request.session)
        layout = DETAIL if request.layout == pb.ExportSessionOrdersRequest.LAYOUT_DETAIL else CONSOLIDATED
        async for chunk in self.reports.export(session_id, layout):
            yield pb.ExportSessionOrdersResponse(chunk=chunk)

    async def GetSessionTotals(
        self,
        request: pb.GetSessionTotalsRequest,
        context: ServicerContext,
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

    async def GetSessionActivity(
        self,
        request: pb.GetSessionActivityRequest,
        context: ServicerContext,
    ) -> pb.GetSessionActivityResponse:
        activity = await self.activity.session_activity(
            _principal(), request.session, include_ordering_officines=request.include_ordering_officines
        )
        return pb.GetSessionActivityResponse(
            minutes=[
                pb.MinuteActivity(start_time=to_timestamp(m.start), line_writes=m.line_writes, officines=m.officines)
                for m in activity.minutes
            ],
            active_officines=activity.active_officines,
            active_minutes=activity.active_minutes,
            ordering_officines=activity.ordering_officines,
            departments=[pb.DepartmentActivity(department=d, ordering_officines=n) for d, n in activity.departments],
            ordering_officine_names=activity.ordering_names,
            compute_time=to_timestamp(activity.compute_time),
        )

    # -- after the session: supply, allocation, delivery plan, deliveries ---------------

    async def GetSupply(self, request: pb.GetSupplyRequest, context: ServicerContext) -> pb.GetSupplyResponse:
        supply = await self.supply.get_supply(_principal(), request.name)
        return pb.GetSupplyResponse(supply=supply_pb(supply))

    async def UpdateSupply(
        self,
        request: pb.UpdateSupplyRequest,
        context: ServicerContext,
    ) -> pb.UpdateSupplyResponse:
        outcome = await self.supply.update_supply(
            _principal(),
            request.supply.name,
            request.supply.etag,
            [(p.product, p.vials) for p in request.supply.products],
            request.request_id,
        )
        return pb.UpdateSupplyResponse(supply=supply_pb(outcome.supply))

    async def PreviewAllocation(
        self,
        request: pb.PreviewAllocationRequest,
        context: ServicerContext,
    ) -> pb.PreviewAllocationResponse:
        allocation = await self.supply.preview(_principal(), request.session)
        return pb.PreviewAllocationResponse(allocation=allocation_pb(allocation))

    async def PublishAllocation(
        self,
        request: pb.PublishAllocationRequest,
        context: ServicerContext,
    ) -> pb.PublishAllocationResponse:
        outcome = await self.supply.publish(_principal(), request.session, request.supply_etag, request.request_id)
        return pb.PublishAllocationResponse(allocation=allocation_pb(outcome.allocation))

    async def GetAllocation(
        self,
        request: pb.GetAllocationRequest,
        context: ServicerContext,
    ) -> pb.GetAllocationResponse:
        allocation = await self.supply.get_allocation(_principal(), request.name)
        return pb.GetAllocationResponse(allocation=allocation_pb(allocation))

    async def GetDeliveryPlan(
        self,
        request: pb.GetDeliveryPlanRequest,
        context: ServicerContext,
    ) -> pb.GetDeliveryPlanResponse:
        plan = await self.plans.get(_principal(), request.name)
        return pb.GetDeliveryPlanResponse(delivery_plan=plan_pb(plan))

    async def SetDeliveryDate(
        self,
        request: pb.SetDeliveryDateRequest,
        context: ServicerContext,
    ) -> pb.SetDeliveryDateResponse:
        o = request.override
        outcome = await self.plans.set_date(
            _principal(), request.plan, o.department, o.finess, o.date, request.request_id
        )
        return pb.SetDeliveryDateResponse(delivery_plan=plan_pb(outcome.plan))

    async def ClearDeliveryDate(
        self,
        request: pb.ClearDeliveryDateRequest,
        context: ServicerContext,
    ) -> pb.ClearDeliveryDateResponse:
        outcome = await self.plans.clear_date(
            _principal(), request.plan, request.department, request.finess, request.request_id
        )
        return pb.ClearDeliveryDateResponse(delivery_plan=plan_pb(outcome.plan))

    async def ImportDeliveryPlanCsv(
        self,
        request: pb.ImportDeliveryPlanCsvRequest,
        context: ServicerContext,
    ) -> pb.ImportDeliveryPlanCsvResponse:
        outcome = await self.plans.import_csv(
            _principal(), request.plan, request.csv, request.validate_only, request.request_id
        )
        return pb.ImportDeliveryPlanCsvResponse(delivery_plan=plan_pb(outcome.plan))

    async def ListDeliveries(
        self,
        request: pb.ListDeliveriesRequest,
        context: ServicerContext,
    ) -> pb.ListDeliveriesResponse:
        page = await self.deliveries.list(
            _principal(), request.parent, request.effecteur, request.page_size, request.page_token
        )
        return pb.ListDeliveriesResponse(
            deliveries=[delivery_pb(d) for d in page.items], next_page_token=page.next_page_token
        )

    async def RecordConfirmationsSent(
        self,
        request: pb.RecordConfirmationsSentRequest,
        context: ServicerContext,
    ) -> pb.RecordConfirmationsSentResponse:
        outcome = await self.deliveries.record_sent(
            _principal(),
            request.session,
            [(c.finess, c.announced_date) for c in request.confirmations],
            request.request_id,
        )
        return pb.RecordConfirmationsSentResponse(changed=outcome.changed)

    async def ListDeliveryDateChanges(
        self,
        request: pb.ListDeliveryDateChangesRequest,
        context: ServicerContext,
    ) -> pb.ListDeliveryDateChangesResponse:
        changes = await self.deliveries.date_changes(_principal(), request.after_id, request.page_size)
        return pb.ListDeliveryDateChangesResponse(changes=[date_change_pb(c) for c in changes])

    async def ListVialRequestEvents(
        self,
        request: pb.ListVialRequestEventsRequest,
        context: ServicerContext,
    ) -> pb.ListVialRequestEventsResponse:
        events = await self.requests.events(_principal(), request.after_id, request.page_size)
        return pb.ListVialRequestEventsResponse(events=[request_event_pb(e) for e in events])
