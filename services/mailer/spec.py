"""How the mailer plugs into the shared bootstrap."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from services.common.bootstrap import Runtime, ServiceSpec
from services.common.server import Registration
from services.mailer.dispatcher import Dispatcher
from services.mailer.metrics import OutboxMetrics
from services.mailer.service import Mailer
from services.mailer.servicer import MailerServicer
from services.mailer.settings import MailerSettings
from vaxorders.mailer.v1 import mailer_service_pb2_grpc as pb_grpc

SERVICE_NAME = "vaxorders.mailer.v1.MailerService"


def _settings(runtime: Runtime) -> MailerSettings:
    if not isinstance(runtime.settings, MailerSettings):
        raise TypeError("the mailer runs with MailerSettings")
    return runtime.settings


async def build(runtime: Runtime) -> Iterable[Registration]:
    assert runtime.db is not None
    servicer = MailerServicer(Mailer(runtime.db, runtime.clock, _settings(runtime)))
    return [lambda server: pb_grpc.add_MailerServiceServicer_to_server(servicer, server)]


async def dispatch(runtime: Runtime) -> None:
    """The outbox dispatcher, running beside the server for its whole life."""
    assert runtime.db is not None
    metrics = OutboxMetrics(runtime.metrics.registry)
    await Dispatcher(runtime.db, runtime.clock, _settings(runtime), metrics=metrics).run_forever()


SPEC = ServiceSpec(
    name="mailer",
    service_names=[SERVICE_NAME],
    build=build,
    migrations_dir=Path(__file__).resolve().parent / "migrations",
    # The home page's contact form works before login (input is checked strictly).
    public_methods=[f"/{SERVICE_NAME}/CreateSupportRequest"],
    background=[dispatch],
)
