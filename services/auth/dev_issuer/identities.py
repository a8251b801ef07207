"""The test identities the local issuer offers, as PSC would describe them.

Built from the `identities` of the reference dataset; the claims use PSC's
userinfo names (SubjectNameID, SubjectRefPro.exercices[].activities[]...), so
the code reading them is the code that reads the real PSC.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# TRE_G15 professions, for the identity choice page.
PROFESSIONS = {
    "10": "Médecin",
    "21": "Pharmacien",
    "40": "Chirurgien-dentiste",
    "50": "Sage-femme",
    "60": "Infirmier",
}
SECTIONS = {"A": "titulaire d'officine", "D": "adjoint d'officine"}
# Fixed namespace: an identity keeps the same `sub` across restarts, like a Keycloak user id.
_SUB_NAMESPACE = uuid.UUID("8b6f3d2e-5c1a-4f4e-9d0b-7a2c1e9f0a11")


@dataclass(frozen=True)
class Identity:
    national_id: str
    given_name: str
    family_name: str
    profession_code: str
    activities: tuple[Mapping[str, Any], ...] = ()
    rpps: str = ""
    operator: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def sub(self) -> str:
        return str(uuid.uuid5(_SUB_NAMESPACE, self.national_id))

    @property
    def profession(self) -> str:
        label = PROFESSIONS.get(self.profession_code, f"Profession {self.profession_code}")
        sections = {SECTIONS.get(a.get("codeSectionPharmacien", ""), "") for a in self.activities} - {""}
        return f"{label} {', '.join(sorted(sections))}".strip()

    @property
    def structure(self) -> str:
        names = [a.get("raisonSocialeSite", "") for a in self.activities if a.get("raisonSocialeSite")]
        return ", ".join(names)

    def userinfo(self) -> dict[str, Any]:
        """The PSC userinfo claims of this identity."""
        return {
            "sub": self.sub,
            "SubjectNameID": self.national_id,
            "preferred_username": self.national_id,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "SubjectOrganization": self.structure,
            "SubjectRefPro": {
                "codeCivilite": "",
                "exercices": [
                    {
                        "codeProfession": self.profession_code,
                        "codeCategorieProfessionnelle": "C",
                        "prenomDexercice": self.given_name,
                        "nomDexercice": self.family_name,
                        "activities": [dict(a) for a in self.activities],
                    }
                ],
            },
        }


def identities_from_dataset(dataset: Mapping[str, Any]) -> dict[str, Identity]:
    """SubjectNameID -> Identity, in the dataset's order."""
    found: dict[str, Identity] = {}
    for entry in dataset.get("identities", ()):
        identity = Identity(
            national_id=str(entry["SubjectNameID"]),
            given_name=entry.get("given_name", ""),
            family_name=entry.get("family_name", ""),
            profession_code=str(entry.get("codeProfession", "")),
            activities=tuple(entry.get("activities", ())),
            rpps=entry.get("rpps", ""),
            operator=bool(entry.get("operator", False)),
        )
        found[identity.national_id] = identity
    return found


def load_identities(path: Path) -> dict[str, Identity]:
    return identities_from_dataset(json.loads(path.read_text(encoding="utf-8")))
