"""Migration import of attachments: exact report, idempotence, dry run, streaming, command line."""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.common.db import Database, is_sqlite_url
from services.common.errors import InvalidArgument
from services.effecteurs.csvstream import records_from
from services.effecteurs.importer import AttachmentImporter, ImportReport, RejectedRow
from services.effecteurs.models import Attachment, AttachmentEvent, Effecteur
from tests.conftest import pg_connect
from tests.effecteurs.conftest import ROOT_DIR, with_key

N1, N2, N3 = with_key("9970000995"), with_key("9970000996"), with_key("9970000997")
F1 = with_key("13990107")  # a FINESS, typed bare: 9 digits and an establishment type
A1 = "751234567"  # an ADELI, typed bare: 9 characters and a professional type

MIXED = (
    "officine_finess,effecteur_identifier,type,name,email\n"  # 1
    f"759900111,rpps:{N1},INFIRMIER,Léa Mercier,lea.mercier@example.test\n"  # 2 accepted
    f"699900122,{N2},médecin,Paul Durand,\n"  # 3 accepted (bare RPPS, French type)
    "759900111,rpps:99700000104,MEDECIN,Jeanne Dubois,jeanne.dubois@example.test\n"  # 4 unchanged
    "699900122,rpps:99700000120,SAGE_FEMME,Amina Traoré,\n"  # 5 attached to Lilas
    f"759900112,rpps:{N3},MEDECIN,Nom Un,\n"  # 6 bad FINESS key
    f"759900129,rpps:{N3},MEDECIN,Nom Deux,\n"  # 7 no such officine
    "759900111,99700000105,MEDECIN,Nom Trois,\n"  # 8 bad RPPS key
    f"759900111,rpps:{N3},DENTISTE,Nom Quatre,\n"  # 9 unknown type
    f"759900111,rpps:{N3},EHPAD,Nom Cinq,\n"  # 10 a person is not an EHPAD
    f"759900111,rpps:{N3},MEDECIN,,\n"  # 11 no name
    f"759900111,rpps:{N3},MEDECIN,Nom Six,pas-un-email\n"  # 12 bad e-mail
    f'139900138,{F1},EHPAD,"EHPAD ""Les Mimosas""\nannexe",ehpad.mimosas@example.test\n'  # 13-14 accepted
    "759900111,finess:699900122,EHPAD,Pharmacie du Confluent,\n"  # 15 an officine
    f"759900111,rpps:{N1},MEDECIN,Léa Mercier,\n"  # 16 stored as INFIRMIER (line 2)
    f"139900138,rpps:{N1},INFIRMIER,Léa Mercier,\n"  # 17 attached to Lilas at line 2
    f"759900111,{A1},INFIRMIER,Hélène Adeli,\n"  # 18 accepted (bare ADELI)
    "\n"  # 19 blank
    f"759900111,rpps:{N1},INFIRMIER,Léa Mercier,lea.mercier@example.test\n"  # 20 unchanged (again)
).encode()

ELSEWHERE = (
    "est déjà rattaché à une autre officine : il doit d'abord en être détaché, par cette officine ou par lui-même."
)
MIXED_REJECTIONS = [
    RejectedRow(5, "effecteur_identifier", f"L'effecteur rpps:99700000120 {ELSEWHERE}"),
    RejectedRow(6, "officine_finess", "Le numéro FINESS 759900112 n'est pas valide : sa clé de contrôle est fausse."),
    RejectedRow(
        7,
        "officine_finess",
        "L'officine de FINESS 759900129 n'existe pas : elle doit être créée avant l'import de ses rattachements.",
    ),
    RejectedRow(
        8, "effecteur_identifier", "Le numéro RPPS 99700000105 n'est pas valide : sa clé de contrôle est fausse."
    ),
    RejectedRow(
        9,
        "type",
        "Type d'effecteur « DENTISTE » inconnu : attendu l'un de CDS, CHIRURGIEN_DENTISTE, EHPAD, FAM, INFIRMIER, "
        "LBM, MAS, MEDECIN, MSP, PHARMACIEN, PMI, RESIDENCE_AUTONOMIE, SAGE_FEMME, SST, SSU, USLD.",
    ),
    RejectedRow(
        10,
        "type",
        "Un numéro RPPS ou ADELI désigne un professionnel : le type « EHPAD » est celui d'un établissement.",
    ),
    RejectedRow(11, "name", "Le nom est obligatoire."),
    RejectedRow(12, "email", "L'adresse e-mail « pas-un-email » n'est pas valide."),
    RejectedRow(
        15,
        "effecteur_identifier",
        "finess:699900122 est une officine : elle commande pour ses propres besoins et ne peut pas être rattachée.",
    ),
    RejectedRow(16, "type", f"L'effecteur rpps:{N1} est déjà enregistré comme infirmier, pas comme médecin."),
    RejectedRow(17, "effecteur_identifier", f"L'effecteur rpps:{N1} {ELSEWHERE}"),
]


