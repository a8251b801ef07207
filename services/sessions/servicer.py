"""SessionService over gRPC: protobuf <-> domain, nothing else.

Errors are domain errors raised by the service layer; the server interceptor
turns them into gRPC status with details.
"""

from __future__ import annotations

from datetime import date, datetime

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from services.common.clock import Clock
from services.common.context import ServicerContext, current_principal
from services.common.timefmt import from_timestamp, to_timestamp
from services.sessions.domain import (
    CalendarWindow,
    EffecteurType,
    Product,
    ProductDraft,
    QuotaRule,
    QuotaTable,
    RuleDraft,
    Session,
    SessionDraft,
    SessionState,
    WindowChange,
)
from services.sessions.service import SessionsService
from vaxorders.sessions.v1 import sessions_service_pb2 as pb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as pb_grpc
from vaxorders.type.v1 import effecteur_type_pb2

_TYPE_PREFIX = "EFFECTEUR_TYPE_"
_KIND_PREFIX = "QUOTA_KIND_"
_SESSION_STATES = {
    SessionState.SCHEDULED: pb.Session.STATE_SCHEDULED,
    SessionState.OPEN: pb.Session.STATE_OPEN,
    SessionState.CLOSED: pb.Session.STATE_CLOSED,
}


# ---------------------------------------------------------------- proto -> domain


def _enum_code(enum_type: EnumTypeWrapper, number: int, prefix: str) -> str:
    """'MEDECIN' for EFFECTEUR_TYPE_MEDECIN; unknown numbers stay visible for the error message."""
    try:
        return enum_type.Name(number).removeprefix(prefix)
    except ValueError:
        return str(number)


def _type_code(number: int) -> str:
    return _enum_code(effecteur_type_pb2.EffecteurType, number, _TYPE_PREFIX)


def _time(message: Message, field: str) -> datetime | None:
    return from_timestamp(getattr(message, field)) if message.HasField(field) else None


def _product_draft(product: pb.Product) -> ProductDraft:
    return ProductDraft(
        display_name=product.display_name,
        unit=product.unit,
        doses_per_unit=product.doses_per_unit,
        shelf_life_days=product.shelf_life_days if product.HasField("shelf_life_days") else None,
        paediatric=product.paediatric,
        redistributable_to=tuple(_type_code(t) for t in product.redistributable_to),
        orderable_from=_time(product, "orderable_from"),
        orderable_until=_time(product, "orderable_until"),
        active=product.active,
        display_order=product.display_order,
    )


def _session_draft(session: pb.Session) -> SessionDraft:
    return SessionDraft(
        label=session.label,
        open_time=_time(session, "open_time"),
        close_time=_time(session, "close_time"),
        confirmation_email_date=session.confirmation_email_date,
        delivery_from_date=session.delivery_from_date,
        delivery_to_date=session.delivery_to_date,
    )


def _rule_draft(rule: pb.QuotaRule) -> RuleDraft:
    return RuleDraft(
        effecteur_type=_type_code(rule.effecteur_type),
        product=rule.product,
        kind=_enum_code(pb.QuotaKind, rule.kind, _KIND_PREFIX),
        max_vials=rule.max_vials,
        soft_threshold=rule.soft_threshold,
    )


# ---------------------------------------------------------------- domain -> proto


def _type_pb(effecteur_type: EffecteurType) -> str:
    """The enum label ("EFFECTEUR_TYPE_MEDECIN"): message constructors take labels as well as numbers."""
    return _TYPE_PREFIX + effecteur_type.name


def _ts(value: datetime | None) -> Timestamp | None:
    return to_timestamp(value)


def product_pb(product: Product) -> pb.Product:
    message = pb.Product(
        name=product.name,
        display_name=product.display_name,
        unit=product.unit,
        doses_per_unit=product.doses_per_unit,
        paediatric=product.paediatric,
        redistributable_to=[_type_pb(t) for t in product.redistributable_to],
        orderable_from=_ts(product.orderable_from),
        orderable_until=_ts(product.orderable_until),
        active=product.active,
        display_order=product.display_order,
        etag=product.etag,
    )
    if product.shelf_life_days is not None:
        message.shelf_life_days = product.shelf_life_days
    return message


def _change_pb(change: WindowChange) -> pb.WindowChange:
    return pb.WindowChange(
        changed_by=change.changed_by,
        change_time=_ts(change.change_time),
        old_open_time=_ts(change.old_open_time),
        old_close_time=_ts(change.old_close_time),
        new_open_time=_ts(change.new_open_time),
        new_close_time=_ts(change.new_close_time),
    )


