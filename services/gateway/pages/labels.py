"""French words users read for the protos' enums and codes."""

from __future__ import annotations

from typing import cast

from services.common.vocabulary import TYPE_LABELS
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as eff_pb
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb
from vaxorders.type.v1 import effecteur_type_pb2 as type_pb

# Short forms for grid headers: the institutions known by their acronym.
EFFECTEUR_TYPES_SHORT = {
    f"EFFECTEUR_TYPE_{code}": code for code in ("MSP", "CDS", "LBM", "FAM", "MAS", "USLD", "SST", "SSU", "PMI")
}

# The shared labels (services.common.vocabulary), capitalised, with the acronym where there is one.
EFFECTEUR_TYPES = {
    f"EFFECTEUR_TYPE_{code}": label[0].upper()
    + label[1:]
    + (f" ({code})" if f"EFFECTEUR_TYPE_{code}" in EFFECTEUR_TYPES_SHORT else "")
    for code, label in TYPE_LABELS.items()
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


def orderable_types() -> list[tuple[type_pb.EffecteurType, str]]:
    """(enum number, French label) of every real effecteur type, in enum order."""
    # The stubs type EnumTypeWrapper.Value as a plain int: the number is one of EffecteurType's.
    return [
        (cast(type_pb.EffecteurType, type_pb.EffecteurType.Value(name)), label)
        for name, label in EFFECTEUR_TYPES.items()
    ]


# Départements by code, as operators read them next to the code ("69 — Rhône").
DEPARTMENTS = {
    "01": "Ain",
    "02": "Aisne",
    "03": "Allier",
    "04": "Alpes-de-Haute-Provence",
    "05": "Hautes-Alpes",
    "06": "Alpes-Maritimes",
    "07": "Ardèche",
    "08": "Ardennes",
    "09": "Ariège",
    "10": "Aube",
    "11": "Aude",
    "12": "Aveyron",
    "13": "Bouches-du-Rhône",
    "14": "Calvados",
    "15": "Cantal",
    "16": "Charente",
    "17": "Charente-Maritime",
    "18": "Cher",
    "19": "Corrèze",
    "2A": "Corse-du-Sud",
    "2B": "Haute-Corse",
    "21": "Côte-d'Or",
    "22": "Côtes-d'Armor",
    "23": "Creuse",
    "24": "Dordogne",
    "25": "Doubs",
    "26": "Drôme",
    "27": "Eure",
    "28": "Eure-et-Loir",
    "29": "Finistère",
    "30": "Gard",
    "31": "Haute-Garonne",
    "32": "Gers",
    "33": "Gironde",
    "34": "Hérault",
    "35": "Ille-et-Vilaine",
    "36": "Indre",
    "37": "Indre-et-Loire",
    "38": "Isère",
    "39": "Jura",
    "40": "Landes",
    "41": "Loir-et-Cher",
    "42": "Loire",
    "43": "Haute-Loire",
    "44": "Loire-Atlantique",
    "45": "Loiret",
    "46": "Lot",
    "47": "Lot-et-Garonne",
    "48": "Lozère",
    "49": "Maine-et-Loire",
    "50": "Manche",
    "51": "Marne",
    "52": "Haute-Marne",
    "53": "Mayenne",
    "54": "Meurthe-et-Moselle",
    "55": "Meuse",
    "56": "Morbihan",
    "57": "Moselle",
    "58": "Nièvre",
    "59": "Nord",
    "60": "Oise",
    "61": "Orne",
    "62": "Pas-de-Calais",
    "63": "Puy-de-Dôme",
    "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées",
    "66": "Pyrénées-Orientales",
    "67": "Bas-Rhin",
    "68": "Haut-Rhin",
    "69": "Rhône",
    "70": "Haute-Saône",
    "71": "Saône-et-Loire",
    "72": "Sarthe",
    "73": "Savoie",
    "74": "Haute-Savoie",
    "75": "Paris",
    "76": "Seine-Maritime",
    "77": "Seine-et-Marne",
    "78": "Yvelines",
    "79": "Deux-Sèvres",
    "80": "Somme",
    "81": "Tarn",
    "82": "Tarn-et-Garonne",
    "83": "Var",
    "84": "Vaucluse",
    "85": "Vendée",
    "86": "Vienne",
    "87": "Haute-Vienne",
    "88": "Vosges",
    "89": "Yonne",
    "90": "Territoire de Belfort",
    "91": "Essonne",
    "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne",
    "95": "Val-d'Oise",
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "La Réunion",
    "976": "Mayotte",
}


def department(code: str) -> str:
    """'69' -> '69 — Rhône' (the code alone when unknown)."""
    name = DEPARTMENTS.get(code.upper())
    return f"{code} — {name}" if name else code