def pieces(data: bytes, size: int) -> Iterator[bytes]:
    """The file as a client would stream it, cut anywhere (inside lines, inside UTF-8 characters)."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def snapshot(db: Database) -> tuple[list, list, list]:  # type: ignore[type-arg]
    async with db.read() as session:
        effecteurs = (await session.execute(select(Effecteur).order_by(Effecteur.key))).scalars()
        attachments = (await session.execute(select(Attachment).order_by(Attachment.id))).scalars()
        events = (await session.execute(select(AttachmentEvent).order_by(AttachmentEvent.id))).scalars()
        return (
            [(e.key, e.type, e.display_name, e.email, e.version) for e in effecteurs],
            [(a.id, a.officine_finess, a.effecteur_key, a.attached_by, a.detach_time) for a in attachments],
            [(e.id, e.action, e.attachment_id, e.actor) for e in events],
        )


def as_tuple(report: ImportReport) -> tuple:  # type: ignore[type-arg]
    return (
        report.rows_read,
        report.rows_accepted,
        report.rows_unchanged,
        report.rows_rejected,
        report.rejected,
        report.dry_run,
    )


async def test_a_file_with_good_and_bad_rows_gives_the_exact_report(
    importer: AttachmentImporter, seeded: Database
) -> None:
    report = await importer.run(pieces(MIXED, 7), dry_run=False, filename="portail.csv")
    assert report.rejected == MIXED_REJECTIONS
    assert as_tuple(report) == (17, 4, 2, 11, MIXED_REJECTIONS, False)

    _, attachments, events = await snapshot(seeded)
    current = {(a[2], a[1]) for a in attachments if a[4] is None}
    assert {(f"rpps:{N1}", "759900111"), (f"rpps:{N2}", "699900122"), (f"finess:{F1}", "139900138")} <= current
    assert (f"adeli:{A1}", "759900111") in current
    migrated = [a for a in attachments if a[2] in {f"rpps:{N1}", f"rpps:{N2}", f"finess:{F1}", f"adeli:{A1}"}]
    assert {a[3] for a in migrated} == {"migration"}
    assert {(e[1], e[3]) for e in events if e[2] in {a[0] for a in migrated}} == {("ATTACHED", "migration")}
    effecteurs = {e[0]: e for e in (await snapshot(seeded))[0]}
    assert effecteurs[f"finess:{F1}"][1:3] == ("EHPAD", 'EHPAD "Les Mimosas" annexe')
    assert effecteurs[f"rpps:{N2}"][1:4] == ("MEDECIN", "Paul Durand", "")


async def test_a_second_import_of_the_same_file_changes_nothing(importer: AttachmentImporter, seeded: Database) -> None:
    await importer.run(pieces(MIXED, 4096), dry_run=False)
    before = await snapshot(seeded)
    again = await importer.run(pieces(MIXED, 4096), dry_run=False)
    assert as_tuple(again) == (17, 0, 6, 11, MIXED_REJECTIONS, False)
    assert await snapshot(seeded) == before


async def test_a_dry_run_reports_what_the_real_run_does_and_stores_nothing(
    importer: AttachmentImporter, seeded: Database
) -> None:
    before = await snapshot(seeded)
    dry = await importer.run(pieces(MIXED, 100), dry_run=True)
    assert await snapshot(seeded) == before
    real = await importer.run(pieces(MIXED, 100), dry_run=False)
    assert as_tuple(dry)[:5] == as_tuple(real)[:5]
    assert (dry.dry_run, real.dry_run) == (True, False)
    assert await snapshot(seeded) != before


async def test_a_file_without_the_expected_header_is_refused_whole(
    importer: AttachmentImporter, seeded: Database
) -> None:
    before = await snapshot(seeded)
    with pytest.raises(InvalidArgument) as refused:
        await importer.run(
            [f"officine_finess,effecteur_identifier,type,name\n759900111,rpps:{N1},MEDECIN,X\n".encode()], dry_run=False
        )
    assert refused.value.reason == "BAD_CSV_HEADER"
    assert [v.field for v in refused.value.violations] == ["chunk"]
    assert "colonne(s) manquante(s) : email" in refused.value.message
    with pytest.raises(InvalidArgument):
        await importer.run([], dry_run=False)
    assert await snapshot(seeded) == before


async def test_semicolon_files_a_byte_order_mark_and_reordered_columns_are_read(importer: AttachmentImporter) -> None:
    data = (
        "\ufeffEmail;Name;Type;Effecteur_Identifier;Officine_FINESS\r\n"
        ";Léa Mercier;Infirmier;997 0000 9956;759900111\r\n"
    )
    report = await importer.run([data.encode()], dry_run=False)
    assert as_tuple(report) == (1, 1, 0, 0, [], False)


async def test_a_line_that_is_not_utf8_or_an_unclosed_quote_is_reported_with_its_line(
    importer: AttachmentImporter,
) -> None:
    data = (
        b"officine_finess,effecteur_identifier,type,name,email\n"
        b"759900111,rpps:" + N1.encode() + b",INFIRMIER,L\xe9a Mercier,\n"  # Latin-1, not UTF-8
        b"759900111,rpps:" + N2.encode() + b",MEDECIN,Paul Durand,\n"
        b"759900111,rpps:" + N3.encode() + b',MEDECIN,"Nom sans fin,\n'
        b"759900111,rpps:99700000104,MEDECIN,Jeanne Dubois,\n"
    )
    report = await importer.run(pieces(data, 16), dry_run=False)
    assert report.rows_accepted == 1
    assert report.rejected == [
        RejectedRow(2, "", "Ligne 2 : le texte n'est pas en UTF-8."),
        RejectedRow(4, "", "Ligne 4 : un guillemet ouvert n'est jamais refermé ; la lecture s'arrête là."),
    ]


def test_reading_a_100000_row_file_keeps_memory_flat() -> None:
    def stream() -> Iterator[bytes]:  # ~8 MB generated on the fly, never held whole
        yield b"officine_finess,effecteur_identifier,type,name,email\n"
        for start in range(0, 100_000, 2000):
            yield b"".join(
                f'759900111,rpps:98{i:08d}0,INFIRMIER,"Infirmier, n°{i}",inf{i}@example.test\n'.encode()
                for i in range(start, start + 2000)
            )

    tracemalloc.start()
    try:
        count = sum(1 for _ in records_from(stream()))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 100_001
    assert peak < 1_000_000  # a chunk and a record at a time


async def test_importing_five_times_more_rows_does_not_take_more_memory(seeded: Database, clock) -> None:  # type: ignore[no-untyped-def]
    importer = AttachmentImporter(seeded, clock, batch_size=50)

    def rows(first: int, count: int) -> Iterator[bytes]:
        yield b"officine_finess,effecteur_identifier,type,name,email\n"
        for i in range(first, first + count):
            yield f"759900111,rpps:{with_key(f'98{i:08d}')},INFIRMIER,Infirmier {i},\n".encode()

    async def peak(first: int, count: int) -> int:
        tracemalloc.start()
        try:
            report = await importer.run(rows(first, count), dry_run=False)
            highest = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert report.rows_accepted == count
        return highest

    await importer.run(rows(0, 100), dry_run=False)  # warm the caches
    small, large = await peak(1_000, 300), await peak(10_000, 1_500)
    # Keeping the 1,200 extra rows would cost well over 500 kB; batches keep it flat.
    assert large - small < 150_000, (small, large)


def _analyzed(url: str) -> bool:
    """Whether the attachments table has planner statistics (PostgreSQL; never on SQLite)."""
    if is_sqlite_url(url):
        return False
    with pg_connect(url) as c:
        row: Any = c.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'attachments'").fetchone()
    return row[0] is not None


def test_the_import_command_reads_a_file_and_is_idempotent(seeded: Database, tmp_path: Path) -> None:
    path = tmp_path / "rattachements.csv"
    path.write_text(
        "officine_finess,effecteur_identifier,type,name,email\n"
        f"759900111,rpps:{N1},INFIRMIER,Léa Mercier,lea.mercier@example.test\n"
        f"699900122,siret:{with_key('9000000990109')},SST,Santé au travail Lyon,\n",
        encoding="utf-8",
    )
    env = {**os.environ, "VAXORDERS_DATABASE_URL": seeded.url, "VAXORDERS_DATA_DIR": str(tmp_path)}

    def command(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "services.effecteurs", "import-attachments", str(path), *args],
            cwd=ROOT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    dry = command("--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "simulation" in dry.stdout and "acceptées        : 2" in dry.stdout
    assert not _analyzed(seeded.url)
    first = command()
    assert first.returncode == 0, first.stderr
    assert "acceptées        : 2" in first.stdout
    # An import is a bulk load: PostgreSQL's planner statistics are refreshed after it
    # (services.common.planner_statistics).
    assert _analyzed(seeded.url) is (not seeded.is_sqlite)
    second = command()
    assert second.returncode == 0, second.stderr
    assert "acceptées        : 0" in second.stdout and "déjà en place    : 2" in second.stdout

    path.write_text(
        "officine_finess,effecteur_identifier,type,name,email\n759900111,99700000105,MEDECIN,X,\n", encoding="utf-8"
    )
    refused = command()
    assert refused.returncode == 1
    assert "ligne 2 [effecteur_identifier] Le numéro RPPS 99700000105 n'est pas valide" in refused.stdout
