"""EffecteurService over gRPC: protobuf <-> domain, nothing else.

The caller comes from the interceptor (current_principal); domain errors
become gRPC status in the interceptor too.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from typing import IO

from services.common.context import ServicerContext, current_principal
from services.common.errors import InvalidArgument
from services.common.timefmt import to_timestamp
from services.effecteurs import access
from services.effecteurs.attachments import AttachmentService, AttachmentView, NewEffecteur, attachment_name
from services.effecteurs.fields import etag_of
from services.effecteurs.identifiers import IdKind
from services.effecteurs.importer import AttachmentImporter, ImportReport
from services.effecteurs.models import AttachmentEvent, Effecteur, EffecteurRecord, Officine
from services.effecteurs.service import DirectoryService, OfficineInput
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as pb
from vaxorders.effecteurs.v1 import effecteurs_service_pb2_grpc as pb_grpc
from vaxorders.type.v1 import effecteur_type_pb2

_TYPE_PREFIX = "EFFECTEUR_TYPE_"
_ID_KINDS = {
    pb.IDENTIFIER_KIND_RPPS: IdKind.RPPS,
    pb.IDENTIFIER_KIND_ADELI: IdKind.ADELI,
    pb.IDENTIFIER_KIND_FINESS: IdKind.FINESS,
    pb.IDENTIFIER_KIND_SIRET: IdKind.SIRET,
}
_ID_KINDS_PB = {kind: number for number, kind in _ID_KINDS.items()}
_EFFECTEUR_KINDS_PB = {
    "PROFESSIONAL": pb.EFFECTEUR_KIND_PROFESSIONAL,
    "ESTABLISHMENT": pb.EFFECTEUR_KIND_ESTABLISHMENT,
    "OFFICINE": pb.EFFECTEUR_KIND_OFFICINE,
}
_ACTIONS_PB = {"ATTACHED": pb.AttachmentEvent.ACTION_ATTACHED, "DETACHED": pb.AttachmentEvent.ACTION_DETACHED}
_SPOOL_IN_MEMORY = 1024 * 1024
_READ_SIZE = 64 * 1024


# ------------------------------------------------------------ proto -> domain


def type_code(number: int, field: str) -> str:
    """ "" for UNSPECIFIED, "MEDECIN" for EFFECTEUR_TYPE_MEDECIN."""
    if number == effecteur_type_pb2.EFFECTEUR_TYPE_UNSPECIFIED:
        return ""
    try:
        return effecteur_type_pb2.EffecteurType.Name(number).removeprefix(_TYPE_PREFIX)
    except ValueError:
        raise InvalidArgument.field(field, f"Type d'effecteur inconnu ({number}).") from None


def _officine_input(officine: pb.Officine) -> OfficineInput:
    return OfficineInput(
        finess=officine.finess,
        display_name=officine.display_name,
        postal_code=officine.postal_code,
        address=officine.address,
        city=officine.city,
        email=officine.email,
        titulaires=list(officine.titulaires),
    )


# ------------------------------------------------------------ domain -> proto


def officine_pb(officine: Officine) -> pb.Officine:
    return pb.Officine(
        name=f"officines/{officine.finess}",
        finess=officine.finess,
        display_name=officine.display_name,
        address=officine.address,
        postal_code=officine.postal_code,
        city=officine.city,
        department=officine.department,
        email=officine.email,
        titulaires=officine.titulaires,
        self_effecteur=f"effecteurs/{officine.self_effecteur_key}",
        etag=etag_of(officine.version),
        create_time=to_timestamp(officine.create_time),
        update_time=to_timestamp(officine.update_time),
    )


def change_pb(event: AttachmentEvent, effecteur: Effecteur, officine: Officine) -> pb.AttachmentChange:
    return pb.AttachmentChange(
        id=event.id,
        effecteur=f"effecteurs/{effecteur.key}",
        effecteur_type=_TYPE_PREFIX + effecteur.type,  # the enum value by its name
        effecteur_display_name=effecteur.display_name,
        officine=f"officines/{officine.finess}" if event.action == "ATTACHED" else "",
        changed_officine=f"officines/{officine.finess}",
        changed_officine_department=officine.department,
    )


def effecteur_pb(effecteur: Effecteur | EffecteurRecord) -> pb.Effecteur:
    return pb.Effecteur(
        name=f"effecteurs/{effecteur.key}",
        identifier_kind=_ID_KINDS_PB[IdKind(effecteur.identifier_kind)],
        identifier=effecteur.identifier,
        kind=_EFFECTEUR_KINDS_PB[effecteur.kind],
        type=_TYPE_PREFIX + effecteur.type,  # the enum value by its name
        display_name=effecteur.display_name,
        email=effecteur.email,
        department=effecteur.department,
        etag=etag_of(effecteur.version),
        create_time=to_timestamp(effecteur.create_time),
    )


def attachment_pb(view: AttachmentView) -> pb.Attachment:
    attachment = view.attachment
    message = pb.Attachment(
        name=attachment_name(attachment),
        effecteur=f"effecteurs/{attachment.effecteur_key}",
        effecteur_detail=effecteur_pb(view.effecteur),
        attach_time=to_timestamp(attachment.attach_time),
        attached_by=attachment.attached_by,
        detached_by=attachment.detached_by or "",
    )
    if attachment.detach_time is not None:
        message.detach_time.CopyFrom(to_timestamp(attachment.detach_time))
    return message


def event_pb(event: AttachmentEvent) -> pb.AttachmentEvent:
    return pb.AttachmentEvent(
        action=_ACTIONS_PB[event.action],
        officine=f"officines/{event.officine_finess}",
        effecteur=f"effecteurs/{event.effecteur_key}",
        actor=event.actor,
        event_time=to_timestamp(event.event_time),
        attachment=f"officines/{event.officine_finess}/attachments/{event.attachment_id}",
        under_psc_grace=bool(event.psc_grace),
    )


def report_pb(report: ImportReport) -> pb.ImportAttachmentsResponse:
    return pb.ImportAttachmentsResponse(
        rows_read=report.rows_read,
        rows_accepted=report.rows_accepted,
        rows_unchanged=report.rows_unchanged,
        rejected=[pb.RejectedRow(line=r.line, field=r.field, reason=r.reason) for r in report.rejected],
        rows_rejected=report.rows_rejected,
        dry_run=report.dry_run,
    )


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    spool.seek(0)
    while chunk := spool.read(_READ_SIZE):
        yield chunk


class EffecteurServicer(pb_grpc.EffecteurServiceServicer):
    def __init__(
        self,
        directory: DirectoryService,
        attachments: AttachmentService,
        importer: AttachmentImporter,
        *,
        max_import_bytes: int,
    ) -> None:
        self.directory = directory
        self.attachments = attachments
        self.importer = importer
        self.max_import_bytes = max_import_bytes

    # -------------------------------------------------------------- officines

    async def GetOfficine(self, request: pb.GetOfficineRequest, context: ServicerContext) -> pb.GetOfficineResponse:
        officine = await self.directory.get_officine(current_principal(), request.name)
        return pb.GetOfficineResponse(officine=officine_pb(officine))

    async def ListOfficines(
        self, request: pb.ListOfficinesRequest, context: ServicerContext
    ) -> pb.ListOfficinesResponse:
        page = await self.directory.list_officines(
            current_principal(),
            department=request.department,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return pb.ListOfficinesResponse(
            officines=[officine_pb(o) for o in page.items], next_page_token=page.next_page_token
        )

    async def CreateOfficine(
        self, request: pb.CreateOfficineRequest, context: ServicerContext
    ) -> pb.CreateOfficineResponse:
        officine = await self.directory.create_officine(
            current_principal(), _officine_input(request.officine), request_id=request.request_id
        )
        return pb.CreateOfficineResponse(officine=officine_pb(officine))

    async def UpdateOfficine(
        self, request: pb.UpdateOfficineRequest, context: ServicerContext
    ) -> pb.UpdateOfficineResponse:
        officine = await self.directory.update_officine(
            current_principal(),
            request.officine.name,
            _officine_input(request.officine),
            list(request.update_mask.paths),
            etag=request.officine.etag,
            request_id=request.request_id,
        )
        return pb.UpdateOfficineResponse(officine=officine_pb(officine))

    # ------------------------------------------------------------- effecteurs

    async def GetEffecteur(self, request: pb.GetEffecteurRequest, context: ServicerContext) -> pb.GetEffecteurResponse:
        effecteur = await self.directory.get_effecteur(current_principal(), request.name)
        return pb.GetEffecteurResponse(effecteur=effecteur_pb(effecteur))

    async def BatchGetEffecteurs(
        self, request: pb.BatchGetEffecteursRequest, context: ServicerContext
    ) -> pb.BatchGetEffecteursResponse:
        effecteurs = await self.directory.batch_get_effecteurs(current_principal(), list(request.names))
        return pb.BatchGetEffecteursResponse(effecteurs=[effecteur_pb(e) for e in effecteurs])

    async def CountOfficines(
        self, request: pb.CountOfficinesRequest, context: ServicerContext
    ) -> pb.CountOfficinesResponse:
        counts = await self.directory.count_officines(current_principal())
        return pb.CountOfficinesResponse(
            departments=[pb.DepartmentOfficines(department=d, officines=n) for d, n in counts],
            total=sum(n for _, n in counts),
        )

    async def BatchGetOfficines(
        self, request: pb.BatchGetOfficinesRequest, context: ServicerContext
    ) -> pb.BatchGetOfficinesResponse:
        officines = await self.directory.batch_get_officines(current_principal(), list(request.names))
        return pb.BatchGetOfficinesResponse(officines=[officine_pb(o) for o in officines])

    async def ListEffecteurs(
        self, request: pb.ListEffecteursRequest, context: ServicerContext
    ) -> pb.ListEffecteursResponse:
        page = await self.directory.list_effecteurs(
            current_principal(),
            type_code=type_code(request.type, "type"),
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return pb.ListEffecteursResponse(
            effecteurs=[effecteur_pb(e) for e in page.items], next_page_token=page.next_page_token
        )

    async def UpdateEffecteur(
        self, request: pb.UpdateEffecteurRequest, context: ServicerContext
    ) -> pb.UpdateEffecteurResponse:
        effecteur = await self.directory.update_effecteur(
            current_principal(),
            request.effecteur.name,
            display_name=request.effecteur.display_name,
            email=request.effecteur.email,
            department=request.effecteur.department,
            paths=list(request.update_mask.paths),
            etag=request.effecteur.etag,
            request_id=request.request_id,
        )
        return pb.UpdateEffecteurResponse(effecteur=effecteur_pb(effecteur))

    async def CheckIdentifier(
        self, request: pb.CheckIdentifierRequest, context: ServicerContext
    ) -> pb.CheckIdentifierResponse:
        identifier = self.directory.check_identifier(_ID_KINDS.get(request.identifier_kind), request.identifier)
        return pb.CheckIdentifierResponse(identifier=identifier.value, effecteur=identifier.resource)

    # ------------------------------------------------------------ attachments

    async def ListAttachments(
        self, request: pb.ListAttachmentsRequest, context: ServicerContext
    ) -> pb.ListAttachmentsResponse:
        page = await self.attachments.list_attachments(
            current_principal(),
            request.parent,
            type_code=type_code(request.type, "type"),
            name_contains=request.name_contains,
            identifier_prefix=request.identifier_prefix,
            include_ended=request.include_ended,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return pb.ListAttachmentsResponse(
            attachments=[attachment_pb(v) for v in page.items],
            next_page_token=page.next_page_token,
            total_size=page.total_size,
        )

    async def AttachEffecteur(
        self, request: pb.AttachEffecteurRequest, context: ServicerContext
    ) -> pb.AttachEffecteurResponse:
        view = await self.attachments.attach(
            current_principal(),
            request.parent,
            _ID_KINDS.get(request.identifier_kind),
            request.identifier,
            NewEffecteur(type_code(request.type, "type"), request.display_name, request.email),
            request_id=request.request_id,
        )
        return pb.AttachEffecteurResponse(attachment=attachment_pb(view))

    async def DetachEffecteur(
        self, request: pb.DetachEffecteurRequest, context: ServicerContext
    ) -> pb.DetachEffecteurResponse:
        view = await self.attachments.detach(current_principal(), request.name, request_id=request.request_id)
        return pb.DetachEffecteurResponse(attachment=attachment_pb(view))

    async def LookupAttachment(
        self, request: pb.LookupAttachmentRequest, context: ServicerContext
    ) -> pb.LookupAttachmentResponse:
        effecteur, current = await self.attachments.lookup(current_principal(), request.effecteur)
        response = pb.LookupAttachmentResponse(effecteur=effecteur_pb(effecteur))
        if current is not None:
            response.attachment.CopyFrom(attachment_pb(AttachmentView(current, effecteur)))
        return response

    async def ListAttachmentEvents(
        self, request: pb.ListAttachmentEventsRequest, context: ServicerContext
    ) -> pb.ListAttachmentEventsResponse:
        page = await self.attachments.list_events(
            current_principal(), request.parent, page_size=request.page_size, page_token=request.page_token
        )
        return pb.ListAttachmentEventsResponse(
            events=[event_pb(e) for e in page.items], next_page_token=page.next_page_token
        )

    async def ListAttachmentChanges(
        self, request: pb.ListAttachmentChangesRequest, context: ServicerContext
    ) -> pb.ListAttachmentChangesResponse:
        changes = await self.attachments.list_changes(current_principal(), request.after_id, request.page_size)
        return pb.ListAttachmentChangesResponse(changes=[change_pb(*change) for change in changes])

    async def ImportAttachments(
        self, request_iterator: AsyncIterator[pb.ImportAttachmentsRequest], context: ServicerContext
    ) -> pb.ImportAttachmentsResponse:
        access.require_operator(current_principal())
        options: pb.ImportOptions | None = None
        received = 0
        # Spooled to disk past 1 MiB: memory stays flat, and a dry run's
        # transaction never waits on the network.
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY) as spool:
            async for message in request_iterator:
                if options is None:
                    if message.WhichOneof("part") != "options":
                        raise InvalidArgument.field(
                            "options", "Le premier message doit porter les options de l'import (options)."
                        )
                    options = message.options
                    continue
                if message.WhichOneof("part") != "chunk":
                    raise InvalidArgument.field("options", "Les options ne s'envoient qu'une fois, en premier.")
                received += len(message.chunk)
                if received > self.max_import_bytes:
                    raise InvalidArgument.field(
                        "chunk", f"Fichier trop volumineux : au plus {self.max_import_bytes // (1024 * 1024)} Mio."
                    )
                spool.write(message.chunk)
            if options is None:
                raise InvalidArgument.field(
                    "options", "Le premier message doit porter les options de l'import (options)."
                )
            report = await self.importer.run(_chunks(spool), dry_run=options.dry_run, filename=options.filename)
        return report_pb(report)
