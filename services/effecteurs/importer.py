"""Migration import of attachments from the previous portal (CSV).

File: UTF-8 (a BOM is fine), delimiter "," (or ";" / tab, detected on the
header), header officine_finess,effecteur_identifier,type,name,email in any
order; other columns are ignored.

effecteur_identifier is "rpps:…", "adeli:…", "finess:…", "siret:…", or a bare
number whose kind follows from its length: 11 digits RPPS, 14 digits SIRET,
9 characters FINESS for an establishment type and ADELI for a professional
type (the two share that length; the type column tells them apart).

Each data row is, against what is stored:
- accepted: the effecteur (created when new, with the row's type, name and
  e-mail and the officine's département) gets attached to the officine;
- unchanged: it is attached to that officine already (a second run of the
  same file only finds these);
- rejected, with line, field and French reason: bad value, unknown officine,
  effecteur attached to another officine, a type differing from the stored one.
An effecteur already known keeps its stored name and e-mail.

Streaming and memory: the file is read in chunks and processed in batches
(one transaction each), so memory stays flat whatever its length. A dry run
does the same inside one transaction that is rolled back at the end, so rows
of one file that concern the same effecteur are judged exactly as a real run
would judge them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import structlog

from services.common.clock import Clock
from services.common.db import Database
from services.common.errors import Aborted, InvalidArgument
from services.common.vocabulary import TYPE_LABELS
from services.effecteurs import identifiers, repository
from services.effecteurs.csvstream import Record, records_from
from services.effecteurs.fields import check_email, require_text
from services.effecteurs.identifiers import Identifier, IdKind
from services.effecteurs.models import Officine
from services.effecteurs.vocabulary import (
    MIGRATION_ACTOR,
    PROFESSIONAL_TYPES,
    EffecteurKind,
    check_type_matches_identifier,
    kind_for_type,
    parse_type,
    search_text,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

log = structlog.get_logger("effecteurs.import")

COLUMNS = ("officine_finess", "effecteur_identifier", "type", "name", "email")
MAX_LISTED_REJECTIONS = 1000
_ATTEMPTS = 3


@dataclass(frozen=True)
class RejectedRow:
    line: int
    field: str
    reason: str


@dataclass
class ImportReport:
    dry_run: bool
    filename: str = ""
    rows_read: int = 0
    rows_accepted: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)

    def reject(self, line: int, field_name: str, reason: str) -> None:
        self.rows_rejected += 1
        if len(self.rejected) < MAX_LISTED_REJECTIONS:
            self.rejected.append(RejectedRow(line, field_name, reason))


@dataclass(frozen=True)
class _Row:
    line: int
    officine: str
    identifier: Identifier
    type_code: str
    name: str
    email: str


class _Rejected(Exception):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field_name, reason


class _DryRunRollback(Exception):
    """Raised at the end of a dry run to roll its transaction back."""


def parse_identifier(raw: str, type_code: str | None, field_name: str = "effecteur_identifier") -> Identifier:
    """ "rpps:…"/"adeli:…"/"finess:…"/"siret:…", or a bare number (kind by length, see module doc)."""
    text = raw.strip()
    if ":" in text:
        return identifiers.parse_key(text, field_name)
    number = identifiers.normalise(text)
    if len(number) == 11:
        return identifiers.check(IdKind.RPPS, number, field_name)
    if len(number) == 14:
        return identifiers.check(IdKind.SIRET, number, field_name)
    if len(number) == 9:
        if type_code is None:
            raise InvalidArgument.field(
                field_name,
                f"Numéro à 9 caractères « {raw} » : FINESS ou ADELI selon le type, qui est invalide ; "
                "écrivez finess:… ou adeli:….",
            )
        kind = IdKind.ADELI if type_code in PROFESSIONAL_TYPES else IdKind.FINESS
        return identifiers.check(kind, number, field_name)
    raise InvalidArgument.field(
        field_name,
        f"Identifiant « {raw} » non reconnu : 11 chiffres (RPPS), 9 caractères (FINESS ou ADELI), "
        "14 chiffres (SIRET), ou préfixé par rpps:, adeli:, finess:, siret:.",
    )


def _first_violation(error: InvalidArgument, default_field: str) -> _Rejected:
    if error.violations:
        return _Rejected(error.violations[0].field, error.violations[0].description)
    return _Rejected(default_field, error.message)


class AttachmentImporter:
    def __init__(self, db: Database, clock: Clock, *, batch_size: int = 500) -> None:
        self.db, self.clock, self.batch_size = db, clock, batch_size

    async def run(self, chunks: Iterable[bytes], *, dry_run: bool, filename: str = "") -> ImportReport:
        """Imports a CSV file given as chunks of bytes (read incrementally by the caller)."""
        report = ImportReport(dry_run=dry_run, filename=filename)
        records = records_from(chunks)
        positions = self._header(next(records, None))
        log.info("import.started", filename=filename, dry_run=dry_run)
        async with self._transactions(dry_run) as transaction:
            batch: list[Record] = []
            for record in records:
                if record.error:
                    report.rows_read += 0 if record.fatal else 1
                    report.reject(record.line, "", record.error)
                    if record.fatal:
                        break
                    continue
                report.rows_read += 1
                batch.append(record)
                if len(batch) >= self.batch_size:
                    await self._batch(transaction, batch, positions, report)
                    batch = []
            await self._batch(transaction, batch, positions, report)
        log.info(
            "import.finished",
            filename=filename,
            dry_run=dry_run,
            rows_read=report.rows_read,
            rows_accepted=report.rows_accepted,
            rows_unchanged=report.rows_unchanged,
            rows_rejected=report.rows_rejected,
        )
        return report

    @staticmethod
    def _header(record: Record | None) -> dict[str, int]:
        expected = ",".join(COLUMNS)
        if record is None:
            raise InvalidArgument.field("chunk", f"Le fichier est vide : la ligne 1 doit être l'en-tête {expected}.")
        if record.error:
            raise InvalidArgument.field("chunk", record.error)
        names = [name.strip().lower() for name in record.fields]
        missing = [column for column in COLUMNS if column not in names]
        if missing:
            raise InvalidArgument.field(
                "chunk",
                f"Ligne {record.line} : l'en-tête doit être {expected} ; "
                f"colonne(s) manquante(s) : {', '.join(missing)}.",
                reason="BAD_CSV_HEADER",
            )
        return {column: names.index(column) for column in COLUMNS}

    @asynccontextmanager
    async def _transactions(
        self, dry_run: bool
    ) -> AsyncIterator[Callable[[], AbstractAsyncContextManager[AsyncSession]]]:
        """Gives a factory of batch transactions: one each for real, one shared and rolled back for a dry run."""
        if not dry_run:
            yield self.db.write
            return
        try:
            async with self.db.write() as session:
                yield lambda: nullcontext(session)
                raise _DryRunRollback()
        except _DryRunRollback:
            pass

    async def _batch(
        self,
        transaction: Callable[[], AbstractAsyncContextManager[AsyncSession]],
        records: list[Record],
        positions: dict[str, int],
        report: ImportReport,
    ) -> None:
        rows: list[_Row] = []
        refused: list[tuple[int, str, str]] = []
        for record in records:
            try:
                rows.append(self._parse(record, positions))
            except _Rejected as rejected:
                refused.append((record.line, rejected.field, rejected.reason))
        for attempt in range(1, _ATTEMPTS + 1):
            outcome = _BatchOutcome()
            if rows:
                async with transaction() as session:
                    try:
                        await self._apply(session, rows, outcome)
                    except repository.CurrentAttachmentExists:
                        # A user attached one of these effecteurs meanwhile: judge the batch again.
                        log.info("import.batch_retried", attempt=attempt)
                        continue
            report.rows_accepted += outcome.accepted
            report.rows_unchanged += outcome.unchanged
            for line, field_name, reason in sorted(refused + outcome.rejected):  # in line order
                report.reject(line, field_name, reason)
            return
        raise Aborted(
            "L'import a rencontré trop de modifications simultanées : relancez-le.", reason="IMPORT_CONTENDED"
        )

    @staticmethod
    def _parse(record: Record, positions: dict[str, int]) -> _Row:
        def cell(column: str) -> str:
            index = positions[column]
            return record.fields[index].strip() if index < len(record.fields) else ""

        type_code: str | None = None
        errors: dict[str, _Rejected] = {}
        try:
            officine = identifiers.check_finess(cell("officine_finess"), "officine_finess")
        except InvalidArgument as error:
            errors["officine_finess"] = _first_violation(error, "officine_finess")
        try:
            type_code = parse_type(cell("type"), "type")
        except InvalidArgument as error:
            errors["type"] = _first_violation(error, "type")
        raw_identifier = cell("effecteur_identifier")
        ambiguous = ":" not in raw_identifier and len(identifiers.normalise(raw_identifier)) == 9
        if type_code is not None or not ambiguous:  # else the type's own error says it all
            try:
                identifier = parse_identifier(raw_identifier, type_code)
                if type_code is not None:
                    check_type_matches_identifier(type_code, identifier.is_professional, "type")
            except InvalidArgument as error:
                rejected = _first_violation(error, "effecteur_identifier")
                errors.setdefault(rejected.field, rejected)
        try:
            name = require_text(cell("name"), "name", "Le nom")
        except InvalidArgument as error:
            errors["name"] = _first_violation(error, "name")
        try:
            email = check_email(cell("email"), "email")
        except InvalidArgument as error:
            errors["email"] = _first_violation(error, "email")
        for column in COLUMNS:  # report the first column at fault
            if column in errors:
                raise errors[column]
        assert type_code is not None
        return _Row(record.line, officine, identifier, type_code, name, email)

    async def _apply(self, session: AsyncSession, rows: list[_Row], outcome: _BatchOutcome) -> None:
        now = self.clock.now()
        officines = await repository.existing_officines(session, (r.officine for r in rows))
        stored = await repository.effecteur_states(session, (r.identifier.key for r in rows))
        # Updated with the decisions taken earlier in this batch, so that two rows of one effecteur agree.
        state = {key: _EffecteurState(*values) for key, values in stored.items()}
        new_effecteurs: list[dict[str, Any]] = []
        new_attachments: list[dict[str, Any]] = []
        for row in rows:
            try:
                decision = _judge(row, officines.get(row.officine), state.get(row.identifier.key))
            except _Rejected as rejected:
                outcome.rejected.append((row.line, rejected.field, rejected.reason))
                continue
            if decision == "unchanged":
                outcome.unchanged += 1
                continue
            outcome.accepted += 1
            if row.identifier.key not in state:
                new_effecteurs.append(_effecteur_row(row, officines[row.officine], now))
            state[row.identifier.key] = _EffecteurState(kind_for_type(row.type_code).value, row.type_code, row.officine)
            new_attachments.append(
                {
                    "officine_finess": row.officine,
                    "effecteur_key": row.identifier.key,
                    "attach_time": now,
                    "attached_by": MIGRATION_ACTOR,
                }
            )
        await repository.write_import_batch(session, new_effecteurs=new_effecteurs, new_attachments=new_attachments)


@dataclass
class _BatchOutcome:
    accepted: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _EffecteurState:
    kind: str
    type_code: str
    officine: str | None


def _judge(row: _Row, officine: Officine | None, known: _EffecteurState | None) -> str:
    if officine is None:
        raise _Rejected(
            "officine_finess",
            f"L'officine de FINESS {row.officine} n'existe pas : "
            "elle doit être créée avant l'import de ses rattachements.",
        )
    if known is None:
        return "accepted"
    if known.kind == EffecteurKind.OFFICINE.value:
        raise _Rejected(
            "effecteur_identifier",
            f"{row.identifier.key} est une officine : "
            "elle commande pour ses propres besoins et ne peut pas être rattachée.",
        )
    if known.type_code != row.type_code:
        raise _Rejected(
            "type",
            f"L'effecteur {row.identifier.key} est déjà enregistré comme {TYPE_LABELS[known.type_code]}, "
            f"pas comme {TYPE_LABELS[row.type_code]}.",
        )
    if known.officine == row.officine:
        return "unchanged"
    if known.officine is not None:
        raise _Rejected(
            "effecteur_identifier",
            f"L'effecteur {row.identifier.key} est déjà rattaché à une autre officine : il doit d'abord en être "
            "détaché, par cette officine ou par lui-même.",
        )
    return "accepted"


def _effecteur_row(row: _Row, officine: Officine, now: datetime) -> dict[str, Any]:
    return {
        "key": row.identifier.key,
        "identifier_kind": row.identifier.kind.value,
        "identifier": row.identifier.value,
        "kind": kind_for_type(row.type_code).value,
        "type": row.type_code,
        "display_name": row.name,
        "search_name": search_text(row.name),
        "email": row.email,
        "department": officine.department,
        "version": 1,
        "create_time": now,
        "update_time": now,
    }
