"""Every SQL statement of order lines, the quota ledger and the audit trail.

Core statements on the tables (no ORM identity map): a row read here is what
the database holds at that statement, which the conditional writes rely on.
Synchronous, for the hot path's `Database.run_write`/`run_read` work (one thread
hand-off per transaction on SQLite); an ORM caller runs them through
`AsyncSession.run_sync`, so each statement has one home.
Vial requests, totals and exports are in repository_requests.py and
repository_reports.py.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, func, insert, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from services.common.context import Principal
from services.common.db import Executor, SyncExecutor, dialect_name, table_of
from services.common.statements import CursorStatement, RowsStatement, numbered, numbered_values
from services.orders.models import AnyRow, Change, OrderLine, QuotaUsage

LINES = table_of(OrderLine)
USAGE = table_of(QuotaUsage)
CHANGES = table_of(Change)


def ordered(session: Executor | SyncExecutor, column: Any) -> Any:
    """Sort by code point on every backend, so lists and exports come out in the
    same order on SQLite (BINARY) and PostgreSQL (whose default collation would
    ignore punctuation)."""
    return column.collate("C") if dialect_name(session) == "postgresql" else column


def _dialect(s: Executor | SyncExecutor) -> Any:
    return postgresql if dialect_name(s) == "postgresql" else sqlite


# -- quota ledger ----------------------------------------------------------------

_USAGE_KEY = [USAGE.c.session_id, USAGE.c.effecteur, USAGE.c.product]
_LINE_KEY = [LINES.c.session_id, LINES.c.finess, LINES.c.effecteur, LINES.c.product]
_USAGE_ROW = (
    USAGE.c.session_id == bindparam("u_session"),
    USAGE.c.effecteur == bindparam("u_effecteur"),
    USAGE.c.product == bindparam("u_product"),
)
_LOWER_USAGE = CursorStatement(
    update(USAGE).where(*_USAGE_ROW).values(vials=USAGE.c.vials + bindparam("u_delta")).returning(USAGE.c.vials)
)


def _raise_usage(capped: bool) -> CursorStatement:
    def build(dialect: Any) -> Any:
        statement = dialect.insert(USAGE).values(
            session_id=bindparam("u_session"),
            effecteur=bindparam("u_effecteur"),
            product=bindparam("u_product"),
            vials=bindparam("u_delta"),
        )
        return statement.on_conflict_do_update(
            index_elements=_USAGE_KEY,
            set_={"vials": USAGE.c.vials + bindparam("u_delta")},
            where=(USAGE.c.vials + bindparam("u_delta") <= bindparam("u_cap")) if capped else None,
        ).returning(USAGE.c.vials)

    return CursorStatement(build=build)


_RAISE_CAPPED, _RAISE_UNCAPPED = _raise_usage(True), _raise_usage(False)
_USAGE = CursorStatement(select(USAGE.c.vials).where(*_USAGE_ROW))


def change_usage(
    s: SyncExecutor, session_id: str, effecteur: str, product: str, delta: int, cap: int | None
) -> int | None:
    """Add `delta` vials to the effecteur's total, only if it stays within `cap`
    (a decrease always passes). One conditional upsert: the check and the write
    are one statement on a row locked for it, so no interleaving of writers can
    slip past the cap (PostgreSQL re-checks the WHERE on the latest row version;
    SQLite has a single writer). Returns the new total, or None when refused."""
    row = {"u_session": session_id, "u_effecteur": effecteur, "u_product": product, "u_delta": delta}
    if delta <= 0:  # the row exists (it counts the line being lowered); CHECK forbids a negative insert
        lowered_total: int = _LOWER_USAGE.one(s, row)[0]
        return lowered_total
    if cap is None:
        total: int | None = _RAISE_UNCAPPED.scalar(s, row)
        return total
    if delta > cap:
        return None
    total = _RAISE_CAPPED.scalar(s, row | {"u_cap": cap})
    return total


def usage(s: SyncExecutor, session_id: str, effecteur: str, product: str) -> int:
    value = _USAGE.scalar(s, {"u_session": session_id, "u_effecteur": effecteur, "u_product": product})
    return value or 0


def _raise_usages(dialect: Any, keys: tuple[str, ...], n: int) -> Any:
    """`_raise_usage(capped=True)` for `n` rows: each row's cap picked by its key (a CASE over
    the rows), no cap where it is NULL."""
    rows = numbered_values(USAGE, ("effecteur", "product", "vials"), n)
    caps = [bindparam(numbered("cap", i), type_=USAGE.c.vials.type) for i in range(n)]
    statement = dialect.insert(USAGE).values([{"session_id": bindparam("u_session"), **row} for row in rows])
    excluded = statement.excluded
    raised = USAGE.c.vials + excluded.vials
    cap = case(
        *(
            (and_(excluded.effecteur == row["effecteur"], excluded.product == row["product"]), caps[i])
            for i, row in enumerate(rows)
        )
    )
    return statement.on_conflict_do_update(
        index_elements=_USAGE_KEY, set_={"vials": raised}, where=raised <= func.coalesce(cap, raised)
    ).returning(USAGE.c.effecteur, USAGE.c.product, USAGE.c.vials)


_RAISE_USAGES = RowsStatement(_raise_usages)


def raise_usages(
    s: SyncExecutor, session_id: str, raises: Sequence[tuple[str, str, int, int | None]]
) -> dict[tuple[str, str], int]:
    """`change_usage` of several (effecteur, product, delta > 0, cap) of one session in one
    statement, each within its own cap, rows touched in the order given (sorted by the caller,
    as every writer of the ledger does): the new totals by (effecteur, product), absent for a
    raise refused by its cap."""
    rows = [
        {"effecteur": e, "product": p, "vials": delta, "cap": cap}
        for e, p, delta, cap in raises
        if cap is None or delta <= cap
    ]
    return {(row.effecteur, row.product): row.vials for row in _RAISE_USAGES.all(s, rows, {"u_session": session_id})}


# -- order lines -------------------------------------------------------------------

_GET_LINE = CursorStatement(select(LINES).where(LINES.c.id == bindparam("l_id")))
_FIND_LINE = CursorStatement(select(LINES).where(*(column == bindparam(f"l_{column.name}") for column in _LINE_KEY)))
_INSERT_LINE = CursorStatement(
    build=lambda dialect: dialect.insert(LINES).on_conflict_do_nothing(index_elements=_LINE_KEY).returning(LINES)
)


def get_line(s: SyncExecutor, line_id: str) -> AnyRow | None:
    row: AnyRow | None = _GET_LINE.first(s, {"l_id": line_id})
    return row


def find_line(s: SyncExecutor, session_id: str, finess: str, effecteur: str, product: str) -> AnyRow | None:
    key = {"l_session_id": session_id, "l_finess": finess, "l_effecteur": effecteur, "l_product": product}
    row: AnyRow | None = _FIND_LINE.first(s, key)
    return row


def insert_line(s: SyncExecutor, /, **values: Any) -> AnyRow | None:
    """A new line, or None when the (session, officine, effecteur, product) line
    already exists (the unique constraint decides, also between concurrent twins)."""
    row: AnyRow | None = _INSERT_LINE.first(s, values)
    return row


_INSERT_LINES = RowsStatement(
    lambda dialect, keys, n: (
        dialect.insert(LINES)
        .values(numbered_values(LINES, keys, n))
        .on_conflict_do_nothing(index_elements=_LINE_KEY)
        .returning(LINES)
    )
)


def insert_lines(s: SyncExecutor, lines: Sequence[dict[str, Any]]) -> dict[tuple[str, str], AnyRow]:
    """`insert_line` of several lines of one officine and session in one statement: the new
    rows by (effecteur, product), absent for a line that already existed."""
    if not lines:
        return {}
    return {(row.effecteur, row.product): row for row in _INSERT_LINES.all(s, lines)}


_SET_VIALS = CursorStatement(
    update(LINES)
    .where(LINES.c.id == bindparam("l_id"), LINES.c.etag == bindparam("l_etag"))
    .values(
        vials=bindparam("l_vials"),
        # What came from requests cannot exceed what the line now holds.
        vials_from_requests=case(
            (LINES.c.vials_from_requests > bindparam("l_vials"), bindparam("l_vials")),
            else_=LINES.c.vials_from_requests,
        ),
        etag=bindparam("l_new_etag"),
        updated_by=bindparam("l_actor"),
        update_time=bindparam("l_now", type_=LINES.c.update_time.type),
    )
    .returning(LINES)
)


def set_line_vials(
    s: SyncExecutor, line_id: str, etag: str, vials: int, *, new_etag: str, actor: str, now: datetime
) -> AnyRow | None:
    """Set the quantity if the line still carries `etag`; None when it changed meanwhile."""
    values = {"l_id": line_id, "l_etag": etag, "l_vials": vials, "l_new_etag": new_etag, "l_actor": actor, "l_now": now}
    row: AnyRow | None = _SET_VIALS.first(s, values)
    return row


# What a confirmation sets on an existing line (the rest of the new line is only for a missing one).
_ADDED_TO = ("etag", "updated_by", "update_time", "department", "doses_per_unit")


def _add_to_line(dialect: Any) -> Any:
    statement = dialect.insert(LINES)
    return statement.on_conflict_do_update(
        index_elements=_LINE_KEY,
        set_={
            "vials": LINES.c.vials + bindparam("l_added"),
            "vials_from_requests": LINES.c.vials_from_requests + bindparam("l_added"),
            **{column: statement.excluded[column] for column in _ADDED_TO},
        },
    ).returning(LINES)


_ADD_TO_LINE = CursorStatement(build=_add_to_line)


def add_to_line(s: SyncExecutor, added: int, **new_line: Any) -> AnyRow:
    """Add confirmed vials to the line, creating it (from `new_line`) when missing;
    one upsert. The cap was enforced on the ledger just before."""
    row: AnyRow = _ADD_TO_LINE.one(s, new_line | {"l_added": added})
    return row


_DELETE_LINE = delete(LINES).where(LINES.c.id == bindparam("l_id"))
_DELETE_ANY_LINE = CursorStatement(_DELETE_LINE)
_DELETE_LINE_AT = CursorStatement(_DELETE_LINE.where(LINES.c.etag == bindparam("l_etag")))


def delete_line(s: SyncExecutor, line_id: str, etag: str) -> bool:
    if etag:
        return _DELETE_LINE_AT.rowcount(s, {"l_id": line_id, "l_etag": etag}) == 1
    return _DELETE_ANY_LINE.rowcount(s, {"l_id": line_id}) == 1


def line_scope(
    finess: str | None, session_id: str | None, effecteur: str | None, product: str | None = None
) -> list[ColumnElement[bool]]:
    """The lines of an officine, a session, an effecteur, a product: None is any."""
    condition: list[ColumnElement[bool]] = []
    if finess is not None:
        condition.append(LINES.c.finess == finess)
    if session_id is not None:
        condition.append(LINES.c.session_id == session_id)
    if effecteur is not None:
        condition.append(LINES.c.effecteur == effecteur)
    if product is not None:
        condition.append(LINES.c.product == product)
    return condition


def after_in_session(s: Executor | SyncExecutor, a_session: str, then: ColumnElement[bool]) -> ColumnElement[bool]:
    """Keyset page condition for lines listed by session, newest first: an older
    session, or the same one and `then` (the rest of the key is past the last row)."""
    return or_(ordered(s, LINES.c.session_id) < a_session, and_(LINES.c.session_id == a_session, then))


def list_lines(
    s: SyncExecutor,
    *,
    finess: str | None,
    session_id: str | None,
    effecteur: str | None,
    product: str | None,
    after: Sequence[str] | None,
    limit: int,
) -> list[AnyRow]:
    """By session (newest first), then officine, effecteur, product: a total order
    (the unique key), so keyset pages never skip or repeat a line."""
    scope = {"l_finess": finess, "l_session_id": session_id, "l_effecteur": effecteur, "l_product": product}
    given = tuple(sorted(name for name, value in scope.items() if value is not None))
    params: dict[str, Any] = {name: scope[name] for name in given} | {"l_limit": limit}
    if after is not None:
        params |= dict(zip(("a_session", "a_finess", "a_effecteur", "a_product"), after, strict=True))
    return _list_lines(dialect_name(s), given, after is not None).all(s, params)


@functools.cache
def _list_lines(dialect: str, given: tuple[str, ...], paged: bool) -> CursorStatement:
    """The listing for one combination of filters, built once (services.common.statements)."""

    def order(column: Any) -> Any:
        return column.collate("C") if dialect == "postgresql" else column

    condition = [LINES.c[name.removeprefix("l_")] == bindparam(name) for name in given]
    if paged:
        rest = tuple_(order(LINES.c.finess), order(LINES.c.effecteur), order(LINES.c.product))
        then = rest > tuple_(bindparam("a_finess"), bindparam("a_effecteur"), bindparam("a_product"))
        a_session: Any = bindparam("a_session")
        condition.append(or_(order(LINES.c.session_id) < a_session, and_(LINES.c.session_id == a_session, then)))
    return CursorStatement(
        select(LINES)
        .where(*condition)
        .order_by(
            order(LINES.c.session_id).desc(),
            order(LINES.c.finess),
            order(LINES.c.effecteur),
            order(LINES.c.product),
        )
        .limit(bindparam("l_limit"))
    )


# -- audit trail ---------------------------------------------------------------------


@dataclass(frozen=True)
class Audit:
    """The audit rows of one write: who made it, when, under which request_id."""

    actor: str
    now: datetime
    request_id: str = ""
    # Made while PSC was unreachable, under the outage grace (docs/psc-outage.md).
    psc_grace: bool = False

    @classmethod
    def by(cls, principal: Principal, now: datetime, request_id: str = "") -> Audit:
        return cls(principal.national_id, now, request_id, psc_grace=principal.under_psc_grace)

    def change(
        self,
        subject: str,
        action: str,
        before: int,
        after: int,
        *,
        finess: str = "",
        effecteur: str = "",
        note: str = "",
    ) -> dict[str, Any]:
        """One row of the audit trail of `subject` (a line, a request, the supply...)."""
        return {
            "subject": subject,
            "finess": finess,
            "effecteur": effecteur,
            "actor": self.actor,
            "change_time": self.now,
            "action": action,
            "vials_before": before,
            "vials_after": after,
            "request_id": self.request_id,
            "note": note,
            "psc_grace": self.psc_grace,
        }


_ADD_CHANGES = RowsStatement(lambda _dialect, keys, n: insert(CHANGES).values(numbered_values(CHANGES, keys, n)))


def add_changes(s: SyncExecutor, *changes: dict[str, Any]) -> None:
    """The audit rows of one write, in one statement."""
    if changes:
        _ADD_CHANGES.run(s, changes)


def list_changes(s: SyncExecutor, subject: str, after_id: int | None, limit: int) -> list[AnyRow]:
    condition = [CHANGES.c.subject == subject]
    if after_id is not None:
        condition.append(CHANGES.c.id > after_id)
    statement = select(CHANGES).where(*condition).order_by(CHANGES.c.id).limit(limit)
    return list((s.execute(statement)).all())


def change_owner(s: SyncExecutor, subject: str) -> AnyRow | None:
    """Officine and effecteur of a subject that has changes (lines stay auditable after deletion)."""
    return (
        s.execute(select(CHANGES.c.finess, CHANGES.c.effecteur).where(CHANGES.c.subject == subject).limit(1))
    ).first()


_OFFICINE_SESSION_LINES = CursorStatement(
    select(LINES).where(LINES.c.finess == bindparam("l_finess"), LINES.c.session_id == bindparam("l_session_id"))
)


def officine_session_lines(s: SyncExecutor, session_id: str, finess: str) -> list[AnyRow]:
    """Every line of one officine in one session (a grid's worth), in one statement."""
    return _OFFICINE_SESSION_LINES.all(s, {"l_finess": finess, "l_session_id": session_id})
