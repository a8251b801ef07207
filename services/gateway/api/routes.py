"""The route table of /api/v1: every resource of the five gRPC services.

Paths follow the protos' resource names (sessions/{session}/officines/{finess}/
lines/{line}); custom methods use AIP-136's ':verb' suffix. Summaries are in
French: the API's users are French integrators.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

from services.gateway.api import custom
from services.gateway.api.routing import CSV, ApiRoute
from vaxorders.auth.v1 import auth_service_pb2 as auth
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as eff
from vaxorders.mailer.v1 import mailer_service_pb2 as mail
from vaxorders.orders.v1 import orders_service_pb2 as orders
from vaxorders.sessions.v1 import sessions_service_pb2 as sess

S = "sessions/{session}"
OFF = "sessions/{session}/officines/{finess}"


@dataclass(frozen=True)
class _Backend:
    """Rows for one backend's RPCs: method, path, RPC, summary, tag, then ApiRoute's options."""

    service: str  # attribute of Backends
    module: ModuleType  # its _pb2 module: <Rpc>Request and <Rpc>Response

    def __call__(self, method: str, path: str, rpc: str, summary: str, tag: str, **kw: Any) -> ApiRoute:
        return ApiRoute(
            method=method,
            path=path,
            operation_id=kw.pop("operation_id", rpc),
            summary=summary,
            tag=tag,
            service=self.service,
            rpc=rpc,
            request=getattr(self.module, f"{rpc}Request"),
            response=getattr(self.module, f"{rpc}Response"),
            **kw,
        )


on_sessions = _Backend("sessions", sess)
on_effecteurs = _Backend("effecteurs", eff)
on_orders = _Backend("orders", orders)
on_mailer = _Backend("mailer", mail)


def _sessions() -> list[ApiRoute]:
    t = "Sessions et quotas"
    p = "Produits"
    return [
        on_sessions(
            "GET",
            "/serviceState",
            "GetServiceState",
            "État du service (ouvert, prise en main, maintenance, fermé).",
            t,
            public=True,
        ),
        on_sessions("GET", "/products", "ListProducts", "Catalogue des produits.", p, public=True),
        on_sessions("POST", "/products", "CreateProduct", "Ajoute un produit (opérateurs).", p),
        on_sessions(
            "GET",
            "/products/{product}",
            "GetProduct",
            "Un produit.",
            p,
            names={"name": "products/{product}"},
            public=True,
        ),
        on_sessions(
            "PATCH",
            "/products/{product}",
            "UpdateProduct",
            "Modifie un produit (opérateurs).",
            p,
            names={"product.name": "products/{product}"},
        ),
        on_sessions("GET", "/sessions", "ListSessions", "Sessions de commande, les plus récentes d'abord.", t),
        on_sessions("POST", "/sessions", "CreateSession", "Crée une session de commande (opérateurs).", t),
        on_sessions("GET", "/sessions/{session}", "GetSession", "Une session de commande.", t, names={"name": S}),
        on_sessions(
            "PATCH",
            "/sessions/{session}",
            "UpdateSession",
            "Modifie une session (opérateurs).",
            t,
            names={"session.name": S},
        ),
        on_sessions(
            "DELETE",
            "/sessions/{session}",
            "DeleteSession",
            "Supprime une session pas encore ouverte (opérateurs).",
            t,
            names={"name": S},
        ),
        on_sessions(
            "GET", "/calendarWindows", "ListCalendarWindows", "Périodes de prise en main et de maintenance.", t
        ),
        on_sessions(
            "POST",
            "/calendarWindows",
            "CreateCalendarWindow",
            "Ajoute une période de prise en main ou de maintenance (opérateurs).",
            t,
        ),
        on_sessions(
            "DELETE",
            "/calendarWindows/{window}",
            "DeleteCalendarWindow",
            "Supprime une période (opérateurs).",
            t,
            names={"name": "calendarWindows/{window}"},
        ),
        on_sessions(
            "GET",
            "/sessions/{session}/quotaTables",
            "ListQuotaTables",
            "Versions publiées du tableau des quotas d'une session.",
            t,
            names={"parent": S},
        ),
        on_sessions(
            "POST",
            "/sessions/{session}/quotaTables",
            "PublishQuotaTable",
            "Publie une nouvelle version du tableau des quotas (opérateurs).",
            t,
            names={"parent": S},
        ),
        on_sessions(
            "GET",
            "/sessions/{session}/quotaTables/{version}",
            "GetQuotaTable",
            "Une version du tableau des quotas (« current » : celle en vigueur).",
            t,
            names={"name": S + "/quotaTables/{version}"},
        ),
        on_sessions(
            "POST",
            "/sessions/{session}/quotaTables:importCsv",
            "ImportQuotaTableCsv",
            "Importe un tableau des quotas en CSV (corps text/csv) et le publie, sauf validateOnly (opérateurs).",
            t,
            names={"parent": S},
            request_content=CSV,
            handler=custom.import_csv,
        ),
        on_sessions(
            "GET",
            "/sessions/{session}/quotaTables/{version}:exportCsv",
            "ExportQuotaTableCsv",
            "Exporte une version du tableau des quotas en CSV (format de l'import).",
            t,
            names={"name": S + "/quotaTables/{version}"},
            response_content=CSV,
            handler=custom.export_quota_csv,
        ),
        on_sessions(
            "GET",
            "/sessions/{session}:resolveQuota",
            "ResolveQuota",
            "Règle de quota en vigueur pour un type d'effecteur et un produit.",
            t,
            names={"session": S},
        ),
    ]


def _effecteurs() -> list[ApiRoute]:
    o = "Officines"
    e = "Effecteurs et rattachements"
    return [
        on_effecteurs("GET", "/officines", "ListOfficines", "Officines (opérateurs).", o),
        on_effecteurs("POST", "/officines", "CreateOfficine", "Enregistre une officine (opérateurs).", o),
        on_effecteurs(
            "GET", "/officines/{finess}", "GetOfficine", "Une officine.", o, names={"name": "officines/{finess}"}
        ),
        on_effecteurs(
            "PATCH",
            "/officines/{finess}",
            "UpdateOfficine",
            "Modifie les coordonnées d'une officine.",
            o,
            names={"officine.name": "officines/{finess}"},
        ),
        on_effecteurs("GET", "/effecteurs", "ListEffecteurs", "Effecteurs (opérateurs).", e),
        on_effecteurs(
            "GET",
            "/effecteurs/{effecteur}",
            "GetEffecteur",
            "Un effecteur (« rpps:99700000104 », « finess:759901010 »…).",
            e,
            names={"name": "effecteurs/{effecteur}"},
        ),
        on_effecteurs(
            "PATCH",
            "/effecteurs/{effecteur}",
            "UpdateEffecteur",
            "Modifie le nom ou l'e-mail d'un effecteur.",
            e,
            names={"effecteur.name": "effecteurs/{effecteur}"},
        ),
        on_effecteurs(
            "POST",
            "/identifiers:check",
            "CheckIdentifier",
            "Vérifie un numéro RPPS, ADELI, FINESS ou SIRET sans rien enregistrer.",
            e,
        ),
        on_effecteurs(
            "GET",
            "/officines/{finess}/attachments",
            "ListAttachments",
            "Effecteurs rattachés à une officine (filtres : type, nom, identifiant).",
            e,
            names={"parent": "officines/{finess}"},
        ),
        on_effecteurs(
            "POST",
            "/officines/{finess}/attachments",
            "AttachEffecteur",
            "Rattache un effecteur par son identifiant.",
            e,
            names={"parent": "officines/{finess}"},
        ),
        on_effecteurs(
            "POST",
            "/officines/{finess}/attachments/{attachment}:detach",
            "DetachEffecteur",
            "Détache un effecteur ; le rattachement reste dans l'historique.",
            e,
            names={"name": "officines/{finess}/attachments/{attachment}"},
        ),
        on_effecteurs(
            "GET",
            "/officines/{finess}/attachmentEvents",
            "ListAttachmentEvents",
            "Historique des rattachements d'une officine.",
            e,
            names={"parent": "officines/{finess}"},
            operation_id="ListOfficineAttachmentEvents",
        ),
        on_effecteurs(
            "GET",
            "/effecteurs/{effecteur}/attachment",
            "LookupAttachment",
            "L'officine à laquelle un effecteur est rattaché.",
            e,
            names={"effecteur": "effecteurs/{effecteur}"},
        ),
        on_effecteurs(
            "GET",
            "/effecteurs/{effecteur}/attachmentEvents",
            "ListAttachmentEvents",
            "Historique des rattachements d'un effecteur.",
            e,
            names={"parent": "effecteurs/{effecteur}"},
            operation_id="ListEffecteurAttachmentEvents",
        ),
        ApiRoute(
            method="POST",
            path="/attachments:import",
            operation_id="ImportAttachments",
            summary=(
                "Importe les rattachements de l'ancien portail (corps text/csv ; dryRun pour un essai à blanc) "
                "(opérateurs)."
            ),
            tag=e,
            service="effecteurs",
            rpc="ImportAttachments",
            response=eff.ImportAttachmentsResponse,
            request_content=CSV,
            extra_query={
                "dryRun": "true : rapport sans rien enregistrer",
                "filename": "nom du fichier, pour le rapport",
            },
            handler=custom.import_attachments,
        ),
    ]


def _orders() -> list[ApiRoute]:
    c = "Commandes"
    d = "Demandes des effecteurs"
    return [
        on_orders(
            "GET",
            "/sessions/{session}/officines/{finess}/lines",
            "ListOrderLines",
            "Lignes de commande d'une officine dans une session (« - » : toutes les sessions).",
            c,
            names={"parent": OFF},
        ),
        on_orders(
            "POST",
            "/sessions/{session}/officines/{finess}/lines",
            "CreateOrderLine",
            "Commande des flacons d'un produit pour un effecteur.",
            c,
            names={"parent": OFF},
        ),
        on_orders(
            "GET",
            "/sessions/{session}/officines/{finess}/lines/{line}",
            "GetOrderLine",
            "Une ligne de commande.",
            c,
            names={"name": OFF + "/lines/{line}"},
        ),
        on_orders(
            "PATCH",
            "/sessions/{session}/officines/{finess}/lines/{line}",
            "UpdateOrderLine",
            "Change le nombre de flacons d'une ligne (etag requis).",
            c,
            names={"line.name": OFF + "/lines/{line}"},
        ),
        on_orders(
            "DELETE",
            "/sessions/{session}/officines/{finess}/lines/{line}",
            "DeleteOrderLine",
            "Retire une ligne de commande.",
            c,
            names={"name": OFF + "/lines/{line}"},
        ),
        on_orders(
            "POST",
            "/sessions/{session}/officines/{finess}/lines:batchWrite",
            "BatchWriteOrderLines",
            "Enregistre en une fois jusqu'à 200 créations, modifications et retraits de lignes (une grille) : "
            "chaque écriture est enregistrée ou refusée avec son motif.",
            c,
            names={"parent": OFF},
        ),
        on_orders(
            "GET",
            "/sessions/{session}/officines/{finess}/lines/{line}/changes",
            "ListOrderLineChanges",
            "Historique des modifications d'une ligne.",
            c,
            names={"parent": OFF + "/lines/{line}"},
        ),
        on_orders(
            "GET",
            "/sessions/{session}/officines/{finess}/summary",
            "GetOfficineSummary",
            "Totaux d'une officine dans une session, par effecteur et par produit.",
            c,
            names={"name": OFF},
        ),
        on_orders(
            "GET",
            "/sessions/{session}/officines/{finess}/requests",
            "ListVialRequests",
            "Demandes de flacons adressées à une officine.",
            d,
            names={"parent": OFF},
        ),
        on_orders(
            "POST",
            "/sessions/{session}/officines/{finess}/requests",
            "CreateVialRequest",
            "Un effecteur demande des flacons à son officine.",
            d,
            names={"parent": OFF},
        ),
        on_orders(
            "GET",
            "/sessions/{session}/officines/{finess}/requests/{request}",
            "GetVialRequest",
            "Une demande de flacons.",
            d,
            names={"name": OFF + "/requests/{request}"},
        ),
        on_orders(
            "POST",
            "/sessions/{session}/officines/{finess}/requests/{request}:confirm",
            "ConfirmVialRequest",
            "L'officine confirme une demande (éventuellement une autre quantité, avec un motif).",
            d,
            names={"name": OFF + "/requests/{request}"},
        ),
        on_orders(
            "POST",
            "/sessions/{session}/officines/{finess}/requests/{request}:decline",
            "DeclineVialRequest",
            "L'officine refuse une demande, avec un motif.",
            d,
            names={"name": OFF + "/requests/{request}"},
        ),
        on_orders(
            "POST",
            "/sessions/{session}/officines/{finess}/requests/{request}:cancel",
            "CancelVialRequest",
            "Le demandeur retire sa demande.",
            d,
            names={"name": OFF + "/requests/{request}"},
        ),
        on_orders(
            "GET",
            "/sessions/{session}/orders:export",
            "ExportSessionOrders",
            "Commandes consolidées d'une session close, en CSV (layout : LAYOUT_CONSOLIDATED ou LAYOUT_DETAIL) "
            "(opérateurs).",
            c,
            names={"session": S},
            response_content=CSV,
            handler=custom.export_session_orders,
        ),
        on_orders(
            "GET",
            "/sessions/{session}/totals",
            "GetSessionTotals",
            "Totaux nationaux et par département, en direct (opérateurs).",
            c,
            names={"session": S},
        ),
    ]


def _mailer() -> list[ApiRoute]:
    m = "Messages et support"
    return [
        on_mailer(
            "POST",
            "/supportRequests",
            "CreateSupportRequest",
            "Envoie une question au support (catégorie, rappel téléphonique facultatif) ; la réponse dit quand "
            "le support répondra au plus tard. Au plus 5 demandes par heure et par client (429 au-delà).",
            m,
            public=True,
        ),
        on_mailer(
            "GET",
            "/supportRequests",
            "ListSupportRequests",
            "La file du support, échéance la plus proche d'abord (agents du support) ; mine=true : vos demandes.",
            m,
        ),
        on_mailer(
            "GET",
            "/supportRequests/{request}",
            "GetSupportRequest",
            "Une demande de support et son historique (agents du support, ou son auteur).",
            m,
            names={"name": "supportRequests/{request}"},
        ),
        on_mailer(
            "POST",
            "/supportRequests/{request}:answer",
            "AnswerSupportRequest",
            "Répond par e-mail au demandeur, dans le fil de son accusé de réception (agents du support).",
            m,
            names={"name": "supportRequests/{request}"},
        ),
        on_mailer(
            "POST",
            "/supportRequests/{request}:recordCall",
            "RecordSupportCall",
            "Note un appel téléphonique sur une demande (agents du support).",
            m,
            names={"name": "supportRequests/{request}"},
        ),
        on_mailer(
            "POST",
            "/supportRequests/{request}:close",
            "CloseSupportRequest",
            "Clôt une demande (agents du support).",
            m,
            names={"name": "supportRequests/{request}"},
        ),
        on_mailer("GET", "/messages", "ListMessages", "E-mails envoyés, les plus récents d'abord (opérateurs).", m),
        on_mailer("POST", "/messages", "SendMessage", "Met un e-mail en file d'envoi (opérateurs).", m),
        on_mailer(
            "GET",
            "/messages/{message}",
            "GetMessage",
            "Un e-mail et son état d'envoi.",
            m,
            names={"name": "messages/{message}"},
        ),
    ]


def _after_close() -> list[ApiRoute]:
    """Supply, national allocation, delivery plan, deliveries, Friday confirmations."""
    a = "Allocation et livraisons"
    plan = S + "/deliveryPlan"
    return [
        on_orders(
            "GET",
            "/sessions/{session}/supply",
            "GetSupply",
            "Flacons que SpF peut livrer par produit pour une session (opérateurs).",
            a,
            names={"name": S + "/supply"},
        ),
        on_orders(
            "PUT",
            "/sessions/{session}/supply",
            "UpdateSupply",
            "Enregistre les flacons disponibles des produits envoyés (les autres gardent leur valeur ; etag requis "
            "dès qu'un approvisionnement existe) (opérateurs).",
            a,
            names={"supply.name": S + "/supply"},
        ),
        on_orders(
            "GET",
            "/sessions/{session}:previewAllocation",
            "PreviewAllocation",
            "Ce que publier l'allocation confirmerait, par produit et par département ; rien n'est enregistré "
            "(opérateurs).",
            a,
            names={"session": S},
        ),
        on_orders(
            "POST",
            "/sessions/{session}:publishAllocation",
            "PublishAllocation",
            "Publie l'allocation nationale : chaque ligne reçoit ses flacons confirmés (supplyEtag de l'aperçu requis "
            "; opérateurs).",
            a,
            names={"session": S},
        ),
        on_orders(
            "GET",
            "/sessions/{session}/allocation",
            "GetAllocation",
            "L'allocation publiée d'une session (404 avant sa publication) (opérateurs).",
            a,
            names={"name": S + "/allocation"},
        ),
        on_orders(
            "GET",
            "/sessions/{session}/deliveryPlan",
            "GetDeliveryPlan",
            "Plan de livraison : date par défaut, dates par département et par FINESS (opérateurs).",
            a,
            names={"name": plan},
        ),
        on_orders(
            "POST",
            "/sessions/{session}/deliveryPlan:setDate",
            "SetDeliveryDate",
            "Fixe la date de livraison d'un département ou d'une officine, dans la fenêtre de livraison (opérateurs).",
            a,
            names={"plan": plan},
        ),
        on_orders(
            "POST",
            "/sessions/{session}/deliveryPlan:clearDate",
            "ClearDeliveryDate",
            "Retire la date propre à un département ou à une officine : la date par défaut s'applique (opérateurs).",
            a,
            names={"plan": plan},
        ),
        on_orders(
            "POST",
            "/sessions/{session}/deliveryPlan:importCsv",
            "ImportDeliveryPlanCsv",
            "Remplace les dates du plan par un CSV du logisticien (corps text/csv : finess,departement,date) ; "
            "validateOnly pour vérifier sans rien changer (opérateurs).",
            a,
            names={"plan": plan},
            request_content=CSV,
            handler=custom.import_csv,
        ),
        on_orders(
            "GET",
            "/sessions/{session}/officines/{finess}/deliveries",
            "ListDeliveries",
            "Livraisons confirmées : date prévue et, par effecteur et produit, flacons commandés et confirmés. "
            "« - » pour toutes les sessions ; une officine voit les siennes, un effecteur les siennes avec "
            "effecteur=…, les opérateurs tout (officine « - »).",
            a,
            names={"parent": OFF},
        ),
        on_mailer(
            "POST",
            "/sessions/{session}:sendDeliveryConfirmations",
            "SendDeliveryConfirmations",
            "Envoie les e-mails de confirmation de livraison d'une session dont l'allocation est publiée ; dryRun : "
            "liste les destinataires sans rien envoyer (opérateurs).",
            a,
            names={"session": S},
        ),
        on_mailer(
            "GET",
            "/sessions/{session}/confirmationRuns",
            "ListConfirmationRuns",
            "Envois des confirmations d'une session et leur rapport, les plus récents d'abord (opérateurs).",
            a,
            names={"parent": S},
        ),
    ]


def _auth() -> list[ApiRoute]:
    return [
        ApiRoute(
            method="GET",
            path="/me",
            operation_id="GetMe",
            summary="Qui appelle, et pour quoi il peut agir.",
            tag="Identité",
            service="auth",
            rpc="ValidateToken",
            response=auth.ValidateTokenResponse,
            handler=custom.me,
        ),
    ]


def api_table() -> list[ApiRoute]:
    from services.gateway.api.stock_routes import stock_routes  # noqa: PLC0415 (it builds on this module)

    return [*_auth(), *_sessions(), *_effecteurs(), *_orders(), *_after_close(), *_mailer(), *stock_routes()]
