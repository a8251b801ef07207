"""The bench's France: N officines, each with its titulaire and 5 attached effecteurs,
written in the reference dataset's format so each service seeds it through its own
seed path (effecteurs: officine registration + the attachment import; sessions:
catalogue, session, quota table).

Identifiers are fictional but valid (Luhn keys), in number ranges the reference
dataset does not use. Officine i:
  FINESS      {dd}8{i:05d}{key}          (dd: its département, spread over 94)
  titulaire   RPPS 10{i:08d}{key}, SubjectNameID "8" + RPPS, section A at that FINESS
  effecteurs  2 médecins (RPPS 11.. and 12..), 1 infirmier (13..), 1 sage-femme (14..),
              1 EHPAD (FINESS {dd}7{i:05d}{key})
The quota table of the bench session is the reference week's, with every orderable
cell capped at CAP vials per effecteur (so every write runs the conditional quota
update the cap needs); what is not open stays not open.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "fixtures" / "reference-week.json"
SESSION_ID = "2022-03-07"
# The session opens at 08:00 Paris: the services' clock starts there for the rush.
RUSH_START = "2022-03-07T08:00:00+01:00"
CAP = 1000
# Départements of metropolitan France but Corsica (whose FINESS carry letters).
DEPARTMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20]
# Effecteur types per officine, in the order the flow orders for them.
ATTACHED_TYPES = ("MEDECIN", "MEDECIN", "INFIRMIER", "SAGE_FEMME", "EHPAD")
_RPPS_PREFIX = {0: "11", 1: "12", 2: "13", 3: "14"}
_LABELS = {"MEDECIN": "Médecin", "INFIRMIER": "Infirmier", "SAGE_FEMME": "Sage-femme"}


def luhn_key(digits: str) -> str:
    """The digit that makes `digits` + key pass the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # these positions are doubled once the key is appended
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def with_key(digits: str) -> str:
    return digits + luhn_key(digits)


@dataclass(frozen=True)
class Effecteur:
    key: str  # "rpps:11000000012"
    type: str
    name: str

    @property
    def resource(self) -> str:
        return f"effecteurs/{self.key}"

    @property
    def national_id(self) -> str:
        """PSC SubjectNameID of a professional ("8" + RPPS); empty for an establishment."""
        kind, _, number = self.key.partition(":")
        return f"8{number}" if kind == "rpps" else ""


@dataclass(frozen=True)
class Officine:
    index: int
    finess: str
    department: str
    titulaire: str  # SubjectNameID
    effecteurs: tuple[Effecteur, ...]

    @property
    def name(self) -> str:
        return f"officines/{self.finess}"

    @property
    def display_name(self) -> str:
        return f"Pharmacie Bench {self.index}"

    @property
    def self_effecteur(self) -> Effecteur:
        return Effecteur(f"finess:{self.finess}", "PHARMACIEN", self.display_name)

    @property
    def order(self) -> str:
        return f"sessions/{SESSION_ID}/officines/{self.finess}"

    @property
    def requesters(self) -> tuple[Effecteur, ...]:
        """The two médecins, who ask their officine for vials before it confirms."""
        return tuple(e for e in self.effecteurs if e.type == "MEDECIN")


def officine(i: int) -> Officine:
    if not 0 <= i < 100_000:
        raise ValueError("at most 100,000 bench officines")
    department = DEPARTMENTS[i % len(DEPARTMENTS)]
    finess = with_key(f"{department}8{i:05d}")
    effecteurs = [
        Effecteur(f"rpps:{with_key(_RPPS_PREFIX[n] + f'{i:08d}')}", kind, f"{_LABELS[kind]} {n} de l'officine {i}")
        for n, kind in enumerate(ATTACHED_TYPES[:4])
    ]
    effecteurs.append(Effecteur(f"finess:{with_key(f'{department}7{i:05d}')}", "EHPAD", f"EHPAD Bench {i}"))
    return Officine(i, finess, department, f"8{with_key('10' + f'{i:08d}')}", tuple(effecteurs))


def officines(count: int) -> list[Officine]:
    return [officine(i) for i in range(count)]


def titulaire_activity(o: Officine) -> dict[str, str]:
    return {
        "codeModeExercice": "L",
        "codeSecteurDactivite": "SA33",
        "codeSectionPharmacien": "A",
        "numeroFinessSite": o.finess,
        "numeroSiretSite": "",
        "raisonSocialeSite": o.display_name,
        "codePostal": f"{o.department}001",
        "libelleCommune": f"Commune {o.department}",
    }


def bench_quota_rules(reference: dict[str, Any]) -> list[dict[str, Any]]:
    rules = []
    for row in reference["quota_tables"][SESSION_ID]:
        row = dict(row)
        if row["kind"] == "UNLIMITED":
            row = {**row, "kind": "CAPPED", "max_vials": CAP}
        rules.append(row)
    return rules


def orderable(rules: list[dict[str, Any]]) -> dict[str, list[str]]:
    """effecteur type -> products ("products/x") it may order in the bench session."""
    found: dict[str, list[str]] = {}
    for row in rules:
        if row["kind"] in ("CAPPED", "UNLIMITED"):
            found.setdefault(row["effecteur_type"], []).append(f"products/{row['product']}")
    return found


def build(count: int) -> dict[str, Any]:
    """The dataset document for `count` officines."""
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    session = next(s for s in reference["sessions"] if s["id"] == SESSION_ID)
    dataset: dict[str, Any] = {
        "about": f"Bench dataset: {count} fictional officines, generated by bench/dataset.py.",
        "products": copy.deepcopy(reference["products"]),
        "effecteur_types": copy.deepcopy(reference["effecteur_types"]),
        "sessions": [session],
        "calendar": copy.deepcopy(reference["calendar"]),
        "quota_tables": {SESSION_ID: bench_quota_rules(reference)},
        "officines": [],
        "effecteurs": [],
        "attachments": [],
        "identities": [],
        "operators": list(reference["operators"]),
    }
    for o in officines(count):
        dataset["officines"].append(
            {
                "finess": o.finess,
                "name": o.display_name,
                "city": f"Commune {o.department}",
                "postal_code": f"{o.department}001",
                "email": f"officine{o.index}@bench.example.test",
            }
        )
        dataset["identities"].append(
            {
                "SubjectNameID": o.titulaire,
                "rpps": o.titulaire[1:],
                "given_name": "Titulaire",
                "family_name": f"Bench {o.index}",
                "codeProfession": "21",
                "activities": [titulaire_activity(o)],
            }
        )
        for e in o.effecteurs:
            kind, _, number = e.key.partition(":")
            entry = {
                "id": e.key,
                "kind": "PROFESSIONAL" if kind == "rpps" else "ESTABLISHMENT",
                "type": e.type,
                "name": e.name,
            }
            if kind == "rpps":
                entry["rpps"] = number
            dataset["effecteurs"].append(entry)
            dataset["attachments"].append({"officine": o.finess, "effecteur": e.key})
    return dataset


def write(path: Path, count: int) -> dict[str, Any]:
    dataset = build(count)
    path.write_text(json.dumps(dataset, ensure_ascii=False), encoding="utf-8")
    return dataset
