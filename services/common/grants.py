"""What each service identity may call: one reviewed table.

A service identity (services/common/service_identity.py) is a job, not a
person: its token says who it is (`sub`), this table says which RPCs it may
call, by full gRPC method name. The server interceptor refuses any other RPC
with PERMISSION_DENIED (reason SERVICE_NOT_GRANTED) before the servicer runs,
so domain code can treat a SERVICE principal like an operator for the reads
and the job writes it was granted.

Adding an identity or an RPC here is a security change: review it like one,
and keep every entry to what the job really calls.
"""

from __future__ import annotations

from collections.abc import Mapping

ORDERS = "/vaxorders.orders.v1.OrderService/"
MAILER = "/vaxorders.mailer.v1.MailerService/"
EFFECTEURS = "/vaxorders.effecteurs.v1.EffecteurService/"
SESSIONS = "/vaxorders.sessions.v1.SessionService/"
STOCK = "/vaxorders.orders.v1.StockService/"

# The Friday CronJob (`python -m services.mailer send-confirmations`): it asks the mailer to
# send a session's delivery confirmations; its token travels on with the request, so the
# mailer's reads of orders, effecteurs and sessions, and its RecordConfirmationsSent, run
# under this identity too.
FRIDAY_CONFIRMATIONS = "friday-confirmations"
# The mailer's background notifier: reads the orders' date-change feed and queues one
# e-mail per change and recipient.
MAILER_NOTIFIER = "mailer"
# The stock-alert CronJob (`python -m services.mailer send-stock-notices`): it asks the
# mailer to queue what is due (expiry alerts, uncollected-vial notices, destruction
# certificates for the quality mailbox); the mailer then reads them under this identity.
STOCK_ALERTS = "stock-alerts"
# The orders service's attachment mirror (services/orders/attachment_mirror.py): follows
# effecteurs' attachment feed so that an order write needs no call to EffecteurService.
ORDERS_ATTACHMENT_MIRROR = "orders"

GRANTS: Mapping[str, frozenset[str]] = {
    FRIDAY_CONFIRMATIONS: frozenset(
        {
            MAILER + "SendDeliveryConfirmations",
            ORDERS + "GetAllocation",
            ORDERS + "ListDeliveries",
            ORDERS + "RecordConfirmationsSent",
            EFFECTEURS + "BatchGetEffecteurs",
            EFFECTEURS + "BatchGetOfficines",
            SESSIONS + "GetSession",
            SESSIONS + "ListSessions",
        }
    ),
    MAILER_NOTIFIER: frozenset(
        {
            ORDERS + "ListDeliveryDateChanges",
            ORDERS + "ListVialRequestEvents",
            ORDERS + "ListDeliveries",
            EFFECTEURS + "BatchGetEffecteurs",
            EFFECTEURS + "BatchGetOfficines",
            SESSIONS + "GetSession",
        }
    ),
    STOCK_ALERTS: frozenset(
        {
            "/vaxorders.mailer.v1.StockAlertService/SendStockNotices",
            STOCK + "ListStockNotices",
            STOCK + "GetDestructionCertificatePdf",
            EFFECTEURS + "BatchGetEffecteurs",
            EFFECTEURS + "BatchGetOfficines",
        }
    ),
    ORDERS_ATTACHMENT_MIRROR: frozenset({EFFECTEURS + "ListAttachmentChanges"}),
}


def is_known(identity: str) -> bool:
    return identity in GRANTS


def is_granted(identity: str, full_method: str) -> bool:
    """May this identity call this RPC ("/vaxorders.orders.v1.OrderService/ListDeliveries")?"""
    return full_method in GRANTS.get(identity, frozenset())
