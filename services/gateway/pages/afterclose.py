"""What the operator's pages after a session's close share (supply,
allocation, delivery plan, confirmations): the four steps in order, the
session they concern, officines' names instead of FINESS, and turning a
backend refusal into an in-page message. People's names: pages/people.py."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

import grpc
from starlette.requests import Request

from services.gateway.access import gateway_of
from services.gateway.pages import common
from services.gateway.problems import Problem, as_problem, problem
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as eff_pb
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb

T = TypeVar("T")


@dataclass(frozen=True)
class Step:
    number: int
    slug: str
    title: str
    hint: str


STEPS = (
    Step(
        1, "approvisionnement", "Approvisionnement", "Les flacons que Santé publique France peut livrer, par produit."
    ),
    Step(2, "allocation", "Allocation nationale", "Aperçu des volumes confirmés, puis publication."),
    Step(
        3, "livraisons", "Plan de livraison", "La date de livraison de chaque officine, dans la fenêtre de livraison."
    ),
    Step(
        4, "confirmations", "E-mails de confirmation", "Essai à blanc, puis envoi aux officines et aux professionnels."
    ),
)


def step_context(session: sess_pb.Session, slug: str) -> dict[str, Any]:
    current = next(s for s in STEPS if s.slug == slug)
    following = next((s for s in STEPS if s.number == current.number + 1), None)
    return {
        "steps": STEPS,
        "step": current,
        "next_step": following,
        "sid": common.session_id(session),
        "session": session,
        "breadcrumb": [
            ("/operateur", "Opérateur"),
            ("/operateur/livraisons", "Allocation et livraisons"),
            ("", f"{session.label} — {current.title.lower()}"),
        ],
    }


async def closed_session(request: Request) -> sess_pb.Session:
    """The session of the path ("/operateur/sessions/{session}/…"); 404 for an unknown one."""
    sid = request.path_params["session"]
    if not sid or "/" in sid:
        raise problem(404, "NOT_FOUND")
    return await common.get_session(request, f"sessions/{sid}")


def is_closed(session: sess_pb.Session) -> bool:
    return session.state == sess_pb.Session.STATE_CLOSED


async def officine_names(request: Request, finesses: list[str]) -> dict[str, str]:
    """FINESS -> officine name (BatchGetOfficines, 1000 at a time)."""
    wanted = sorted({f for f in finesses if f})
    names: dict[str, str] = {}
    for start in range(0, len(wanted), 1000):
        reply = await gateway_of(request).backends.effecteurs.BatchGetOfficines(
            eff_pb.BatchGetOfficinesRequest(names=[f"officines/{f}" for f in wanted[start : start + 1000]])
        )
        names.update({o.finess or o.name.removeprefix("officines/"): o.display_name for o in reply.officines})
    return names


async def found_or_none(call: Awaitable[T]) -> T | None:
    """The reply, or None when the backend says NOT_FOUND (nothing published yet...)."""
    try:
        return await call
    except grpc.aio.AioRpcError as error:
        if error.code() == grpc.StatusCode.NOT_FOUND:
            return None
        raise


def user_error(exc: Exception) -> Problem:
    """A refusal to show in the page (400, 403, 409...); anything else goes to the error page."""
    error = as_problem(exc)
    if error.status in (401, 404, 500, 501, 502, 503, 504):
        raise exc
    return error


def day_after(value: str) -> str:
    """'2022-03-18' -> '2022-03-19' (appointments from the day after the delivery)."""
    if not value:
        return ""
    return (date.fromisoformat(value) + timedelta(days=1)).isoformat()


async def product_names(request: Request) -> dict[str, str]:
    return {p.name: p.display_name for p in await common.products(request, include_inactive=True)}
