"""Who gets a delivery e-mail and what it says, from what orders and effecteurs
answered. Pure functions: no database, no gRPC (see confirmations.py for the
run, clients.py for the calls).

Recipients (DESIGN.md §1b): every officine that has lines in the published
allocation (its own needs and each effecteur it ordered for), and every
MEDECIN, CHIRURGIEN_DENTISTE and SAGE_FEMME that ordered something in it (a
professional whose lines were all confirmed at 0 vials still gets one: they
must learn they get nothing). Nobody else: infirmiers and establishments learn
it from their officine and their web space.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from services.common.timefmt import paris_date
from services.common.vocabulary import TYPE_LABELS
from services.mailer.addresses import is_valid_address

OFFICINE = "OFFICINE"
EFFECTEUR = "EFFECTEUR"
# Effecteur types that get their own e-mail.
PERSONAL_TYPES = frozenset({"MEDECIN", "CHIRURGIEN_DENTISTE", "SAGE_FEMME"})

# The shared labels, but a PMI is named as the place that receives the vials.
_TYPE_LABELS = {**TYPE_LABELS, "PMI": "centre de PMI"}


def type_label(effecteur_type: str) -> str:
    return _TYPE_LABELS.get(effecteur_type, "effecteur")


# --- what the other services answered ------------------------------------------


@dataclass(frozen=True)
class DeliveryLine:
    effecteur: str  # "effecteurs/..."
    effecteur_type: str  # "MEDECIN", "PHARMACIEN"...
    product: str  # "products/..."
    ordered_vials: int
    confirmed_vials: int
    doses_per_unit: int


@dataclass(frozen=True)
class Delivery:
    session: str  # "sessions/{id}"
    finess: str
    department: str
    delivery_date: str  # "YYYY-MM-DD"
    lines: tuple[DeliveryLine, ...]


@dataclass(frozen=True)
class Party:
    """An officine or an effecteur as the effecteurs service knows it."""

    name: str  # "officines/{finess}" or "effecteurs/..."
    display_name: str
    email: str
    effecteur_type: str = ""  # "MEDECIN"... for an effecteur, "" for an officine


@dataclass(frozen=True)
class Product:
    name: str
    display_name: str
    doses_per_unit: int
    display_order: int = 0


@dataclass(frozen=True)
class DateChange:
    id: int
    session: str
    finess: str
    old_date: str
    new_date: str


# --- what the mailer makes of it ---------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """One line of a run's report (the proto's ConfirmationRecipient)."""

    recipient: str
    kind: str  # OFFICINE or EFFECTEUR
    display_name: str
    email: str  # "" when unknown or unusable
    delivery_date: str
    confirmed_vials: int
    already_queued: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Recipient:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Mail:
    """One e-mail to queue: who, which template with what, and the dates it announces."""

    recipient: Recipient
    template: str
    context: dict[str, Any]
    # FINESS -> date announced for that officine ("YYYY-MM-DD").
    announced: dict[str, str] = field(default_factory=dict)

    @property
    def sendable(self) -> bool:
        return bool(self.recipient.email)


def usable_address(value: str) -> str:
    value = value.strip()
    return value if is_valid_address(value) else ""


def french_date(iso: str) -> str:
    """'vendredi 18 mars 2022'."""
    return paris_date(date.fromisoformat(iso))


def day_after(iso: str) -> str:
    return (date.fromisoformat(iso) + timedelta(days=1)).isoformat()


def officine_name(finess: str) -> str:
    return f"officines/{finess}"


def self_effecteur(finess: str) -> str:
    return f"effecteurs/finess:{finess}"


class Names:
    """Display names and addresses looked up once for a whole run."""

    def __init__(
        self, officines: Mapping[str, Party], effecteurs: Mapping[str, Party], products: Mapping[str, Product]
    ) -> None:
        self.officines = officines
        self.effecteurs = effecteurs
        self.products = products

    def officine(self, finess: str) -> Party:
        name = officine_name(finess)
        # Never a raw identifier in an e-mail: an unknown officine is named by what it is.
        return self.officines.get(name) or Party(name, "Votre officine", "")

    def effecteur(self, name: str, effecteur_type: str) -> Party:
        known = self.effecteurs.get(name)
        if known is not None and known.display_name:
            return known
        label = type_label(effecteur_type)
        return Party(name, f"{label[:1].upper()}{label[1:]} (nom non renseigné)", known.email if known else "")

    def product(self, name: str, doses_per_unit: int) -> Product:
        known = self.products.get(name)
        if known is not None:
            return Product(name, known.display_name, doses_per_unit or known.doses_per_unit, known.display_order)
        return Product(name, "Produit (nom non renseigné)", doses_per_unit, 10_000)


def _line_view(line: DeliveryLine, names: Names) -> dict[str, Any]:
    product = names.product(line.product, line.doses_per_unit)
    return {
        "product": product.display_name,
        "order": (product.display_order, product.display_name),
        "ordered_vials": line.ordered_vials,
        "confirmed_vials": line.confirmed_vials,
        "ordered_doses": line.ordered_vials * product.doses_per_unit,
        "confirmed_doses": line.confirmed_vials * product.doses_per_unit,
        "reduced": line.confirmed_vials < line.ordered_vials,
    }


def _sorted_lines(views: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(views, key=lambda v: v["order"])


def _dates(iso: str) -> dict[str, str]:
    return {
        "delivery_date": iso,
        "delivery_date_long": french_date(iso),
        "appointments_from_long": french_date(day_after(iso)),
    }


def officine_mail(delivery: Delivery, names: Names, session_label: str) -> Mail:
    officine = names.officine(delivery.finess)
    own = self_effecteur(delivery.finess)
    by_effecteur: dict[str, list[DeliveryLine]] = {}
    for line in delivery.lines:
        by_effecteur.setdefault(line.effecteur, []).append(line)
    groups: list[dict[str, Any]] = []
    for effecteur, lines in by_effecteur.items():
        kind = lines[0].effecteur_type
        if effecteur == own:
            title, rank = "Pour les besoins propres de l'officine", (0, "")
        else:
            party = names.effecteur(effecteur, kind)
            title, rank = f"Pour {party.display_name} ({type_label(kind)})", (1, party.display_name.casefold())
        groups.append({"title": title, "rank": rank, "lines": _sorted_lines(_line_view(line, names) for line in lines)})
    groups.sort(key=lambda g: g["rank"])
    totals: dict[str, dict[str, Any]] = {}
    for group in groups:
        for view in group["lines"]:
            total = totals.setdefault(
                view["product"],
                {
                    "product": view["product"],
                    "order": view["order"],
                    "ordered_vials": 0,
                    "confirmed_vials": 0,
                    "ordered_doses": 0,
                    "confirmed_doses": 0,
                },
            )
            for key in ("ordered_vials", "confirmed_vials", "ordered_doses", "confirmed_doses"):
                total[key] += view[key]
    for total in totals.values():
        total["reduced"] = total["confirmed_vials"] < total["ordered_vials"]
    confirmed = sum(line.confirmed_vials for line in delivery.lines)
    recipient = Recipient(
        recipient=officine.name,
        kind=OFFICINE,
        display_name=officine.display_name,
        email=usable_address(officine.email),
        delivery_date=delivery.delivery_date,
        confirmed_vials=confirmed,
    )
    context = {
        "name": officine.display_name,
        "session_label": session_label,
        **_dates(delivery.delivery_date),
        "groups": groups,
        "totals": _sorted_lines(totals.values()),
        "any_reduced": any(v["reduced"] for g in groups for v in g["lines"]),
    }
    return Mail(recipient, "delivery-confirmation-officine", context, {delivery.finess: delivery.delivery_date})


def effecteur_mails(deliveries: Sequence[Delivery], names: Names, session_label: str) -> list[Mail]:
    """One mail per médecin, dentiste or sage-femme, with a section per officine
    that delivers them (one, nearly always)."""
    sections: dict[str, list[tuple[Delivery, list[DeliveryLine]]]] = {}
    types: dict[str, str] = {}
    for delivery in deliveries:
        mine: dict[str, list[DeliveryLine]] = {}
        for line in delivery.lines:
            if line.effecteur_type in PERSONAL_TYPES:
                mine.setdefault(line.effecteur, []).append(line)
                types[line.effecteur] = line.effecteur_type
        for effecteur, lines in mine.items():
            sections.setdefault(effecteur, []).append((delivery, lines))
    mails = []
    for effecteur, parts in sections.items():
        party = names.effecteur(effecteur, types[effecteur])
        parts.sort(key=lambda p: (p[0].delivery_date, p[0].finess))
        views: list[dict[str, Any]] = [
            {
                "officine": names.officine(delivery.finess).display_name,
                **_dates(delivery.delivery_date),
                "lines": _sorted_lines(_line_view(line, names) for line in lines),
            }
            for delivery, lines in parts
        ]
        first = parts[0][0]
        recipient = Recipient(
            recipient=effecteur,
            kind=EFFECTEUR,
            display_name=party.display_name,
            email=usable_address(party.email),
            delivery_date=first.delivery_date,
            confirmed_vials=sum(line.confirmed_vials for _, lines in parts for line in lines),
        )
        context = {
            "name": party.display_name,
            "session_label": session_label,
            **_dates(first.delivery_date),
            "officine": views[0]["officine"],
            "deliveries": views,
            "any_reduced": any(v["reduced"] for d in views for v in d["lines"]),
        }
        announced = {delivery.finess: delivery.delivery_date for delivery, _ in parts}
        mails.append(Mail(recipient, "delivery-confirmation-effecteur", context, announced))
    mails.sort(key=lambda m: (m.recipient.display_name.casefold(), m.recipient.recipient))
    return mails


def confirmation_mails(deliveries: Sequence[Delivery], names: Names, session_label: str) -> list[Mail]:
    """Every confirmation of a session: officines by FINESS, then professionals by name."""
    officines = [officine_mail(d, names, session_label) for d in sorted(deliveries, key=lambda d: d.finess)]
    return officines + effecteur_mails(deliveries, names, session_label)


def date_change_mails(change: DateChange, delivery: Delivery | None, names: Names, session_label: str) -> list[Mail]:
    """The officine and each of its médecins, dentistes and sages-femmes of that session."""
    officine = names.officine(change.finess)
    common = {
        "session_label": session_label,
        "officine": officine.display_name,
        "old_date_long": french_date(change.old_date),
        "new_date_long": french_date(change.new_date),
        "appointments_from_long": french_date(day_after(change.new_date)),
    }
    announced = {change.finess: change.new_date}
    mails = [
        Mail(
            Recipient(
                officine.name, OFFICINE, officine.display_name, usable_address(officine.email), change.new_date, 0
            ),
            "delivery-date-change",
            {**common, "name": officine.display_name, "for_officine": True},
            announced,
        )
    ]
    seen: set[str] = set()
    for line in delivery.lines if delivery else ():
        if line.effecteur_type not in PERSONAL_TYPES or line.effecteur in seen:
            continue
        seen.add(line.effecteur)
        party = names.effecteur(line.effecteur, line.effecteur_type)
        mails.append(
            Mail(
                Recipient(party.name, EFFECTEUR, party.display_name, usable_address(party.email), change.new_date, 0),
                "delivery-date-change",
                {**common, "name": party.display_name, "for_officine": False},
                announced,
            )
        )
    return mails


def parties_to_look_up(deliveries: Iterable[Delivery]) -> tuple[list[str], list[str]]:
    """Names of the officines and the effecteurs whose names and addresses a run needs."""
    officines: set[str] = set()
    effecteurs: set[str] = set()
    for delivery in deliveries:
        officines.add(officine_name(delivery.finess))
        for line in delivery.lines:
            if line.effecteur != self_effecteur(delivery.finess):
                effecteurs.add(line.effecteur)
    return sorted(officines), sorted(effecteurs)
