"""Order entry: one grid per session, a row per effecteur the officine orders
for (itself first), a column per product open that week. Each cell shows its
rule; saving writes only the cells that changed, all in one BatchWriteOrderLines
(one transaction), and reports each refusal in its own cell while keeping what
was typed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import grpc
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.common.timefmt import from_timestamp, to_timestamp
from services.gateway.access import Caller, gateway_of
from services.gateway.pages import common
from services.gateway.pages.forms import ascii_natural
from services.gateway.pages.render import render
from services.gateway.problems import as_problem
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as eff_pb
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb
from vaxorders.type.v1 import effecteur_type_pb2

NOT_OPEN = sess_pb.QUOTA_KIND_NOT_OPEN
CAPPED = sess_pb.QUOTA_KIND_CAPPED
_NOT_A_NUMBER = "Saisissez un nombre entier de flacons (0 ou vide pour ne rien commander)."


@dataclass
class Cell:
    row: common.Row
    product: sess_pb.Product
    rule: sess_pb.QuotaRule
    line: orders_pb.OrderLine | None
    value: str = ""
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    saved: bool = False
    dom_id: str = ""

    @property
    def key(self) -> str:
        return f"{self.row.effecteur}|{self.product.name}"

    @property
    def stored(self) -> str:
        return str(self.line.vials) if self.line is not None else ""

    @property
    def rule_text(self) -> str:
        if self.rule.kind == CAPPED:
            return f"max {self.rule.max_vials}"
        if self.rule.kind == NOT_OPEN:
            return "non ouvert"
        return "illimité"

    @property
    def ordered(self) -> int:
        return self.line.vials if self.line is not None else 0

    @property
    def cap(self) -> int | None:
        """The cap per effecteur, for the page's check before sending (orders enforces it)."""
        return self.rule.max_vials if self.rule.kind == CAPPED else None

    @property
    def disabled(self) -> bool:
        # A line left in a cell closed since (new table) can still be withdrawn.
        return self.rule.kind == NOT_OPEN and self.line is None


@dataclass
class Grid:
    session: sess_pb.Session
    rows: list[common.Row]
    products: list[sess_pb.Product]
    cells: dict[str, Cell]
    table_version: int

    def cell(self, row: common.Row, product: sess_pb.Product) -> Cell:
        return self.cells[f"{row.effecteur}|{product.name}"]

    @property
    def errors(self) -> list[Cell]:
        return [c for c in self.cells.values() if c.error]

    @property
    def warned(self) -> list[Cell]:
        return [c for c in self.cells.values() if c.warnings]

    # Totals of what is stored (the page's script keeps them up to date while typing).
    def row_total(self, row: common.Row) -> int:
        return sum(self.cell(row, p).ordered for p in self.products)

    def column_total(self, product: sess_pb.Product) -> int:
        return sum(self.cell(r, product).ordered for r in self.rows)

    @property
    def grand_total(self) -> int:
        return sum(self.column_total(p) for p in self.products)


async def load_grid(request: Request, finess: str, session: sess_pb.Session, office: eff_pb.Officine) -> Grid:
    gw = gateway_of(request)
    rows = await common.officine_rows(request, office)
    # The rules effective now while the session is open, else at its opening: SessionService
    # folds each product's orderable dates in (NOT_OPEN with a not_open_reason), so this grid,
    # orders and the products page give one answer.
    effective_at = gw.clock.now() if session.state == sess_pb.Session.STATE_OPEN else from_timestamp(session.open_time)
    table = (
        await gw.backends.sessions.GetQuotaTable(
            sess_pb.GetQuotaTableRequest(
                name=f"{session.name}/quotaTables/current", effective_at=to_timestamp(effective_at)
            )
        )
    ).quota_table
    rules: dict[tuple[int, str], sess_pb.QuotaRule] = {(r.effecteur_type, r.product): r for r in table.rules}
    # Columns: the products the table opens that week to at least one type, including those
    # closed for now only by their own dates (shown closed, with the reason).
    shown = {r.product for r in table.rules if r.kind != NOT_OPEN or r.not_open_reason}
    products = [p for p in await common.products(request) if p.name in shown]
    lines = {
        (line.effecteur, line.product): line
        for line in await common.officine_lines(request, f"{session.name}/officines/{finess}")
    }
    cells = {}
    for ri, row in enumerate(rows):
        for pi, product in enumerate(products):
            rule = rules.get((row.type, product.name))
            if rule is None:
                rule = sess_pb.QuotaRule(
                    effecteur_type=effecteur_type_pb2.EffecteurType.Name(row.type), product=product.name, kind=NOT_OPEN
                )
            cell = Cell(row, product, rule, lines.get((row.effecteur, product.name)), dom_id=f"case-{ri}-{pi}")
            cell.value = cell.stored
            cells[cell.key] = cell
    return Grid(session, rows, products, cells, table.version)