def session_pb(session: Session, now: datetime) -> pb.Session:
    def day(value: date | None) -> str:
        return value.isoformat() if value else ""

    return pb.Session(
        name=session.name,
        label=session.label,
        open_time=_ts(session.open_time),
        close_time=_ts(session.close_time),
        confirmation_email_date=day(session.confirmation_email_date),
        delivery_from_date=day(session.delivery_from_date),
        delivery_to_date=day(session.delivery_to_date),
        state=_SESSION_STATES[session.state_at(now)],
        # Visitors read the calendar; who changed a window is for logged-in users only.
        window_changes=[_change_pb(c) for c in session.window_changes] if current_principal() else [],
        etag=session.etag,
        create_time=_ts(session.create_time),
        update_time=_ts(session.update_time),
    )


def window_pb(window: CalendarWindow) -> pb.CalendarWindow:
    return pb.CalendarWindow(
        name=window.name,
        kind=f"KIND_{window.kind.value}",
        start_time=_ts(window.start_time),
        end_time=_ts(window.end_time),
        message=window.message,
    )


def rule_pb(rule: QuotaRule) -> pb.QuotaRule:
    return pb.QuotaRule(
        effecteur_type=_type_pb(rule.effecteur_type),
        product=f"products/{rule.product_id}",
        kind=_KIND_PREFIX + rule.kind.value,
        max_vials=rule.max_vials,
        soft_threshold=rule.soft_threshold,
        not_open_reason=rule.not_open_reason,
    )


def table_pb(table: QuotaTable) -> pb.QuotaTable:
    return pb.QuotaTable(
        name=table.name if table.version else "",
        version=table.version,
        publish_time=_ts(table.publish_time),
        published_by=table.published_by,
        rules=[rule_pb(r) for r in table.rules],
    )


