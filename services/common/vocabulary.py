"""Shared words of the domain: French labels of vaxorders.type.v1.EffecteurType."""

from __future__ import annotations

# The 16 types of vaxorders.type.v1.EffecteurType, without the enum prefix.
TYPE_LABELS = {
    "MEDECIN": "médecin",
    "PHARMACIEN": "pharmacien",
    "INFIRMIER": "infirmier",
    "SAGE_FEMME": "sage-femme",
    "CHIRURGIEN_DENTISTE": "chirurgien-dentiste",
    "MSP": "maison de santé pluriprofessionnelle",
    "CDS": "centre de santé",
    "LBM": "laboratoire de biologie médicale",
    "FAM": "foyer d'accueil médicalisé",
    "MAS": "maison d'accueil spécialisée",
    "EHPAD": "EHPAD",
    "USLD": "unité de soins de longue durée",
    "RESIDENCE_AUTONOMIE": "résidence autonomie",
    "SST": "service de santé au travail",
    "SSU": "service de santé universitaire",
    "PMI": "protection maternelle et infantile",
}
