"""python -m services.effecteurs [migrate | seed DATASET.json | import-attachments FILE [--dry-run] [--json]]

No argument serves gRPC. import-attachments reads FILE incrementally (never
whole) and prints the report; exit status 0 when every row was accepted or
unchanged, 1 when rows were rejected, 2 when the file could not be read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict
from pathlib import Path

from services.common.bootstrap import migrate_service, run
from services.common.clock import clock_from_start
from services.common.db import Database
from services.common.errors import InvalidArgument
from services.common.logging import configure_logging
from services.common.planner_statistics import analyze_after_bulk_load
from services.effecteurs.csvstream import file_chunks
from services.effecteurs.importer import AttachmentImporter, ImportReport
from services.effecteurs.seed import seed_file
from services.effecteurs.settings import EffecteursSettings
from services.effecteurs.spec import SPEC


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.effecteurs", description=__doc__.split("\n\n")[1])
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("migrate", help="apply the database migrations")
    seed = commands.add_parser("seed", help="load officines and attachments of the reference dataset")
    seed.add_argument("dataset", type=Path)
    load = commands.add_parser("import-attachments", help="import attachments from the previous portal (CSV)")
    load.add_argument("file", type=Path)
    load.add_argument("--dry-run", action="store_true", help="report what would change, store nothing")
    load.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def render(report: ImportReport) -> str:
    lines = [
        f"Import {'(simulation, rien n’est enregistré) ' if report.dry_run else ''}de {report.filename}",
        f"  lignes lues      : {report.rows_read}",
        f"  acceptées        : {report.rows_accepted}",
        f"  déjà en place    : {report.rows_unchanged}",
        f"  refusées         : {report.rows_rejected}",
    ]
    lines += [f"  ligne {r.line} [{r.field or '-'}] {r.reason}" for r in report.rejected]
    if report.rows_rejected > len(report.rejected):
        lines.append(f"  … et {report.rows_rejected - len(report.rejected)} autres lignes refusées")
    return "\n".join(lines)


async def _import(settings: EffecteursSettings, path: Path, *, dry_run: bool) -> ImportReport:
    db = Database(settings.resolved_database_url())
    try:
        importer = AttachmentImporter(db, clock_from_start(settings.clock_start), batch_size=settings.import_batch_size)
        return await importer.run(file_chunks(str(path)), dry_run=dry_run, filename=path.name)
    finally:
        await db.dispose()


async def _seed(settings: EffecteursSettings, path: Path) -> None:
    db = Database(settings.resolved_database_url())
    try:
        await seed_file(path, db, clock_from_start(settings.clock_start))
    finally:
        await db.dispose()


def main(argv: list[str]) -> int:
    if not argv:
        run(SPEC, EffecteursSettings)
        return 0
    args = _parser().parse_args(argv)
    settings = EffecteursSettings(service=SPEC.name)
    # The import prints its report on stdout, where logs also go: keep them to warnings there.
    quiet = args.command == "import-attachments" and settings.log_level in ("DEBUG", "INFO")
    configure_logging(SPEC.name, settings.log_format, "WARNING" if quiet else settings.log_level)
    migrate_service(SPEC, settings)
    if args.command == "seed":
        asyncio.run(_seed(settings, args.dataset))
        analyze_after_bulk_load(settings.resolved_database_url())
    elif args.command == "import-attachments":
        if not args.file.is_file():
            print(f"Fichier introuvable : {args.file}", file=sys.stderr)
            return 2
        try:
            report = asyncio.run(_import(settings, args.file, dry_run=args.dry_run))
        except InvalidArgument as error:
            print(error.message, file=sys.stderr)
            return 2
        if not args.dry_run:  # a national import is a bulk load (services.common.planner_statistics)
            analyze_after_bulk_load(settings.resolved_database_url())
        print(json.dumps(asdict(report), ensure_ascii=False, indent=2) if args.json else render(report))
        return 1 if report.rows_rejected else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