class SessionServicer(pb_grpc.SessionServiceServicer):
    def __init__(self, service: SessionsService, clock: Clock) -> None:
        self.service, self.clock = service, clock

    async def GetServiceState(
        self,
        request: pb.GetServiceStateRequest,
        context: ServicerContext,
    ) -> pb.GetServiceStateResponse:
        status = await self.service.schedule.get_service_state(_time(request, "at"))
        return pb.GetServiceStateResponse(
            state=f"SERVICE_STATE_{status.state.value}",
            session=status.session.name if status.session else "",
            next_change_time=_ts(status.next_change_time),
            message=status.message,
        )

    # ------------------------------------------------------------ products

    async def ListProducts(
        self,
        request: pb.ListProductsRequest,
        context: ServicerContext,
    ) -> pb.ListProductsResponse:
        products, token = await self.service.catalogue.list_products(
            include_inactive=request.include_inactive, page_size=request.page_size, page_token=request.page_token
        )
        return pb.ListProductsResponse(products=[product_pb(p) for p in products], next_page_token=token)

    async def GetProduct(
        self,
        request: pb.GetProductRequest,
        context: ServicerContext,
    ) -> pb.GetProductResponse:
        return pb.GetProductResponse(product=product_pb(await self.service.catalogue.get_product(request.name)))

    async def CreateProduct(
        self,
        request: pb.CreateProductRequest,
        context: ServicerContext,
    ) -> pb.CreateProductResponse:
        product = await self.service.catalogue.create_product(
            current_principal(), request.product_id, _product_draft(request.product), request_id=request.request_id
        )
        return pb.CreateProductResponse(product=product_pb(product))

    async def UpdateProduct(
        self,
        request: pb.UpdateProductRequest,
        context: ServicerContext,
    ) -> pb.UpdateProductResponse:
        product = await self.service.catalogue.update_product(
            current_principal(),
            request.product.name,
            _product_draft(request.product),
            mask=set(request.update_mask.paths),
            etag=request.product.etag,
            request_id=request.request_id,
        )
        return pb.UpdateProductResponse(product=product_pb(product))

    # ------------------------------------------------------------ sessions

    async def ListSessions(
        self,
        request: pb.ListSessionsRequest,
        context: ServicerContext,
    ) -> pb.ListSessionsResponse:
        sessions, token = await self.service.schedule.list_sessions(
            page_size=request.page_size, page_token=request.page_token
        )
        now = self.clock.now()
        return pb.ListSessionsResponse(sessions=[session_pb(s, now) for s in sessions], next_page_token=token)

    async def GetSession(
        self,
        request: pb.GetSessionRequest,
        context: ServicerContext,
    ) -> pb.GetSessionResponse:
        session = await self.service.schedule.get_session(request.name)
        return pb.GetSessionResponse(session=session_pb(session, self.clock.now()))

    async def CreateSession(
        self,
        request: pb.CreateSessionRequest,
        context: ServicerContext,
    ) -> pb.CreateSessionResponse:
        session = await self.service.schedule.create_session(
            current_principal(), request.session_id, _session_draft(request.session), request_id=request.request_id
        )
        return pb.CreateSessionResponse(session=session_pb(session, self.clock.now()))

    async def UpdateSession(
        self,
        request: pb.UpdateSessionRequest,
        context: ServicerContext,
    ) -> pb.UpdateSessionResponse:
        session = await self.service.schedule.update_session(
            current_principal(),
            request.session.name,
            _session_draft(request.session),
            mask=set(request.update_mask.paths),
            etag=request.session.etag,
            request_id=request.request_id,
        )
        return pb.UpdateSessionResponse(session=session_pb(session, self.clock.now()))

    async def DeleteSession(
        self,
        request: pb.DeleteSessionRequest,
        context: ServicerContext,
    ) -> pb.DeleteSessionResponse:
        await self.service.schedule.delete_session(
            current_principal(), request.name, etag=request.etag, request_id=request.request_id
        )
        return pb.DeleteSessionResponse()

    # ------------------------------------------------------------ calendar

    async def ListCalendarWindows(
        self,
        request: pb.ListCalendarWindowsRequest,
        context: ServicerContext,
    ) -> pb.ListCalendarWindowsResponse:
        windows, token = await self.service.schedule.list_windows(
            page_size=request.page_size, page_token=request.page_token
        )
        return pb.ListCalendarWindowsResponse(windows=[window_pb(w) for w in windows], next_page_token=token)

    async def CreateCalendarWindow(
        self,
        request: pb.CreateCalendarWindowRequest,
        context: ServicerContext,
    ) -> pb.CreateCalendarWindowResponse:
        window = request.window
        created = await self.service.schedule.create_window(
            current_principal(),
            _enum_code(pb.CalendarWindow.Kind, window.kind, "KIND_"),
            _time(window, "start_time"),
            _time(window, "end_time"),
            window.message,
            request_id=request.request_id,
        )
        return pb.CreateCalendarWindowResponse(window=window_pb(created))

    async def DeleteCalendarWindow(
        self,
        request: pb.DeleteCalendarWindowRequest,
        context: ServicerContext,
    ) -> pb.DeleteCalendarWindowResponse:
        await self.service.schedule.delete_window(current_principal(), request.name, request_id=request.request_id)
        return pb.DeleteCalendarWindowResponse()

    # ------------------------------------------------------------ quota tables

    async def PublishQuotaTable(
        self,
        request: pb.PublishQuotaTableRequest,
        context: ServicerContext,
    ) -> pb.PublishQuotaTableResponse:
        table = await self.service.quotas.publish(
            current_principal(), request.parent, [_rule_draft(r) for r in request.rules], request_id=request.request_id
        )
        return pb.PublishQuotaTableResponse(quota_table=table_pb(table))

    async def GetQuotaTable(
        self,
        request: pb.GetQuotaTableRequest,
        context: ServicerContext,
    ) -> pb.GetQuotaTableResponse:
        if not request.HasField("effective_at"):
            return pb.GetQuotaTableResponse(
                quota_table=table_pb(await self.service.quotas.get_table(current_principal(), request.name))
            )
        effective = await self.service.quotas.effective_table(
            current_principal(), request.name, from_timestamp(request.effective_at)
        )
        return pb.GetQuotaTableResponse(quota_table=table_pb(effective.table), valid_until=_ts(effective.valid_until))

    async def ListQuotaTables(
        self,
        request: pb.ListQuotaTablesRequest,
        context: ServicerContext,
    ) -> pb.ListQuotaTablesResponse:
        tables, token = await self.service.quotas.list_tables(
            current_principal(), request.parent, page_size=request.page_size, page_token=request.page_token
        )
        return pb.ListQuotaTablesResponse(quota_tables=[table_pb(t) for t in tables], next_page_token=token)

    async def ImportQuotaTableCsv(
        self,
        request: pb.ImportQuotaTableCsvRequest,
        context: ServicerContext,
    ) -> pb.ImportQuotaTableCsvResponse:
        table = await self.service.quotas.import_csv(
            current_principal(),
            request.parent,
            request.csv,
            validate_only=request.validate_only,
            request_id=request.request_id,
        )
        return pb.ImportQuotaTableCsvResponse(quota_table=table_pb(table))

    async def ExportQuotaTableCsv(
        self,
        request: pb.ExportQuotaTableCsvRequest,
        context: ServicerContext,
    ) -> pb.ExportQuotaTableCsvResponse:
        return pb.ExportQuotaTableCsvResponse(
            csv=await self.service.quotas.export_csv(current_principal(), request.name)
        )

    async def ResolveQuota(
        self,
        request: pb.ResolveQuotaRequest,
        context: ServicerContext,
    ) -> pb.ResolveQuotaResponse:
        resolved = await self.service.quotas.resolve(
            current_principal(),
            request.session,
            _type_code(request.effecteur_type),
            request.product,
            _time(request, "at"),
        )
        return pb.ResolveQuotaResponse(
            rule=rule_pb(resolved.rule), quota_table=resolved.table.name if resolved.table else ""
        )
