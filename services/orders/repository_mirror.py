"""SQL of the attachment mirror (attachment_mirror.py): two small tables, upserts that
never step back (a row only takes a newer feed event than the one it is at)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select

from services.common.db import SyncExecutor, table_of
from services.common.statements import CursorStatement
from services.orders.models import AnyRow, MirroredAttachment, MirroredOfficine
from services.orders.repository import _dialect

ATTACHMENTS = table_of(MirroredAttachment)
OFFICINES = table_of(MirroredOfficine)


@dataclass(frozen=True)
class Change:
    """One event of effecteurs' feed, as the mirror keeps it."""

    id: int
    effecteur: str  # "effecteurs/rpps:..."
    type: str  # "MEDECIN"
    display_name: str
    officine: str | None  # FINESS it is attached to after the event; None: nowhere
    changed_officine: str  # FINESS the event is about
    department: str  # of changed_officine


def position(s: SyncExecutor) -> int:
    """The last feed event applied (0: empty mirror, catch up from the start)."""
    return int((s.execute(select(func.coalesce(func.max(ATTACHMENTS.c.event_id), 0)))).scalar_one())


def apply(s: SyncExecutor, changes: Sequence[Change]) -> None:
    """Apply a page of changes, oldest first. Replaying one already applied, or a page another
    replica applied meanwhile, changes nothing: a row never goes back to an older event."""
    latest: dict[str, Change] = {}
    departments: dict[str, Change] = {}
    for change in changes:  # the last change per key wins: one row each per statement
        latest[change.effecteur] = change
        departments[change.changed_officine] = change
    dialect = _dialect(s)
    if latest:
        statement = dialect.insert(ATTACHMENTS)
        s.execute(
            statement.on_conflict_do_update(
                index_elements=[ATTACHMENTS.c.effecteur],
                set_={
                    "type": statement.excluded.type,
                    "display_name": statement.excluded.display_name,
                    "officine": statement.excluded.officine,
                    "event_id": statement.excluded.event_id,
                },
                where=ATTACHMENTS.c.event_id < statement.excluded.event_id,
            ),
            [
                {
                    "effecteur": c.effecteur,
                    "type": c.type,
                    "display_name": c.display_name,
                    "officine": c.officine,
                    "event_id": c.id,
                }
                for c in latest.values()
            ],
        )
    if departments:
        statement = dialect.insert(OFFICINES)
        s.execute(
            statement.on_conflict_do_update(
                index_elements=[OFFICINES.c.finess],
                set_={"department": statement.excluded.department, "event_id": statement.excluded.event_id},
                where=OFFICINES.c.event_id < statement.excluded.event_id,
            ),
            [{"finess": f, "department": c.department, "event_id": c.id} for f, c in departments.items()],
        )


# Read on every write that raises a quantity: built once (services.common.statements); one
# effecteur (a vial request, a line) by equality, which runs on SQLite's cursor
# (services.common.statements); a grid's several by an expanding IN, through SQLAlchemy.
_ATTACHMENT = CursorStatement(select(ATTACHMENTS).where(ATTACHMENTS.c.effecteur == bindparam("m_effecteur")))
_ATTACHMENTS = select(ATTACHMENTS).where(ATTACHMENTS.c.effecteur.in_(bindparam("m_effecteurs", expanding=True)))
_DEPARTMENT = CursorStatement(select(OFFICINES.c.department).where(OFFICINES.c.finess == bindparam("m_finess")))


def attachments(s: SyncExecutor, effecteurs: Sequence[str]) -> dict[str, AnyRow]:
    """The mirrored rows of these effecteurs, by name (one indexed read; absent: never attached)."""
    if len(effecteurs) == 1:
        rows = _ATTACHMENT.all(s, {"m_effecteur": effecteurs[0]})
    else:
        rows = list(s.execute(_ATTACHMENTS, {"m_effecteurs": list(effecteurs)}))
    return {row.effecteur: row for row in rows}


def department(s: SyncExecutor, finess: str) -> str | None:
    value: str | None = _DEPARTMENT.scalar(s, {"m_finess": finess})
    return value
