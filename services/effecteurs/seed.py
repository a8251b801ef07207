"""`python -m services.effecteurs seed fixtures/reference-week.json`.

Creates the dataset's officines (titulaires: the identities with a section A
activity at that FINESS), then loads its attachments the way the previous
portal's would arrive: written as the import CSV and run through the import.
Effecteurs of the dataset attached to no officine are created with their
dataset details. Idempotent: a second run creates nothing (the import reports
every row as unchanged).
"""

from __future__ import annotations

import asyncio
import csv
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from services.common.clock import Clock
from services.common.db import Database
from services.effecteurs import identifiers, repository
from services.effecteurs.clients import OpenGate
from services.effecteurs.csvstream import file_chunks
from services.effecteurs.importer import COLUMNS, AttachmentImporter, ImportReport
from services.effecteurs.service import DirectoryService, OfficineInput
from services.effecteurs.vocabulary import kind_for_type, search_text

log = structlog.get_logger("effecteurs.seed")

SEED_ACTOR = "seed"


@dataclass
class SeedResult:
    officines_created: int
    effecteurs_created: int
    attachments: ImportReport


def titulaires_of(dataset: dict[str, Any], finess: str) -> list[str]:
    return [
        identity["SubjectNameID"]
        for identity in dataset.get("identities", [])
        if any(
            a.get("codeSectionPharmacien") == "A" and a.get("numeroFinessSite") == finess
            for a in identity.get("activities", [])
        )
    ]


def write_attachments_csv(dataset: dict[str, Any], path: Path) -> None:
    effecteurs = {e["id"]: e for e in dataset.get("effecteurs", [])}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for attachment in dataset.get("attachments", []):
            effecteur = effecteurs[attachment["effecteur"]]
            writer.writerow(
                [
                    attachment["officine"],
                    effecteur["id"],
                    effecteur["type"],
                    effecteur["name"],
                    effecteur.get("email", ""),
                ]
            )


async def seed_dataset(db: Database, clock: Clock, dataset: dict[str, Any]) -> SeedResult:
    directory = DirectoryService(db, clock, OpenGate())
    created = 0
    for item in dataset.get("officines", []):
        _, fresh = await directory.register_officine(
            OfficineInput(
                finess=item["finess"],
                display_name=item["name"],
                postal_code=item["postal_code"],
                address=item.get("address", ""),
                city=item.get("city", ""),
                email=item.get("email", ""),
                titulaires=titulaires_of(dataset, item["finess"]),
            ),
            actor=SEED_ACTOR,
            if_absent=True,
        )
        created += fresh
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rattachements.csv"
        write_attachments_csv(dataset, path)
        report = await AttachmentImporter(db, clock).run(file_chunks(str(path)), dry_run=False, filename=path.name)
    loose = await _unattached_effecteurs(db, clock, dataset)
    log.info(
        "seed.done",
        officines_created=created,
        effecteurs_created=loose,
        rows_accepted=report.rows_accepted,
        rows_unchanged=report.rows_unchanged,
        rows_rejected=report.rows_rejected,
    )
    return SeedResult(created, loose, report)


async def _unattached_effecteurs(db: Database, clock: Clock, dataset: dict[str, Any]) -> int:
    """The dataset's effecteurs that no attachment row mentions (their département from their identity)."""
    attached = {a["effecteur"] for a in dataset.get("attachments", [])}
    postal_codes = {
        identity.get("rpps"): activity.get("codePostal", "")
        for identity in dataset.get("identities", [])
        for activity in identity.get("activities", [])[:1]
    }
    now = clock.now()
    rows = []
    for item in dataset.get("effecteurs", []):
        if item["id"] in attached:
            continue
        identifier = identifiers.parse_key(item["id"], "effecteurs")
        postal_code = postal_codes.get(identifier.value, "")
        rows.append(
            {
                "key": identifier.key,
                "identifier_kind": identifier.kind.value,
                "identifier": identifier.value,
                "kind": kind_for_type(item["type"]).value,
                "type": item["type"],
                "display_name": item["name"],
                "search_name": search_text(item["name"]),
                "email": item.get("email", ""),
                "department": identifiers.department_from_postal_code(postal_code) if postal_code else "",
                "version": 1,
                "create_time": now,
                "update_time": now,
            }
        )
    async with db.write() as session:
        before = await repository.effecteurs_with_current_attachment(session, (r["key"] for r in rows))
        await repository.insert_effecteurs_if_absent(session, rows)
    return len([r for r in rows if r["key"] not in before])


async def seed_file(path: Path, db: Database, clock: Clock) -> SeedResult:
    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    return await seed_dataset(db, clock, json.loads(text))
