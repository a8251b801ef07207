"""A grid save: creates, updates and withdrawals of one officine's lines in one
session, in one transaction, each write saved or refused on its own.

The same rules as the single-line writes (lines.py), read once per submission:
the window, the catalogue, the quota table and each effecteur's attachment
(OrderRules.orderings) before the transaction, the officine's lines once inside
it. Synchronous SQLAlchemy Core in one `Database.run_write` transaction (one
thread hand-off on SQLite, no ORM session); the request_id is claimed in that
transaction (services.common.idempotency.run_once_sync), looked up before it
only when a check refuses the whole call. A refused write changes nothing: the ledger refuses without writing, and a
write that loses a race after moving the ledger moves it back in the same
transaction. Ledger rows are touched in (effecteur, product) order, so two
concurrent saves of the same officine cannot deadlock on PostgreSQL; the creates that
follow one another in that order are written together (one statement for their ledger
rows, one for their lines, one for the audit), where each cost three round trips.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from services.common.context import Principal
from services.common.errors import Aborted, DomainError, InvalidArgument, Violations
from services.orders import access, errors, names
from services.orders import repository as repo
from services.orders.lines import LINE, STALE, collect, line_exists, line_view, new_line
from services.orders.models import AnyRow
from services.orders.service import Ordering, OrderRules, add_to_usage, quota_refusal, usage_warnings
from services.orders.views import BatchOutcome, CellOutcome, Notice

MAX_WRITES = 200
OPERATION = "BatchWriteOrderLines"
CREATE, UPDATE, DELETE = "create", "update", "delete"


@dataclass(frozen=True)
class LineWrite:
    """One write of a batch: `kind` is create (effecteur, product, vials), update
    (name, etag, vials) or delete (name, etag); empty when the caller sent none."""

    kind: str
    name: str = ""
    etag: str = ""
    effecteur: str = ""
    product: str = ""
    vials: int = 0


def _refused(error: DomainError) -> CellOutcome:
    return CellOutcome(False, reason=error.reason, message=error.message)


class BatchLineService:
    def __init__(self, rules: OrderRules) -> None:
        self.rules = rules

    async def write(self, principal: Principal, parent: str, writes: list[LineWrite], request_id: str) -> BatchOutcome:
        rules = self.rules
        v = Violations()
        order = collect(v, names.parse_officine_order, parent, "parent")
        request_id = collect(v, rules.check_request_id, request_id) or ""
        if not writes:
            v.add("writes", "Aucune ligne à enregistrer : modifiez au moins une case.")
        if len(writes) > MAX_WRITES:
            v.add(
                "writes",
                f"Au plus {MAX_WRITES} lignes par enregistrement ({len(writes)} envoyées) : "
                "enregistrez-les en plusieurs fois.",
            )
        v.raise_if_any()
        assert order is not None
        access.require_officine_writer(principal, order.finess, "Officine")
        payload = {"parent": parent, "writes": [asdict(w) for w in writes]}
        try:
            window = await rules.open_window(order.session_id)
            early = _checked(rules, order, writes)
            # Only a write that may raise a quantity needs the attachment and the rule: a create,
            # or an update above what its line holds (the lines read for it, when there is one).
            pairs = [(w.effecteur, w.product) for i, w in enumerate(writes) if w.kind == CREATE and i not in early]
            updates = [w for i, w in enumerate(writes) if w.kind == UPDATE and i not in early]
            if updates:
                rows = await rules.db.run_read(lambda c: repo.officine_session_lines(c, window.id, order.finess))
                seen = {row.id: row for row in rows}
                for w in updates:
                    row = seen.get(_line_id(w))
                    if row is not None and w.vials > row.vials:
                        pairs.append((row.effecteur, row.product))
            orderings = await rules.orderings(window, order.finess, pairs)
        except DomainError as refusal:
            # A retry is answered by the write transaction (its key claimed first); only when
            # the window closed (or maintenance began) since the first call is it looked up here.
            return await rules.retried(principal, request_id, OPERATION, payload, BatchOutcome.load, refusal)

        def work(s: Connection, now: datetime) -> BatchOutcome:
            rules.still_open(window, now)
            cells = _Cells(s, rules, orderings, repo.Audit.by(principal, now, request_id), now)
            cells.load(window.id, order.finess)
            results: list[CellOutcome | None] = [None] * len(writes)
            for i in sorted(range(len(writes)), key=lambda i: (cells.key_of(writes[i]), i)):
                if i in early:
                    results[i] = _refused(early[i])
                    continue
                try:
                    results[i] = cells.apply(i, writes[i], results)
                except DomainError as refusal:
                    results[i] = _refused(refusal)
            cells.flush(results)
            cells.record()
            return BatchOutcome([r for r in results if r is not None])

        return await rules.write_sync(principal, request_id, OPERATION, payload, work, BatchOutcome.load)


def _line_id(write: LineWrite) -> str:
    try:
        return names.parse_line(write.name).id
    except InvalidArgument:
        return ""


def _checked(rules: OrderRules, order: names.OfficineOrder, writes: list[LineWrite]) -> dict[int, DomainError]:
    """The writes refused on their values alone (index -> refusal), each checked
    as its single-line RPC checks it; a second write on the same line is refused."""
    early: dict[int, DomainError] = {}
    targets: set[tuple[str, ...]] = set()
    for i, w in enumerate(writes):
        v = Violations()
        at = f"writes[{i}].{w.kind}"
        target: tuple[str, ...] = ()
        if w.kind == CREATE:
            collect(v, names.check_effecteur, w.effecteur, f"{at}.effecteur")
            collect(v, names.check_product, w.product, f"{at}.product")
            collect(v, rules.check_vials, w.vials, f"{at}.vials")
            target = (w.effecteur, w.product)
        elif w.kind in (UPDATE, DELETE):
            ref = collect(v, names.parse_line, w.name, f"{at}.name")
            if w.kind == UPDATE:
                collect(v, rules.check_vials, w.vials, f"{at}.vials")
                if not w.etag:
                    v.add(f"{at}.etag", "Renvoyez l'etag de la ligne lue, pour ne pas écraser la saisie d'un collègue.")
            if ref is not None and ref.parent != order:
                early[i] = errors.not_found(LINE)  # a line of another officine or session: as if absent
                continue
            target = (w.name,)
        else:
            v.add(f"writes[{i}]", "Indiquez s'il faut créer, modifier ou retirer la ligne.")
        try:
            v.raise_if_any()
        except InvalidArgument as error:
            early[i] = error
            continue
        if target in targets:
            early[i] = InvalidArgument.field(
                f"writes[{i}]", "Cette ligne est déjà modifiée par une autre case du même enregistrement."
            )
        targets.add(target)
    return early


class _Cells:
    """The writes of one batch inside its transaction, on the officine's lines as
    read there; the audit rows are inserted together at the end."""

    def __init__(
        self,
        s: Connection,
        rules: OrderRules,
        orderings: dict[tuple[str, str], Ordering | DomainError],
        audit: repo.Audit,
        now: datetime,
    ) -> None:
        self.s, self.rules, self.orderings, self.audit, self.now = s, rules, orderings, audit, now
        self.by_id: dict[str, AnyRow] = {}
        self.by_key: dict[tuple[str, str], AnyRow] = {}
        self.changes: list[dict[str, Any]] = []
        self.creates: list[tuple[int, LineWrite, Ordering]] = []  # checked, not yet written (flush)

    def load(self, session_id: str, finess: str) -> None:
        self.session_id, self.finess = session_id, finess
        for row in repo.officine_session_lines(self.s, session_id, finess):
            self.by_id[row.id] = row
            self.by_key[(row.effecteur, row.product)] = row

    def key_of(self, write: LineWrite) -> tuple[str, str]:
        if write.kind == CREATE:
            return (write.effecteur, write.product)
        row = self.by_id.get(_line_id(write))
        return (row.effecteur, row.product) if row is not None else ("", "")

    def _ordering(self, effecteur: str, product: str) -> Ordering:
        found = self.orderings.get((effecteur, product))
        if found is None:  # the line appeared after the read that chose what to look up
            raise Aborted(STALE)
        if isinstance(found, DomainError):
            raise found
        return found

    def apply(self, i: int, write: LineWrite, results: list[CellOutcome | None]) -> CellOutcome | None:
        """The outcome of a write, or None for a create, whose outcome `flush` gives."""
        if write.kind == CREATE:
            self._create(i, write)
            return None
        # The creates before it in key order first: ledger rows stay touched in key order.
        self.flush(results)
        row = self.by_id.get(_line_id(write))
        if row is None:
            raise errors.not_found(LINE)
        if write.etag and row.etag != write.etag:
            raise Aborted(STALE, metadata={"etag": row.etag})
        if write.kind == UPDATE:
            return self._update(row, write.vials)
        return self._delete(row, write.name)

    def _create(self, i: int, write: LineWrite) -> None:
        """A create checked, then kept for `flush`: the creates that follow one another in key
        order are written together, three statements for all of them (ledger, lines, audit)."""
        existing = self.by_key.get((write.effecteur, write.product))
        if existing is not None:
            raise line_exists(existing)
        ordering = self._ordering(write.effecteur, write.product)
        if ordering.cap is not None and write.vials > ordering.cap:
            raise quota_refusal(self.s, ordering, write.effecteur, write.vials, None)
        self.creates.append((i, write, ordering))

    def flush(self, results: list[CellOutcome | None]) -> None:
        """Write the creates kept so far, and put their outcomes in `results`: the ledger raised
        for all in one statement (each within its cap), then their lines in one statement. A
        raise the cap refuses, or a line a twin inserted since the read, is refused alone (the
        twin's vials given back), as CreateOrderLine would refuse it."""
        creates, self.creates = self.creates, []
        if not creates:
            return
        raises = [(w.effecteur, w.product, w.vials, ordering.cap) for _, w, ordering in creates]
        totals = repo.raise_usages(self.s, self.session_id, raises)
        raised = [(i, w, ordering) for i, w, ordering in creates if (w.effecteur, w.product) in totals]
        for i, w, ordering in creates:
            if (w.effecteur, w.product) not in totals:
                results[i] = _refused(quota_refusal(self.s, ordering, w.effecteur, w.vials, None))
        actor = self.audit.actor
        lines = [
            new_line(ordering, self.finess, w.effecteur, w.vials, actor, self.now) | {"vials_from_requests": 0}
            for _, w, ordering in raised
        ]
        inserted = repo.insert_lines(self.s, lines)
        for i, w, ordering in raised:
            row = inserted.get((w.effecteur, w.product))
            if row is None:  # a twin committed since the read
                repo.change_usage(self.s, self.session_id, w.effecteur, w.product, -w.vials, None)
                twin = repo.find_line(self.s, self.session_id, self.finess, w.effecteur, w.product)
                assert twin is not None
                results[i] = _refused(line_exists(twin))
                continue
            self._track(row)
            self._change(row, "CREATE", 0, w.vials)
            warnings = usage_warnings(ordering, w.vials, totals[(w.effecteur, w.product)])
            results[i] = CellOutcome(True, line_view(row), warnings)

    def _update(self, row: AnyRow, vials: int) -> CellOutcome:
        delta = vials - row.vials
        if delta == 0:
            return CellOutcome(True, line_view(row))
        warnings: list[Notice] = []
        if delta > 0:
            ordering = self._ordering(row.effecteur, row.product)
            _, warnings = add_to_usage(self.s, ordering, row.effecteur, delta, row.vials)
        else:
            repo.change_usage(self.s, row.session_id, row.effecteur, row.product, delta, None)
        updated = repo.set_line_vials(
            self.s, row.id, row.etag, vials, new_etag=names.new_etag(), actor=self.audit.actor, now=self.now
        )
        if updated is None:  # changed since the read (a confirmed request): undo the ledger move
            repo.change_usage(self.s, row.session_id, row.effecteur, row.product, -delta, None)
            raise Aborted(STALE)
        self._track(updated)
        self._change(updated, "UPDATE", row.vials, vials)
        return CellOutcome(True, line_view(updated), warnings)

    def _delete(self, row: AnyRow, name: str) -> CellOutcome:
        repo.change_usage(self.s, row.session_id, row.effecteur, row.product, -row.vials, None)
        if not repo.delete_line(self.s, row.id, row.etag):
            repo.change_usage(self.s, row.session_id, row.effecteur, row.product, row.vials, None)
            raise Aborted(STALE)
        del self.by_id[row.id]
        self.by_key.pop((row.effecteur, row.product), None)
        self._change(row, "DELETE", row.vials, 0)
        return CellOutcome(True)

    def _track(self, row: AnyRow) -> None:
        self.by_id[row.id] = row
        self.by_key[(row.effecteur, row.product)] = row

    def _change(self, row: AnyRow, action: str, before: int, after: int) -> None:
        self.changes.append(
            self.audit.change(line_view(row).name, action, before, after, finess=row.finess, effecteur=row.effecteur)
        )

    def record(self) -> None:
        if self.changes:
            repo.add_changes(self.s, *self.changes)
