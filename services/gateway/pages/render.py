"""Rendering a page: the template environment (French filters), the
navigation for the caller's roles, and the page-route wrapper that finds the
caller, sends anonymous visitors to the login, and checks CSRF."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from google.protobuf.timestamp_pb2 import Timestamp
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from services.common.timefmt import clock, from_timestamp, paris_clock, paris_date, paris_long, paris_short
from services.gateway.access import Caller, check_csrf, finish, gateway_of, identify
from services.gateway.pages import labels
from services.gateway.pages.psc_outage import outage_notice
from services.gateway.pages.waiting import waiting_requests
from services.gateway.problems import problem

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

PageHandler = Callable[[Request, Caller], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def _when(value: Timestamp | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Timestamp):
        if not value.seconds and not value.nanos:
            return ""
        value = from_timestamp(value)
    return paris_long(value)


def _short(value: Timestamp | datetime | None) -> str:
    """'08/03/2022 23 h 00' (Paris): the time written as everywhere else (paris_long, e-mails)."""
    if isinstance(value, Timestamp):
        if not value.seconds and not value.nanos:
            return ""
        value = from_timestamp(value)
    if value is None:
        return ""
    return paris_short(value)


def _day(value: str | date) -> str:
    if not value:
        return ""
    return paris_date(date.fromisoformat(value) if isinstance(value, str) else value)


def _day_month(value: str | date) -> str:
    """'samedi 19 mars' (the year goes without saying next to a full date)."""
    full = _day(value)
    return full.rsplit(" ", 1)[0] if full else ""


def _number(value: int | str) -> str:
    """12 345 with a narrow no-break space, as French writes numbers."""
    return f"{int(value):,}".replace(",", "\u202f")


def _hour_minute(value: Timestamp | datetime | None) -> str:
    """'8 h 05' (Paris), the time of day alone, written as paris_long writes it."""
    if isinstance(value, Timestamp):
        value = from_timestamp(value) if value.seconds or value.nanos else None
    if value is None:
        return ""
    return paris_clock(value)


def _decimal(value: float) -> str:
    """12.5 -> '12,5' (one decimal, French comma)."""
    return f"{value:.1f}".replace(".", ",")


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.filters.update(
        when=_when,
        short=_short,
        day=_day,
        daymonth=_day_month,
        number=_number,
        hm=_hour_minute,
        decimal=_decimal,
        effecteur_type=labels.effecteur_type,
        effecteur_type_short=labels.effecteur_type_short,
        identifier_kind=labels.identifier_kind,
        department=labels.department,
        quoted=lambda s: quote(str(s), safe=""),
    )
    env.globals.update(labels=labels, clock=clock)
    return templates


NavItem = tuple[str, str, int]


def navigation(caller: Caller | None, waiting: Mapping[str, int] | None = None) -> list[NavItem]:
    """The menu: (address, text, count waiting for the user there; 0 shows none).
    `waiting` is the requests awaiting each officine's decision, by FINESS."""
    waiting = waiting or {}
    principal = caller.principal if caller else None
    if principal is None:
        return [("/", "Accueil", 0), ("/aide", "Aide", 0), ("/contact", "Contact", 0)]
    items: list[NavItem] = []
    if "OFFICINE" in principal.roles:
        for officine in principal.officines:
            finess = officine.removeprefix("officines/")
            items += [
                (f"/officines/{finess}", "Tableau de bord", 0),
                (f"/officines/{finess}/commande", "Saisir les commandes", 0),
                (f"/officines/{finess}/demandes", "Demandes à confirmer", waiting.get(finess, 0)),
                (f"/officines/{finess}/effecteurs", "Effecteurs rattachés", 0),
                (f"/officines/{finess}/commandes", "Commandes et historique", 0),
                (f"/officines/{finess}/stock", "Stock et réceptions", 0),
            ]
    # An operator is a professional too (EFFECTEUR for their own record), rarely one the
    # service knows: their menu is the operator's, /effecteur stays reachable by its address.
    if "EFFECTEUR" in principal.roles and "OPERATOR" not in principal.roles:
        items.append(("/effecteur", "Mon espace effecteur", 0))
    if "OPERATOR" in principal.roles:
        items += [
            ("/operateur", "Sessions et calendrier", 0),
            ("/operateur/produits", "Produits", 0),
            ("/operateur/quotas", "Tableau des quotas", 0),
            ("/operateur/pilotage", "Pilotage en direct", 0),
            ("/operateur/totaux", "Totaux nationaux", 0),
            ("/operateur/livraisons", "Allocation et livraisons", 0),
            ("/operateur/stock", "Stocks après livraison", 0),
        ]
    if "SUPPORT" in principal.roles:
        items.append(("/support", "File du support", 0))
    items.append(("/aide", "Aide", 0))
    return items


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> Response:
    gw = gateway_of(request)
    caller: Caller | None = getattr(request.state, "caller", None)
    context.update(
        caller=caller,
        principal=caller.principal if caller else None,
        csrf_token=caller.csrf_token if caller else "",
        nav=navigation(caller, getattr(request.state, "waiting_requests", None)),
        current_path=request.url.path,
        psc_outage=outage_notice(gw, caller),
    )
    response = gw.templates.TemplateResponse(request, template, context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return finish(request, response)


def login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/auth/login?next={quote(target, safe='')}", status_code=303)


def page(handler: PageHandler, *, login: bool = True, role: str | None = None) -> Endpoint:
    async def run(request: Request) -> Response:
        caller = await identify(request, allow_bearer=False)
        if login and not caller.authenticated:
            if request.method == "GET":
                return login_redirect(request)
            raise problem(401, "UNAUTHENTICATED")
        if role is not None and not caller.has_role(role):
            raise problem(403, "ROLE_REQUIRED", "Cette page est réservée à un autre profil d'utilisateur.")
        await check_csrf(request, caller)
        if request.method == "GET":
            request.state.waiting_requests = await waiting_requests(request, caller)
        return await handler(request, caller)

    run.__name__ = handler.__name__
    return run
