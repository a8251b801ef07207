"""How the effecteurs service plugs into the shared bootstrap."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from services.common.bootstrap import Runtime, ServiceSpec
from services.common.server import Registration
from services.effecteurs.attachments import AttachmentService
from services.effecteurs.clients import SessionServiceGate
from services.effecteurs.importer import AttachmentImporter
from services.effecteurs.service import DirectoryService
from services.effecteurs.servicer import EffecteurServicer
from services.effecteurs.settings import EffecteursSettings
from vaxorders.effecteurs.v1 import effecteurs_service_pb2_grpc as pb_grpc
from vaxorders.sessions.v1.sessions_service_pb2_grpc import SessionServiceStub

SERVICE_NAME = "vaxorders.effecteurs.v1.EffecteurService"


async def build(runtime: Runtime) -> Iterable[Registration]:
    assert runtime.db is not None
    settings = runtime.settings
    if not isinstance(settings, EffecteursSettings):
        settings = EffecteursSettings(**settings.model_dump())
    gate = SessionServiceGate(
        lambda: runtime.channels.stub(SessionServiceStub, settings.sessions_address),
        runtime.clock,
        ttl_seconds=settings.service_state_cache_seconds,
        timeout_seconds=settings.service_state_timeout_seconds,
    )
    servicer = EffecteurServicer(
        DirectoryService(runtime.db, runtime.clock, gate),
        AttachmentService(runtime.db, runtime.clock, gate),
        AttachmentImporter(runtime.db, runtime.clock, batch_size=settings.import_batch_size),
        max_import_bytes=settings.import_max_bytes,
    )
    return [lambda server: pb_grpc.add_EffecteurServiceServicer_to_server(servicer, server)]


SPEC = ServiceSpec(
    name="effecteurs",
    service_names=[SERVICE_NAME],
    build=build,
    migrations_dir=Path(__file__).resolve().parent / "migrations",
)
