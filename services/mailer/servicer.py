"""MailerService over gRPC: protobuf <-> domain, nothing else."""

from __future__ import annotations

from services.common import context as ctx
from services.common.context import ServicerContext, current_principal
from services.common.timefmt import to_timestamp
from services.mailer.confirmations import Confirmations, RunView
from services.mailer.deliveries import OFFICINE, Recipient
from services.mailer.service import Mailer, MessageDraft, MessageView
from services.mailer.support_desk import SupportDesk
from services.mailer.support_servicer import SupportRpcs
from vaxorders.mailer.v1 import mailer_service_pb2 as pb
from vaxorders.mailer.v1 import mailer_service_pb2_grpc as pb_grpc

_STATES = {
    "QUEUED": pb.Message.STATE_QUEUED,
    "SENT": pb.Message.STATE_SENT,
    "FAILED": pb.Message.STATE_FAILED,
}
_STATE_NAMES = {value: name for name, value in _STATES.items()}


def message_pb(view: MessageView) -> pb.Message:
    return pb.Message(
        name=view.name,
        to=view.to,
        template=view.template,
        params=view.params,
        subject=view.subject,
        state=_STATES[view.state],
        attempts=view.attempts,
        last_error=view.last_error,
        create_time=to_timestamp(view.create_time),
        send_time=to_timestamp(view.send_time),
    )


def recipient_pb(recipient: Recipient) -> pb.ConfirmationRecipient:
    return pb.ConfirmationRecipient(
        recipient=recipient.recipient,
        kind=(
            pb.ConfirmationRecipient.KIND_OFFICINE
            if recipient.kind == OFFICINE
            else pb.ConfirmationRecipient.KIND_EFFECTEUR
        ),
        display_name=recipient.display_name,
        email=recipient.email,
        delivery_date=recipient.delivery_date,
        confirmed_vials=recipient.confirmed_vials,
        already_queued=recipient.already_queued,
    )


def run_pb(view: RunView, *, with_planned: bool = True) -> pb.ConfirmationRun:
    """`planned` only where a dry run answers; a list of runs stays small."""
    return pb.ConfirmationRun(
        name=view.name,
        dry_run=view.dry_run,
        run_by=view.run_by,
        create_time=to_timestamp(view.create_time),
        recipients=view.recipients,
        queued=view.queued,
        already_queued=view.already_queued,
        missing_address=[recipient_pb(r) for r in view.missing_address],
        planned=[recipient_pb(r) for r in view.planned] if with_planned else [],
        missing_address_count=view.missing_address_count,
        would_queue=view.would_queue,
    )


class MailerServicer(SupportRpcs, pb_grpc.MailerServiceServicer):
    def __init__(self, mailer: Mailer, confirmations: Confirmations, desk: SupportDesk) -> None:
        self._mailer = mailer
        self._confirmations = confirmations
        self._desk = desk

    async def SendMessage(self, request: pb.SendMessageRequest, context: ServicerContext) -> pb.SendMessageResponse:
        message = request.message
        draft = MessageDraft(to=list(message.to), template=message.template, params=dict(message.params))
        view = await self._mailer.send_message(
            current_principal(), draft, request.request_id, trace_request_id=ctx.request_id_var.get()
        )
        return pb.SendMessageResponse(message=message_pb(view))

    async def GetMessage(self, request: pb.GetMessageRequest, context: ServicerContext) -> pb.GetMessageResponse:
        view = await self._mailer.get_message(current_principal(), request.name)
        return pb.GetMessageResponse(message=message_pb(view))

    async def ListMessages(self, request: pb.ListMessagesRequest, context: ServicerContext) -> pb.ListMessagesResponse:
        page = await self._mailer.list_messages(
            current_principal(),
            page_size=request.page_size,
            page_token=request.page_token,
            state=_STATE_NAMES.get(request.state),
        )
        return pb.ListMessagesResponse(
            messages=[message_pb(v) for v in page.messages], next_page_token=page.next_page_token
        )

    async def SendDeliveryConfirmations(
        self, request: pb.SendDeliveryConfirmationsRequest, context: ServicerContext
    ) -> pb.SendDeliveryConfirmationsResponse:
        outcome = await self._confirmations.send(
            current_principal(),
            request.session,
            request.request_id,
            dry_run=request.dry_run,
            trace_request_id=ctx.request_id_var.get(),
        )
        return pb.SendDeliveryConfirmationsResponse(queued=outcome.queued, run=run_pb(outcome.run))

    async def ListConfirmationRuns(
        self, request: pb.ListConfirmationRunsRequest, context: ServicerContext
    ) -> pb.ListConfirmationRunsResponse:
        page = await self._confirmations.list_runs(
            current_principal(), request.parent, page_size=request.page_size, page_token=request.page_token
        )
        return pb.ListConfirmationRunsResponse(
            runs=[run_pb(r, with_planned=False) for r in page.runs], next_page_token=page.next_page_token
        )
