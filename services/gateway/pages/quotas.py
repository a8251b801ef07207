"""The operator's quota table: an editable grid (effecteur types × products)
in the spreadsheet's own cell language, published as a new version; CSV
import (checked first, or published) and export."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import grpc
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.gateway.access import Caller, gateway_of
from services.gateway.api.custom import csv_response
from services.gateway.pages import common, labels, people, quota_changes
from services.gateway.pages.forms import ascii_natural
from services.gateway.pages.render import render
from services.gateway.problems import Problem, as_problem, problem
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb
from vaxorders.type.v1 import effecteur_type_pb2 as type_pb

UNLIMITED, CAPPED, NOT_OPEN = sess_pb.QUOTA_KIND_UNLIMITED, sess_pb.QUOTA_KIND_CAPPED, sess_pb.QUOTA_KIND_NOT_OPEN
_HELP = "Saisissez « illimité », « illimité (alerte N) », « non ouvert » ou un nombre de flacons."
_SOFT = re.compile(r"^illimit[ée]\s*\(\s*alerte\s*:?\s*(\d+)\s*\)$")
# "max 5", "max. 5", "maximum 5": how pharmacists (and the order grid) write a cap.
_MAX_PREFIX = re.compile(r"^max(?:imum|\.)?\s*:?\s*(?=\d)")
_RULE_INDEX = re.compile(r"^rules\[(\d+)\]")


def cell_text(rule: sess_pb.QuotaRule | None) -> str:
    if rule is None:
        return ""
    if rule.kind == CAPPED:
        return str(rule.max_vials)
    if rule.kind == NOT_OPEN:
        return "non ouvert"
    return f"illimité (alerte {rule.soft_threshold})" if rule.soft_threshold else "illimité"


def parse_cell(text: str) -> tuple[sess_pb.QuotaKind, int, int] | None:
    """(kind, max_vials, soft_threshold) of a cell as operators type it, or None."""
    value = " ".join(text.split()).lower()
    if value in ("illimité", "illimite"):
        return UNLIMITED, 0, 0
    if match := _SOFT.match(value):
        soft = ascii_natural(match.group(1))
        return None if soft is None else (UNLIMITED, 0, soft)
    if value.replace("-", " ") == "non ouvert":
        return NOT_OPEN, 0, 0
    if (capped := ascii_natural(_MAX_PREFIX.sub("", value))) is not None:
        return CAPPED, capped, 0
    return None


@dataclass
class QuotaCell:
    type: type_pb.EffecteurType
    product: str
    value: str
    error: str = ""
    dom_id: str = ""

    @property
    def key(self) -> str:
        return f"{self.type}|{self.product}"


async def _context(request: Request) -> tuple[sess_pb.Session | None, sess_pb.QuotaTable | None, list[sess_pb.Product]]:
    gw = gateway_of(request)
    session = await common.session_from_query(request)
    table = None
    if session is not None:
        try:
            table = (
                await gw.backends.sessions.GetQuotaTable(
                    sess_pb.GetQuotaTableRequest(name=f"{session.name}/quotaTables/current")
                )
            ).quota_table
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
    products = [p for p in await common.products(request, include_inactive=True) if p.active]
    return session, table, products


async def quota_page(
    request: Request,
    caller: Caller,
    *,
    cells: dict[str, QuotaCell] | None = None,
    error: Problem | None = None,
    import_error: Problem | None = None,
    status: int = 200,
    wrong: list[QuotaCell] | None = None,
) -> Response:
    gw = gateway_of(request)
    session, table, products = await _context(request)
    if cells is None:
        rules: dict[tuple[int, str], sess_pb.QuotaRule] = {
            (r.effecteur_type, r.product): r for r in (table.rules if table else [])
        }
        cells = {
            f"{t}|{p.name}": QuotaCell(t, p.name, cell_text(rules.get((t, p.name))))
            for t, _ in labels.orderable_types()
            for p in products
        }
    versions: Sequence[sess_pb.QuotaTable] = []
    if session is not None:
        versions = (
            await gw.backends.sessions.ListQuotaTables(
                sess_pb.ListQuotaTablesRequest(parent=session.name, page_size=20)
            )
        ).quota_tables
    sessions: Sequence[sess_pb.Session] = (
        await gw.backends.sessions.ListSessions(sess_pb.ListSessionsRequest(page_size=50))
    ).sessions
    publishers = [table.published_by] if table else []
    return render(
        request,
        "operator/quotas.html",
        status=status,
        title="Tableau des quotas",
        session=session,
        sessions=sessions,
        table=table,
        products=products,
        types=labels.orderable_types(),
        cells=cells,
        versions=versions,
        who=await people.who(request, caller, publishers + [v.published_by for v in versions]),
        error=error,
        wrong=wrong or [],
        type_names=dict(labels.orderable_types()),
        product_names={p.name: p.display_name for p in products},
        import_error=import_error,
        request_id=str(uuid.uuid4()),
        notice=_notice(request),
    )


def _notice(request: Request) -> str:
    q = request.query_params
    if q.get("publie"):
        return f"Tableau des quotas publié : version {q['publie']}, en vigueur dès maintenant."
    if q.get("verifie"):
        return "Le fichier est valide : rien n'a été publié."
    return ""


async def operator_quotas(request: Request, caller: Caller) -> Response:
    return await quota_page(request, caller)


async def publish(request: Request, caller: Caller) -> Response:
    session, _, products = await _context(request)
    if session is None:
        raise problem(404, "NOT_FOUND")
    form = await request.form()
    cells: dict[str, QuotaCell] = {}
    rules: list[sess_pb.QuotaRule] = []
    order: list[str] = []
    for pi, p in enumerate(products):
        column = [
            QuotaCell(t, p.name, str(form.get(f"q|{t}|{p.name}", "")).strip(), dom_id=f"quota-{t}-{pi}")
            for t, _ in labels.orderable_types()
        ]
        cells.update((c.key, c) for c in column)
        if not any(c.value for c in column):
            continue  # a wholly empty column leaves the product out of the table
        for cell in column:
            parsed = parse_cell(cell.value)
            if parsed is None:
                cell.error = _HELP
                continue
            kind, cap, soft = parsed
            rules.append(
                sess_pb.QuotaRule(
                    effecteur_type=cell.type, product=p.name, kind=kind, max_vials=cap, soft_threshold=soft
                )
            )
            order.append(cell.key)
    wrong = [c for c in cells.values() if c.error]
    if wrong:
        n = len(wrong)
        verb = "ne sont pas comprises" if n > 1 else "n'est pas comprise"
        message = f"{n} case{'s' if n > 1 else ''} {verb} : rien n'a été publié."
        return await quota_page(
            request, caller, cells=cells, error=problem(400, "INVALID_ARGUMENT", message), status=400, wrong=wrong
        )
    if form.get("confirme") != "1":
        # A summary of what changes, and a confirmation, before a version goes live.
        return await _confirm(request, session, products, cells, str(form.get("request_id", "")))
    try:
        reply = await gateway_of(request).backends.sessions.PublishQuotaTable(
            sess_pb.PublishQuotaTableRequest(
                parent=session.name, rules=rules, request_id=str(form.get("request_id", ""))
            )
        )
    except grpc.RpcError as exc:
        error = as_problem(exc)
        if error.status in (401, 404, 500, 502, 503, 504):
            raise
        for item in error.errors:
            if (match := _RULE_INDEX.match(item["field"])) and int(match.group(1)) < len(order):
                cells[order[int(match.group(1))]].error = item["detail"]
        return await quota_page(request, caller, cells=cells, error=error, status=error.status)
    sid = common.session_id(session)
    return RedirectResponse(f"/operateur/quotas?session={sid}&publie={reply.quota_table.version}", status_code=303)


def _normalised(text: str) -> str:
    """A cell as the table will keep it ("max 5" and "5" are the same rule)."""
    parsed = parse_cell(text) if text else None
    if parsed is None:
        return ""
    kind, cap, soft = parsed
    return cell_text(sess_pb.QuotaRule(kind=kind, max_vials=cap, soft_threshold=soft))


async def _confirm(
    request: Request,
    session: sess_pb.Session,
    products: list[sess_pb.Product],
    cells: dict[str, QuotaCell],
    request_id: str,
) -> Response:
    _, table, _ = await _context(request)
    current = {(r.effecteur_type, r.product): cell_text(r) for r in (table.rules if table else [])}
    types = dict(labels.orderable_types())
    names = {p.name: p.display_name for p in products}
    changed = [
        quota_changes.Change(
            types[c.type], names[c.product], current.get((c.type, c.product), ""), _normalised(c.value)
        )
        for c in cells.values()
        if current.get((c.type, c.product), "") != _normalised(c.value)
    ]
    return quota_changes.confirm_page(
        request,
        session,
        changed,
        {f"q|{c.type}|{c.product}": c.value for c in cells.values()},
        request_id,
        version=table.version if table else 0,
    )


async def import_csv(request: Request, caller: Caller) -> Response:
    session, _, _ = await _context(request)
    if session is None:
        raise problem(404, "NOT_FOUND")
    form = await request.form(max_part_size=gateway_of(request).settings.max_upload_bytes)
    upload = form.get("fichier")
    validate_only = form.get("validate_only") == "on"
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    try:
        if not data:
            message = "Choisissez un fichier CSV."
            raise problem(400, "INVALID_ARGUMENT", message, errors=[{"field": "csv", "detail": message}])
        reply = await gateway_of(request).backends.sessions.ImportQuotaTableCsv(
            sess_pb.ImportQuotaTableCsvRequest(
                parent=session.name, csv=data, validate_only=validate_only, request_id=str(form.get("request_id", ""))
            )
        )
    except (grpc.RpcError, Problem) as exc:
        error = as_problem(exc)
        if error.status in (401, 404, 500, 502, 503, 504):
            raise
        return await quota_page(request, caller, import_error=error, status=error.status)
    sid = common.session_id(session)
    suffix = "verifie=1" if validate_only else f"publie={reply.quota_table.version}"
    return RedirectResponse(f"/operateur/quotas?session={sid}&{suffix}", status_code=303)


async def export_csv(request: Request, caller: Caller) -> Response:
    sid = request.path_params["session"]
    version = request.query_params.get("version", "current")
    reply = await gateway_of(request).backends.sessions.ExportQuotaTableCsv(
        sess_pb.ExportQuotaTableCsvRequest(name=f"sessions/{sid}/quotaTables/{version}")
    )
    return csv_response(reply.csv, f"quotas-{sid}-{version}.csv")
