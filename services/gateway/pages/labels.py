"""French words users read for the protos' enums and codes."""

from __future__ import annotations

from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as eff_pb
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb
from vaxorders.type.v1 import effecteur_type_pb2 as type_pb

EFFECTEUR_TYPES = {
    "EFFECTEUR_TYPE_MEDECIN": "Médecin",
    "EFFECTEUR_TYPE_PHARMACIEN": "Pharmacien",
    "EFFECTEUR_TYPE_INFIRMIER": "Infirmier",
    "EFFECTEUR_TYPE_SAGE_FEMME": "Sage-femme",
    "EFFECTEUR_TYPE_CHIRURGIEN_DENTISTE": "Chirurgien-dentiste",
    "EFFECTEUR_TYPE_MSP": "Maison de santé pluriprofessionnelle (MSP)",
    "EFFECTEUR_TYPE_CDS": "Centre de santé (CDS)",
    "EFFECTEUR_TYPE_LBM": "Laboratoire de biologie médicale (LBM)",
    "EFFECTEUR_TYPE_FAM": "Foyer d'accueil médicalisé (FAM)",
    "EFFECTEUR_TYPE_MAS": "Maison d'accueil spécialisée (MAS)",
    "EFFECTEUR_TYPE_EHPAD": "EHPAD",
    "EFFECTEUR_TYPE_USLD": "Unité de soins de longue durée (USLD)",
    "EFFECTEUR_TYPE_RESIDENCE_AUTONOMIE": "Résidence autonomie",
    "EFFECTEUR_TYPE_SST": "Service de santé au travail (SST)",
    "EFFECTEUR_TYPE_SSU": "Service de santé universitaire (SSU)",
    "EFFECTEUR_TYPE_PMI": "Protection maternelle et infantile (PMI)",
}

# Short forms for grid headers.
EFFECTEUR_TYPES_SHORT = {
    "EFFECTEUR_TYPE_MSP": "MSP",
    "EFFECTEUR_TYPE_CDS": "CDS",
    "EFFECTEUR_TYPE_LBM": "LBM",
    "EFFECTEUR_TYPE_FAM": "FAM",
    "EFFECTEUR_TYPE_MAS": "MAS",
    "EFFECTEUR_TYPE_USLD": "USLD",
    "EFFECTEUR_TYPE_SST": "SST",
    "EFFECTEUR_TYPE_SSU": "SSU",
    "EFFECTEUR_TYPE_PMI": "PMI",
}

IDENTIFIER_KINDS = {
    "IDENTIFIER_KIND_RPPS": "RPPS",
    "IDENTIFIER_KIND_ADELI": "ADELI",
    "IDENTIFIER_KIND_FINESS": "FINESS",
    "IDENTIFIER_KIND_SIRET": "SIRET",
}

REQUEST_STATES = {
    orders_pb.VialRequest.STATE_PENDING: "En attente de l'officine",
    orders_pb.VialRequest.STATE_CONFIRMED: "Confirmée",
    orders_pb.VialRequest.STATE_DECLINED: "Refusée",
    orders_pb.VialRequest.STATE_EXPIRED: "Expirée (session close)",
    orders_pb.VialRequest.STATE_CANCELLED: "Retirée",
}

SESSION_STATES = {
    sess_pb.Session.STATE_SCHEDULED: "À venir",
    sess_pb.Session.STATE_OPEN: "Ouverte",
    sess_pb.Session.STATE_CLOSED: "Close",
}

SERVICE_STATES = {
    sess_pb.SERVICE_STATE_OPEN_FOR_ORDERS: ("success", "Saisie des commandes ouverte"),
    sess_pb.SERVICE_STATE_PREVIEW: ("info", "Service ouvert pour prise en main"),
    sess_pb.SERVICE_STATE_MAINTENANCE: ("warning", "Service fermé pour maintenance"),
    sess_pb.SERVICE_STATE_CLOSED: ("info", "Saisie des commandes fermée"),
}

QUOTA_KINDS = {
    sess_pb.QUOTA_KIND_UNLIMITED: "illimité",
    sess_pb.QUOTA_KIND_CAPPED: "max",
    sess_pb.QUOTA_KIND_NOT_OPEN: "non ouvert",
}


def identifier_kind(value: int) -> str:
    return IDENTIFIER_KINDS.get(eff_pb.IdentifierKind.Name(value), "") if value else ""


def effecteur_type(value: int | str) -> str:
    name = type_pb.EffecteurType.Name(value) if isinstance(value, int) else value
    return EFFECTEUR_TYPES.get(name, "Type inconnu")


def effecteur_type_short(value: int | str) -> str:
    name = type_pb.EffecteurType.Name(value) if isinstance(value, int) else value
    return EFFECTEUR_TYPES_SHORT.get(name, EFFECTEUR_TYPES.get(name, "?"))


def orderable_types() -> list[tuple[int, str]]:
    """(enum number, French label) of every real effecteur type, in enum order."""
    return [(type_pb.EffecteurType.Value(name), label) for name, label in EFFECTEUR_TYPES.items()]
