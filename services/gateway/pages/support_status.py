"""How a support request reads to people: its category, where it stands, and
for agents whether it is late or at risk of being late (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.common.phones import national_format
from services.common.timefmt import from_timestamp
from vaxorders.mailer.v1 import mailer_service_pb2 as mail_pb

# The form's choices, in the order shown (the proto's Category without its prefix).
CATEGORIES: list[tuple[str, str]] = [
    ("LOGIN", "Connexion avec la carte CPS ou l'application e-CPS"),
    ("ORDER", "Commande"),
    ("DELIVERY", "Livraison"),
    ("ATTACHMENT", "Rattachements"),
    ("OTHER", "Autre question"),
]
_CATEGORY_LABELS: dict[int, str] = {
    mail_pb.SupportRequest.CATEGORY_LOGIN: "Connexion CPS / e-CPS",
    mail_pb.SupportRequest.CATEGORY_ORDER: "Commande",
    mail_pb.SupportRequest.CATEGORY_DELIVERY: "Livraison",
    mail_pb.SupportRequest.CATEGORY_ATTACHMENT: "Rattachements",
    mail_pb.SupportRequest.CATEGORY_OTHER: "Autre",
}
EVENT_LABELS = {
    mail_pb.SupportEvent.KIND_RECEIVED: "Demande reçue, accusé de réception envoyé",
    mail_pb.SupportEvent.KIND_ANSWERED: "Réponse envoyée par e-mail",
    mail_pb.SupportEvent.KIND_CALLED: "Appel téléphonique",
    mail_pb.SupportEvent.KIND_CLOSED: "Demande close",
}
# Due within this: the queue flags the request as at risk.
AT_RISK = timedelta(minutes=30)


def category_value(key: str) -> int | None:
    """'DELIVERY' -> the proto enum value; None for anything not offered by the form."""
    return mail_pb.SupportRequest.Category.Value(f"CATEGORY_{key}") if key in dict(CATEGORIES) else None


def category_label(value: int) -> str:
    return _CATEGORY_LABELS.get(value, "Autre")


@dataclass(frozen=True)
class Standing:
    """A badge: its text and its DSFR variant ("error", "warning", "info", "success", "")."""

    text: str
    level: str
    late: bool = False
    at_risk: bool = False


def _time(ts: object) -> datetime | None:
    if not getattr(ts, "seconds", 0) and not getattr(ts, "nanos", 0):
        return None
    return from_timestamp(ts)  # type: ignore[arg-type]


def standing(request: mail_pb.SupportRequest, now: datetime) -> Standing:
    """For agents: late, at risk, in time (not answered yet); answered (in time or late); closed."""
    due = _time(request.due_time)
    first = _time(request.first_response_time)
    if request.state == mail_pb.SupportRequest.STATE_CLOSED:
        return Standing("Close", "")
    if first is not None:
        late = due is not None and first > due
        return Standing("Répondue hors délai" if late else "Répondue dans les délais", "success")
    if due is not None and now > due:
        return Standing("En retard", "error", late=True)
    if due is not None and due - now <= AT_RISK:
        return Standing("Échéance proche", "warning", at_risk=True)
    return Standing("Dans les délais", "info")


def requester_state(request: mail_pb.SupportRequest) -> str:
    """For the requester."""
    if request.state == mail_pb.SupportRequest.STATE_CLOSED:
        return "Close"
    if request.state == mail_pb.SupportRequest.STATE_ANSWERED:
        return "Le support vous a répondu"
    return "Reçue, en attente de réponse"


def phone_display(e164: str) -> str:
    """'+33612345678' -> '06 12 34 56 78' (as French numbers are written)."""
    return national_format(e164)


def reference(name: str) -> str:
    """'supportRequests/3f2a9c1b-…' -> '3F2A9C1B', the reference quoted in the e-mails."""
    return name.removeprefix("supportRequests/")[:8].upper()
