"""Step 3 after a session's close: the delivery plan. The window's first day
by default; a date per département or per officine (FINESS), set in a form
(date inputs limited to the window) or by the logistics partner's CSV,
checked first (per-line errors), then applied."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import grpc
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.gateway.access import Caller, gateway_of
from services.gateway.pages import afterclose, common, people
from services.gateway.pages.forms import by_last_segment
from services.gateway.pages.render import render
from services.gateway.problems import Problem, problem
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb

_DONE = {
    "date": "Date de livraison enregistrée.",
    "retiree": "Date retirée : la date par défaut s'applique.",
    "import": "Plan de livraison importé.",
}
_CHOOSE_FILE = "Choisissez un fichier CSV."
_TARGET = "Indiquez un département ou un FINESS."


def _plan_name(request: Request) -> str:
    return f"sessions/{request.path_params['session']}/deliveryPlan"


async def _deliveries(request: Request, session_name: str) -> list[orders_pb.Delivery]:
    return await common.all_pages(
        gateway_of(request).backends.orders.ListDeliveries,
        orders_pb.ListDeliveriesRequest(parent=f"{session_name}/officines/-"),
        "deliveries",
        1000,
    )


async def plan_page(
    request: Request,
    caller: Caller,
    *,
    values: dict[str, str] | None = None,
    error: Problem | None = None,
    import_error: Problem | None = None,
    checked: orders_pb.DeliveryPlan | None = None,
    checked_csv: str = "",
    status: int = 200,
) -> Response:
    gw = gateway_of(request)
    session = await afterclose.closed_session(request)
    plan = (
        await gw.backends.orders.GetDeliveryPlan(orders_pb.GetDeliveryPlanRequest(name=_plan_name(request)))
    ).delivery_plan
    deliveries = await _deliveries(request, session.name) if afterclose.is_closed(session) else []
    finesses = [o.finess for o in plan.overrides if o.finess]
    if checked is not None:
        finesses += [o.finess for o in checked.overrides if o.finess]
    officines = await afterclose.officine_names(request, finesses)
    per_date = sorted(Counter(d.delivery_date for d in deliveries).items())
    return render(
        request,
        "operator/delivery_plan.html",
        status=status,
        title=f"Plan de livraison — {session.label}",
        **afterclose.step_context(session, "livraisons"),
        closed=afterclose.is_closed(session),
        plan=plan,
        officines=officines,
        who=await people.who(request, caller, [o.update_by for o in plan.overrides]),
        per_date=per_date,
        delivered=len(deliveries),
        values=values or {"department": "", "finess": "", "date": "", "target": "department"},
        error=error,
        field_errors=by_last_segment(error),
        import_error=import_error,
        checked=checked,
        checked_csv=checked_csv,
        request_id=str(uuid.uuid4()),
        notice=_DONE.get(request.query_params.get("fait", ""), ""),
    )


async def operator_plan(request: Request, caller: Caller) -> Response:
    return await plan_page(request, caller)


def _back(request: Request, done: str) -> Response:
    return RedirectResponse(
        f"/operateur/sessions/{request.path_params['session']}/livraisons?fait={done}", status_code=303
    )


async def set_date(request: Request, caller: Caller) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in ("target", "department", "finess", "date")}
    override = orders_pb.DeliveryDateOverride(date=values["date"])
    try:
        if values["target"] == "finess":
            override.finess = values["finess"]
        else:
            override.department = values["department"].upper()
        if not (override.finess or override.department):
            field = "finess" if values["target"] == "finess" else "department"
            raise problem(400, "INVALID_ARGUMENT", _TARGET, errors=[{"field": f"override.{field}", "detail": _TARGET}])
        await gateway_of(request).backends.orders.SetDeliveryDate(
            orders_pb.SetDeliveryDateRequest(
                plan=_plan_name(request), override=override, request_id=str(form.get("request_id", ""))
            )
        )
    except (grpc.RpcError, Problem) as exc:
        error = afterclose.user_error(exc)
        return await plan_page(request, caller, values=values, error=error, status=error.status)
    return _back(request, "date")


async def clear_date(request: Request, caller: Caller) -> Response:
    form = await request.form()
    await gateway_of(request).backends.orders.ClearDeliveryDate(
        orders_pb.ClearDeliveryDateRequest(
            plan=_plan_name(request),
            department=str(form.get("department", "")),
            finess=str(form.get("finess", "")),
            request_id=str(form.get("request_id", "")) or str(uuid.uuid4()),
        )
    )
    return _back(request, "retiree")


async def _uploaded(form: Any) -> bytes:
    """The file chosen, or the checked file carried by the "apply" form."""
    upload = form.get("fichier")
    if isinstance(upload, UploadFile):
        data = await upload.read()
        if data:
            return data
    return str(form.get("csv_text", "")).encode()


async def import_csv(request: Request, caller: Caller) -> Response:
    """Checking (validate_only) shows the plan the file would give, and a button to apply it."""
    async with request.form(max_part_size=gateway_of(request).settings.max_upload_bytes) as form:
        apply = form.get("apply") == "1"
        request_id = str(form.get("request_id", ""))
        data = await _uploaded(form)  # read before the form (and its temporary files) is closed
    try:
        if not data.strip():
            raise problem(400, "INVALID_ARGUMENT", _CHOOSE_FILE, errors=[{"field": "csv", "detail": _CHOOSE_FILE}])
        reply = await gateway_of(request).backends.orders.ImportDeliveryPlanCsv(
            orders_pb.ImportDeliveryPlanCsvRequest(
                plan=_plan_name(request), csv=data, validate_only=not apply, request_id=request_id
            )
        )
    except (grpc.RpcError, Problem) as exc:
        error = afterclose.user_error(exc)
        return await plan_page(request, caller, import_error=error, status=error.status)
    if apply:
        return _back(request, "import")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = ""
    return await plan_page(request, caller, checked=reply.delivery_plan, checked_csv=text)
