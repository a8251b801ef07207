"""The demo seed: officines with their titulaires, the dataset's attachments loaded through the import."""

from __future__ import annotations

import os
import subprocess
import sys

from services.common.clock import ManualClock
from services.common.db import Database
from services.effecteurs.attachments import AttachmentService
from services.effecteurs.seed import seed_dataset
from services.effecteurs.service import DirectoryService
from tests.effecteurs.conftest import ADJOINT_LILAS, LILAS, OPERATOR, ROOT_DIR, TITULAIRE_LILAS
from tests.effecteurs.test_import import snapshot


async def test_the_seed_creates_the_dataset_once(
    seeded: Database,
    clock: ManualClock,
    dataset: dict,
    directory: DirectoryService,
    attachments: AttachmentService,
    principal,
) -> None:  # type: ignore[no-untyped-def]
    operator = principal(OPERATOR)
    lilas = await directory.get_officine(operator, f"officines/{LILAS}")
    assert lilas.titulaires == [TITULAIRE_LILAS]  # the adjoint is not a titulaire
    assert ADJOINT_LILAS not in lilas.titulaires
    assert (lilas.display_name, lilas.department) == ("Pharmacie des Lilas", "75")

    for officine in dataset["officines"]:
        page = await attachments.list_attachments(operator, f"officines/{officine['finess']}")
        expected = {f"finess:{officine['finess']}"} | {
            a["effecteur"] for a in dataset["attachments"] if a["officine"] == officine["finess"]
        }
        assert {v.effecteur.key for v in page.items} == expected
        loaded = [v.attachment for v in page.items if v.effecteur.kind != "OFFICINE"]
        assert {a.attached_by for a in loaded} == {"migration"}

    girard = await directory.get_effecteur(operator, "effecteurs/rpps:99700000153")
    assert (girard.type, girard.department) == ("MEDECIN", "75")

    before = await snapshot(seeded)
    again = await seed_dataset(seeded, clock, dataset)
    assert (again.officines_created, again.effecteurs_created) == (0, 0)
    assert (again.attachments.rows_accepted, again.attachments.rows_unchanged, again.attachments.rows_rejected) == (
        0,
        len(dataset["attachments"]),
        0,
    )
    assert await snapshot(seeded) == before


def test_the_seed_command_runs_twice_without_duplicating(db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "VAXORDERS_DATABASE_URL": db.url,
        "VAXORDERS_DATA_DIR": str(tmp_path),
        "VAXORDERS_LOG_FORMAT": "json",
    }
    outputs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "services.effecteurs", "seed", "fixtures/reference-week.json"],
            cwd=ROOT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(next(line for line in done.stdout.splitlines() if '"seed.done"' in line))
    assert '"officines_created": 3' in outputs[0] and '"rows_accepted": 12' in outputs[0]
    assert '"officines_created": 0' in outputs[1] and '"rows_unchanged": 12' in outputs[1]
