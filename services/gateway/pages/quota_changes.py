"""Before a quota table goes live: what changes against the version in force,
and a confirmation (the typed table travels in hidden fields, so nothing is
typed twice). Publishing itself stays in quotas.py."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from services.gateway.pages import common
from services.gateway.pages.render import render
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb


@dataclass(frozen=True)
class Change:
    type_label: str
    product_label: str
    before: str  # "" when the product was not in the table
    after: str  # "" when the column is left empty (the product leaves the table)


def confirm_page(
    request: Request,
    session: sess_pb.Session,
    changes: list[Change],
    fields: dict[str, str],
    request_id: str,
    *,
    version: int,
) -> Response:
    return render(
        request,
        "operator/quotas_confirm.html",
        title="Confirmer la publication du tableau des quotas",
        session=session,
        session_id=common.session_id(session),
        changes=changes,
        fields=fields,
        request_id=request_id,
        version=version,
    )
