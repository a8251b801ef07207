"""How the mailer plugs into the shared bootstrap."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import structlog

from services.common.bootstrap import Runtime, ServiceSpec
from services.common.server import Registration
from services.mailer.clients import Directory
from services.mailer.confirmations import Confirmations
from services.mailer.dispatcher import Dispatcher
from services.mailer.metrics import OutboxMetrics
from services.mailer.notifier import DateChangeNotifier
from services.mailer.request_notifier import RequestNotifier
from services.mailer.service import Mailer
from services.mailer.servicer import MailerServicer
from services.mailer.settings import MailerSettings
from services.mailer.stock_alerts_servicer import STOCK_ALERT_SERVICE_NAME, stock_alert_registration
from services.mailer.support_desk import SupportDesk
from services.mailer.support_metrics import SupportMetrics
from vaxorders.mailer.v1 import mailer_service_pb2_grpc as pb_grpc

SERVICE_NAME = "vaxorders.mailer.v1.MailerService"
# The identity the date-change notifier calls orders, effecteurs and sessions with.
NOTIFIER_IDENTITY = "mailer"

log = structlog.get_logger("mailer")


def _settings(runtime: Runtime) -> MailerSettings:
    if not isinstance(runtime.settings, MailerSettings):
        raise TypeError("the mailer runs with MailerSettings")
    return runtime.settings


async def build(runtime: Runtime) -> Iterable[Registration]:
    assert runtime.db is not None
    settings = _settings(runtime)
    confirmations = Confirmations(runtime.db, runtime.clock, settings, Directory(runtime.channels, settings))
    desk = SupportDesk(runtime.db, runtime.clock, settings)
    servicer = MailerServicer(Mailer(runtime.db, runtime.clock, settings), confirmations, desk)
    return [
        lambda server: pb_grpc.add_MailerServiceServicer_to_server(servicer, server),
        stock_alert_registration(runtime, settings),
    ]


async def dispatch(runtime: Runtime) -> None:
    """The outbox dispatcher, running beside the server for its whole life."""
    assert runtime.db is not None
    metrics = OutboxMetrics(runtime.metrics.registry)
    await Dispatcher(runtime.db, runtime.clock, _settings(runtime), metrics=metrics).run_forever()


async def _follow_feed(
    runtime: Runtime, notifier_class: type[DateChangeNotifier] | type[RequestNotifier], disabled_event: str
) -> None:
    """A notifier following an orders feed, under the mailer's service identity. Without a
    service key it cannot call orders: it says so once and stays idle."""
    assert runtime.db is not None
    settings = _settings(runtime)
    if not settings.service_key_file:
        log.warning(disabled_event, reason="VAXORDERS_SERVICE_KEY_FILE is not set")
        return
    from services.common.service_identity import ServiceTokenSource  # noqa: PLC0415 (only when enabled)

    source = ServiceTokenSource(settings, runtime.clock, identity=NOTIFIER_IDENTITY)
    notifier = notifier_class(runtime.db, runtime.clock, settings, Directory(runtime.channels, settings))
    await notifier.run_forever(source.acting)


async def notify_date_changes(runtime: Runtime) -> None:
    """Delivery-date change e-mails (orders' date-change feed)."""
    await _follow_feed(runtime, DateChangeNotifier, "date_change.notifier_disabled")


async def notify_vial_requests(runtime: Runtime) -> None:
    """Vial-request e-mails: arrivals to the officine, decisions to the requester."""
    await _follow_feed(runtime, RequestNotifier, "vial_request.notifier_disabled")


async def watch_support_queue(runtime: Runtime) -> None:
    """The support desk's gauges (overdue and unanswered requests), beside the server."""
    assert runtime.db is not None
    await SupportMetrics(runtime.metrics.registry).run_forever(runtime.db, runtime.clock)


SPEC = ServiceSpec(
    name="mailer",
    service_names=[SERVICE_NAME, STOCK_ALERT_SERVICE_NAME],
    build=build,
    migrations_dir=Path(__file__).resolve().parent / "migrations",
    # The home page's contact form works before login (input is checked strictly).
    public_methods=[f"/{SERVICE_NAME}/CreateSupportRequest"],
    background=[dispatch, notify_date_changes, notify_vial_requests, watch_support_queue],
)