def _parse(text: str) -> int | None:
    text = text.strip().replace("\u202f", "").replace(" ", "")
    if text == "":
        return 0
    return ascii_natural(text)


def _write(key: str, vials: int, form: FormData) -> orders_pb.OrderLineWrite:
    """The write a changed cell asks for: create, update or withdraw its line."""
    line_name, etag = str(form.get(f"l|{key}", "")), str(form.get(f"e|{key}", ""))
    effecteur, product = key.split("|", 1)
    if line_name and vials == 0:
        return orders_pb.OrderLineWrite(delete=orders_pb.OrderLine(name=line_name, etag=etag))
    if line_name:
        return orders_pb.OrderLineWrite(update=orders_pb.OrderLine(name=line_name, vials=vials, etag=etag))
    return orders_pb.OrderLineWrite(create=orders_pb.OrderLine(effecteur=effecteur, product=product, vials=vials))


async def order_grid(request: Request, caller: Caller) -> Response:
    finess = request.path_params["finess"]
    office = await common.officine(request, finess)
    session = await common.session_from_query(request)
    context: dict[str, Any] = {
        "title": "Saisir les commandes",
        "office": office,
        "breadcrumb": [("/", "Accueil"), (f"/officines/{finess}", office.display_name), ("", "Saisir les commandes")],
    }
    if session is None:
        return render(request, "officine/grid.html", grid=None, session=None, **context)
    grid = await load_grid(request, finess, session, office)
    if request.method == "POST":
        form = await request.form()
        typed = await _apply(request, finess, grid, form)
        if not any(error or warnings for _, error, warnings, _ in typed.values()):
            saved_count = sum(1 for v in typed.values() if v[3])
            return RedirectResponse(
                f"/officines/{finess}/commande?session={common.session_id(session)}&enregistre={saved_count}",
                status_code=303,
            )
        grid = await load_grid(request, finess, session, office)  # the one reload: refusals to show
        for key, (value, error, warnings, saved) in typed.items():
            cell = grid.cells.get(key)
            if cell is None:
                continue
            cell.error, cell.warnings, cell.saved = error, warnings, saved
            if error:
                cell.value = value  # keep what was typed, next to why it was refused
    notice = ""
    if request.query_params.get("enregistre"):
        count = ascii_natural(request.query_params["enregistre"]) or 0
        notice = f"Commandes enregistrées ({count} case{'s' if count > 1 else ''} modifiée{'s' if count > 1 else ''})."
    return render(
        request,
        "officine/grid.html",
        grid=grid,
        session=session,
        editable=session.state == sess_pb.Session.STATE_OPEN,
        time_left=common.session_time_left(request, session),
        submission=str(uuid.uuid4()),
        notice=notice,
        **context,
    )


async def _apply(
    request: Request, finess: str, grid: Grid, form: FormData
) -> dict[str, tuple[str, str, list[str], bool]]:
    """key -> (typed value, error, warnings, saved) for every cell that changed;
    the changed cells are saved by one BatchWriteOrderLines."""
    parent = f"{grid.session.name}/officines/{finess}"
    try:
        submission = uuid.UUID(str(form.get("submission", "")))
    except ValueError:
        submission = uuid.uuid4()
    outcome: dict[str, tuple[str, str, list[str], bool]] = {}
    sent: list[tuple[str, str]] = []  # (key, typed) of each write, in the request's order
    writes: list[orders_pb.OrderLineWrite] = []
    for key in grid.cells:
        typed = form.get(f"v|{key}")
        if typed is None:
            continue  # disabled inputs are not sent
        typed = str(typed)
        if typed.strip() == str(form.get(f"o|{key}", "")).strip():
            continue
        vials = _parse(typed)
        if vials is None:
            outcome[key] = (typed, _NOT_A_NUMBER, [], False)
            continue
        if vials == 0 and not form.get(f"l|{key}"):
            continue
        sent.append((key, typed))
        writes.append(_write(key, vials, form))
    if not writes:
        return outcome
    # The same form sent twice (a double click, a retry) is the same submission: it runs once.
    request_id = str(uuid.uuid5(submission, "\n".join(w.SerializeToString(deterministic=True).hex() for w in writes)))
    try:
        answer = await gateway_of(request).backends.orders.BatchWriteOrderLines(
            orders_pb.BatchWriteOrderLinesRequest(parent=parent, writes=writes, request_id=request_id)
        )
    except grpc.RpcError as error:
        p = as_problem(error)
        if p.status in (401, 500, 502, 503, 504):
            raise
        for key, typed in sent:  # the whole save refused (window closed...): said on each cell
            outcome[key] = (typed, p.detail, [], False)
        return outcome
    for (key, typed), result in zip(sent, answer.results, strict=True):
        if result.saved:
            outcome[key] = (typed, "", [w.message for w in result.warnings], True)
        else:
            outcome[key] = (typed, result.message, [], False)
    return outcome
