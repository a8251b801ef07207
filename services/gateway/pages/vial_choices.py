"""What an effecteur may ask its officine for in a session: the products the
quota table in force opens to its type, each with its rule, what is already
ordered for it and what remains under a cap; the others with the reason they
are closed. SessionService decides what is orderable (GetQuotaTable with
effective_at); this module only reads its answer."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from services.common.timefmt import from_timestamp, to_timestamp
from services.gateway.access import gateway_of
from services.gateway.pages import common
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb

NOT_OPEN = sess_pb.QUOTA_KIND_NOT_OPEN
CAPPED = sess_pb.QUOTA_KIND_CAPPED


@dataclass(frozen=True)
class Choice:
    product: str  # "products/moderna"
    display_name: str
    rule: str  # "au plus 5 flacons par session" / "sans plafond"
    ordered: int  # vials already ordered for this effecteur in the session, all officines
    remaining: int | None  # under the cap; None when there is none

    @property
    def label(self) -> str:
        if self.remaining is None:
            return f"{self.display_name} — {self.rule}"
        return f"{self.display_name} — {self.rule}, reste {self.remaining}"


@dataclass(frozen=True)
class Closed:
    display_name: str
    reason: str


def _vials(n: int) -> str:
    return f"{n} flacon" if n in (0, 1) else f"{n} flacons"


async def choices(
    request: Request,
    session: sess_pb.Session,
    effecteur_type: int,
    products: list[sess_pb.Product],
    lines: list[orders_pb.OrderLine],
) -> tuple[list[Choice], list[Closed]]:
    gw = gateway_of(request)
    now = gw.clock.now()
    opening = from_timestamp(session.open_time)
    table = (
        await gw.backends.sessions.GetQuotaTable(
            sess_pb.GetQuotaTableRequest(
                name=f"{session.name}/quotaTables/current", effective_at=to_timestamp(max(now, opening))
            )
        )
    ).quota_table
    rules = {r.product: r for r in table.rules if r.effecteur_type == effecteur_type}
    ordered: dict[str, int] = {}
    for line in lines:
        if line.name.startswith(session.name + "/"):
            ordered[line.product] = ordered.get(line.product, 0) + line.vials
    open_, closed = [], []
    for product in products:
        rule = rules.get(product.name)
        if rule is None or rule.kind == NOT_OPEN:
            if rule is None:
                reason = "pas au tableau des quotas de cette session"
            else:
                reason = rule.not_open_reason or "non ouvert à votre type"
            closed.append(Closed(product.display_name, reason))
            continue
        done = ordered.get(product.name, 0)
        if rule.kind == CAPPED:
            open_.append(
                Choice(
                    product.name,
                    product.display_name,
                    f"au plus {_vials(rule.max_vials)} par session",
                    done,
                    max(rule.max_vials - done, 0),
                )
            )
        else:
            open_.append(Choice(product.name, product.display_name, "sans plafond", done, None))
    return open_, closed


async def standing(
    request: Request,
    session: sess_pb.Session,
    rows: list[common.Row],
    lines: list[orders_pb.OrderLine],
) -> dict[tuple[str, str], str]:
    """(effecteur, product) -> what the officine should know before deciding a request:
    "Déjà commandé pour cet effecteur : 4 flacons ; plafond 10, reste 6." """
    gw = gateway_of(request)
    now = gw.clock.now()
    table = (
        await gw.backends.sessions.GetQuotaTable(
            sess_pb.GetQuotaTableRequest(
                name=f"{session.name}/quotaTables/current",
                effective_at=to_timestamp(max(now, from_timestamp(session.open_time))),
            )
        )
    ).quota_table
    types = {row.effecteur: row.type for row in rows}
    rules = {(r.effecteur_type, r.product): r for r in table.rules}
    ordered: dict[tuple[str, str], int] = {}
    for line in lines:
        ordered[(line.effecteur, line.product)] = ordered.get((line.effecteur, line.product), 0) + line.vials
    out: dict[tuple[str, str], str] = {}
    for effecteur, effecteur_type in types.items():
        for (rule_type, product), rule in rules.items():
            if rule_type != effecteur_type:
                continue
            done = ordered.get((effecteur, product), 0)
            text = f"Déjà commandé pour cet effecteur : {_vials(done)}"
            if rule.kind == CAPPED:
                text += f" ; plafond {_vials(rule.max_vials)}, reste {_vials(max(rule.max_vials - done, 0))}."
            elif rule.kind == NOT_OPEN:
                text += " ; produit non ouvert à ce type d'effecteur."
            else:
                text += " ; sans plafond."
            out[(effecteur, product)] = text
    return out
