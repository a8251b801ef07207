"""MailerService over gRPC: protobuf <-> domain, nothing else."""

from __future__ import annotations

from services.common.context import current_principal
from services.common.timefmt import to_timestamp
from services.mailer.service import Mailer, MessageDraft, MessageView, SupportDraft, SupportView
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


def support_pb(view: SupportView) -> pb.SupportRequest:
    return pb.SupportRequest(
        name=view.name,
        contact_email=view.contact_email,
        subject=view.subject,
        body=view.body,
        about=view.about,
        create_time=to_timestamp(view.create_time),
    )


class MailerServicer(pb_grpc.MailerServiceServicer):
    def __init__(self, mailer: Mailer) -> None:
        self._mailer = mailer

    async def SendMessage(self, request: pb.SendMessageRequest, context) -> pb.SendMessageResponse:  # type: ignore[no-untyped-def]
        message = request.message
        draft = MessageDraft(to=list(message.to), template=message.template, params=dict(message.params))
        view = await self._mailer.send_message(current_principal(), draft, request.request_id)
        return pb.SendMessageResponse(message=message_pb(view))

    async def GetMessage(self, request: pb.GetMessageRequest, context) -> pb.GetMessageResponse:  # type: ignore[no-untyped-def]
        view = await self._mailer.get_message(current_principal(), request.name)
        return pb.GetMessageResponse(message=message_pb(view))

    async def ListMessages(self, request: pb.ListMessagesRequest, context) -> pb.ListMessagesResponse:  # type: ignore[no-untyped-def]
        page = await self._mailer.list_messages(
            current_principal(),
            page_size=request.page_size,
            page_token=request.page_token,
            state=_STATE_NAMES.get(request.state),
        )
        return pb.ListMessagesResponse(
            messages=[message_pb(v) for v in page.messages], next_page_token=page.next_page_token
        )

    async def CreateSupportRequest(  # type: ignore[no-untyped-def]
        self, request: pb.CreateSupportRequestRequest, context
    ) -> pb.CreateSupportRequestResponse:
        given = request.support_request
        draft = SupportDraft(contact_email=given.contact_email, subject=given.subject, body=given.body, about=given.about)
        view = await self._mailer.create_support_request(current_principal(), draft, request.request_id)
        return pb.CreateSupportRequestResponse(support_request=support_pb(view))
