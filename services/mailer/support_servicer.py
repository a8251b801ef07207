"""The support desk's RPCs of MailerService: protobuf <-> domain, nothing else."""

from __future__ import annotations

from services.common import context as ctx
from services.common.context import ServicerContext, current_principal
from services.common.timefmt import to_timestamp
from services.mailer.support_checks import SupportDraft
from services.mailer.support_desk import EventView, SupportDesk, SupportView
from vaxorders.mailer.v1 import mailer_service_pb2 as pb

_CATEGORIES = {
    "LOGIN": pb.SupportRequest.CATEGORY_LOGIN,
    "ORDER": pb.SupportRequest.CATEGORY_ORDER,
    "DELIVERY": pb.SupportRequest.CATEGORY_DELIVERY,
    "ATTACHMENT": pb.SupportRequest.CATEGORY_ATTACHMENT,
    "OTHER": pb.SupportRequest.CATEGORY_OTHER,
}
_CATEGORY_NAMES = {value: name for name, value in _CATEGORIES.items()}
_STATES = {
    "OPEN": pb.SupportRequest.STATE_OPEN,
    "ANSWERED": pb.SupportRequest.STATE_ANSWERED,
    "CLOSED": pb.SupportRequest.STATE_CLOSED,
}
_KINDS = {
    "RECEIVED": pb.SupportEvent.KIND_RECEIVED,
    "ANSWERED": pb.SupportEvent.KIND_ANSWERED,
    "CALLED": pb.SupportEvent.KIND_CALLED,
    "CLOSED": pb.SupportEvent.KIND_CLOSED,
}


def event_pb(view: EventView) -> pb.SupportEvent:
    return pb.SupportEvent(
        kind=_KINDS[view.kind],
        actor="" if view.actor == "anonymous" else view.actor,
        actor_name=view.actor_name,
        text=view.text,
        create_time=to_timestamp(view.create_time),
        message=f"messages/{view.message_id}" if view.message_id else "",
    )


def support_pb(view: SupportView) -> pb.SupportRequest:
    return pb.SupportRequest(
        name=view.name,
        contact_email=view.contact_email,
        subject=view.subject,
        body=view.body,
        about=view.about,
        create_time=to_timestamp(view.create_time),
        category=_CATEGORIES.get(view.category, pb.SupportRequest.CATEGORY_OTHER),
        callback_phone=view.callback_phone,
        state=_STATES[view.state],
        due_time=to_timestamp(view.due_time),
        first_response_time=to_timestamp(view.first_response_time),
        close_time=to_timestamp(view.close_time),
        requester=view.requester,
        requester_name=view.requester_name,
        requester_acts_for=list(view.requester_acts_for),
        events=[event_pb(e) for e in view.events],
    )


def _client_address(context: ServicerContext) -> str:
    for key, value in context.invocation_metadata() or ():
        if key == ctx.CLIENT_ADDRESS_KEY and isinstance(value, str):
            return value
    return ""


class SupportRpcs:
    """Mixed into MailerServicer: the support requests' RPCs."""

    _desk: SupportDesk

    async def CreateSupportRequest(
        self, request: pb.CreateSupportRequestRequest, context: ServicerContext
    ) -> pb.CreateSupportRequestResponse:
        given = request.support_request
        draft = SupportDraft(
            contact_email=given.contact_email,
            subject=given.subject,
            body=given.body,
            about=given.about,
            category=_CATEGORY_NAMES.get(given.category, "OTHER"),
            callback_phone=given.callback_phone,
        )
        view = await self._desk.create(
            current_principal(),
            draft,
            request.request_id,
            client_address=_client_address(context),
            trace_request_id=ctx.request_id_var.get(),
        )
        return pb.CreateSupportRequestResponse(support_request=support_pb(view))

    async def GetSupportRequest(
        self, request: pb.GetSupportRequestRequest, context: ServicerContext
    ) -> pb.GetSupportRequestResponse:
        view = await self._desk.get(current_principal(), request.name)
        return pb.GetSupportRequestResponse(support_request=support_pb(view))

    async def ListSupportRequests(
        self, request: pb.ListSupportRequestsRequest, context: ServicerContext
    ) -> pb.ListSupportRequestsResponse:
        page = await self._desk.list_requests(
            current_principal(),
            mine=request.mine,
            include_closed=request.include_closed,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return pb.ListSupportRequestsResponse(
            support_requests=[support_pb(v) for v in page.requests], next_page_token=page.next_page_token
        )

    async def AnswerSupportRequest(
        self, request: pb.AnswerSupportRequestRequest, context: ServicerContext
    ) -> pb.AnswerSupportRequestResponse:
        view = await self._desk.answer(current_principal(), request.name, request.body, request.request_id)
        return pb.AnswerSupportRequestResponse(support_request=support_pb(view))

    async def RecordSupportCall(
        self, request: pb.RecordSupportCallRequest, context: ServicerContext
    ) -> pb.RecordSupportCallResponse:
        view = await self._desk.record_call(current_principal(), request.name, request.note, request.request_id)
        return pb.RecordSupportCallResponse(support_request=support_pb(view))

    async def CloseSupportRequest(
        self, request: pb.CloseSupportRequestRequest, context: ServicerContext
    ) -> pb.CloseSupportRequestResponse:
        view = await self._desk.close(current_principal(), request.name, request.note, request.request_id)
        return pb.CloseSupportRequestResponse(support_request=support_pb(view))
