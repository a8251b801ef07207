"""The route table of /api/v1: every resource of the five gRPC services.

Paths follow the protos' resource names (sessions/{session}/officines/{finess}/
lines/{line}); custom methods use AIP-136's ':verb' suffix. Summaries are in
French: the API's users are French integrators.
"""

from __future__ import annotations

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


def _rpc(
    method: str, path: str, service: str, rpc: str, module: ModuleType, summary: str, tag: str, **kw: Any
) -> ApiRoute:
    return ApiRoute(
        method=method,
        path=path,
        operation_id=kw.pop("operation_id", rpc),
        summary=summary,
        tag=tag,
        service=service,
        rpc=rpc,
        request=getattr(module, f"{rpc}Request"),
        response=getattr(module, f"{rpc}Response"),
        **kw,
    )


def _sessions() -> list[ApiRoute]:
    t = "Sessions et quotas"
    p = "Produits"
    return [
        _rpc(
            "GET",
            "/serviceState",
            "sessions",
            "GetServiceState",
            sess,
            "État du service (ouvert, prise en main, maintenance, fermé).",
            t,
            public=True,
        ),
        _rpc("GET", "/products", "sessions", "ListProducts", sess, "Catalogue des produits.", p, public=True),
        _rpc("POST", "/products", "sessions", "CreateProduct", sess, "Ajoute un produit (opérateurs).", p),
        _rpc(
            "GET",
            "/products/{product}",
            "sessions",
            "GetProduct",
            sess,
            "Un produit.",
            p,
            names={"name": "products/{product}"},
            public=True,
        ),
        _rpc(
            "PATCH",
            "/products/{product}",
            "sessions",
            "UpdateProduct",
            sess,
            "Modifie un produit (opérateurs).",
            p,
            names={"product.name": "products/{product}"},
        ),
        _rpc(
            "GET", "/sessions", "sessions", "ListSessions", sess, "Sessions de commande, les plus récentes d'abord.", t
        ),
        _rpc("POST", "/sessions", "sessions", "CreateSession", sess, "Crée une session de commande (opérateurs).", t),
        _rpc(
            "GET",
            "/sessions/{session}",
            "sessions",
            "GetSession",
            sess,
            "Une session de commande.",
            t,
            names={"name": S},
        ),
        _rpc(
            "PATCH",
            "/sessions/{session}",
            "sessions",
            "UpdateSession",
            sess,
            "Modifie une session (opérateurs).",
            t,
            names={"session.name": S},
        ),
        _rpc(
            "DELETE",
            "/sessions/{session}",
            "sessions",
            "DeleteSession",
            sess,
            "Supprime une session pas encore ouverte (opérateurs).",
            t,
            names={"name": S},
        ),
        _rpc(
            "GET",
            "/calendarWindows",
            "sessions",
            "ListCalendarWindows",
            sess,
            "Périodes de prise en main et de maintenance.",
            t,
        ),
        _rpc(
            "POST",
            "/calendarWindows",
            "sessions",
            "CreateCalendarWindow",
            sess,
            "Ajoute une période de prise en main ou de maintenance (opérateurs).",
            t,
        ),
        _rpc(
            "DELETE",
            "/calendarWindows/{window}",
            "sessions",
            "DeleteCalendarWindow",
            sess,
            "Supprime une période (opérateurs).",
            t,
            names={"name": "calendarWindows/{window}"},
        ),
        _rpc(
            "GET",
            "/sessions/{session}/quotaTables",
            "sessions",
            "ListQuotaTables",
            sess,
            "Versions publiées du tableau des quotas d'une session.",
            t,
            names={"parent": S},
        ),
        _rpc(
            "POST",
            "/sessions/{session}/quotaTables",
            "sessions",
            "PublishQuotaTable",
            sess,
            "Publie une nouvelle version du tableau des quotas (opérateurs).",
            t,
            names={"parent": S},
        ),
        _rpc(
            "GET",
            "/sessions/{session}/quotaTables/{version}",
            "sessions",
            "GetQuotaTable",
            sess,
            "Une version du tableau des quotas (« current » : celle en vigueur).",
            t,
            names={"name": S + "/quotaTables/{version}"},
        ),
        _rpc(
            "POST",
            "/sessions/{session}/quotaTables:importCsv",
            "sessions",
            "ImportQuotaTableCsv",
            sess,
            "Importe un tableau des quotas en CSV (corps text/csv) et le publie, sauf validateOnly (opérateurs).",
            t,
            names={"parent": S},
            request_content=CSV,
            handler=custom.import_csv,
        ),
        _rpc(
            "GET",
            "/sessions/{session}/quotaTables/{version}:exportCsv",
            "sessions",
            "ExportQuotaTableCsv",
            sess,
            "Exporte une version du tableau des quotas en CSV (format de l'import).",
            t,
            names={"name": S + "/quotaTables/{version}"},
            response_content=CSV,
            handler=custom.export_quota_csv,
        ),
        _rpc(
            "GET",
            "/sessions/{session}:resolveQuota",
            "sessions",
            "ResolveQuota",
            sess,
            "Règle de quota en vigueur pour un type d'effecteur et un produit.",
            t,
            names={"session": S},
        ),
    ]


def _effecteurs() -> list[ApiRoute]:
    o = "Officines"
    e = "Effecteurs et rattachements"
    return [
        _rpc("GET", "/officines", "effecteurs", "ListOfficines", eff, "Officines (opérateurs).", o),
        _rpc("POST", "/officines", "effecteurs", "CreateOfficine", eff, "Enregistre une officine (opérateurs).", o),
        _rpc(
            "GET",
            "/officines/{finess}",
            "effecteurs",
            "GetOfficine",
            eff,
            "Une officine.",
            o,
            names={"name": "officines/{finess}"},
        ),
        _rpc(
            "PATCH",
            "/officines/{finess}",
            "effecteurs",
            "UpdateOfficine",
            eff,
            "Modifie les coordonnées d'une officine.",
            o,
            names={"officine.name": "officines/{finess}"},
        ),
        _rpc("GET", "/effecteurs", "effecteurs", "ListEffecteurs", eff, "Effecteurs (opérateurs).", e),
        _rpc(
            "GET",
            "/effecteurs/{effecteur}",
            "effecteurs",
            "GetEffecteur",
            eff,
            "Un effecteur (« rpps:99700000104 », « finess:759901010 »…).",
            e,
            names={"name": "effecteurs/{effecteur}"},
        ),
        _rpc(
            "PATCH",
            "/effecteurs/{effecteur}",
            "effecteurs",
            "UpdateEffecteur",
            eff,
            "Modifie le nom ou l'e-mail d'un effecteur.",
            e,
            names={"effecteur.name": "effecteurs/{effecteur}"},
        ),
        _rpc(
            "POST",
            "/identifiers:check",
            "effecteurs",
            "CheckIdentifier",
            eff,
            "Vérifie un numéro RPPS, ADELI, FINESS ou SIRET sans rien enregistrer.",
            e,
        ),
        _rpc(
            "GET",
            "/officines/{finess}/attachments",
            "effecteurs",
            "ListAttachments",
            eff,
            "Effecteurs rattachés à une officine (filtres : type, nom, identifiant).",
            e,
            names={"parent": "officines/{finess}"},
        ),
        _rpc(
            "POST",
            "/officines/{finess}/attachments",
            "effecteurs",
            "AttachEffecteur",
            eff,
            "Rattache un effecteur par son identifiant.",
            e,
            names={"parent": "officines/{finess}"},
        ),
        _rpc(
            "POST",
            "/officines/{finess}/attachments/{attachment}:detach",
            "effecteurs",
            "DetachEffecteur",
            eff,
            "Détache un effecteur ; le rattachement reste dans l'historique.",
            e,
            names={"name": "officines/{finess}/attachments/{attachment}"},
        ),
        _rpc(
            "GET",
            "/officines/{finess}/attachmentEvents",
            "effecteurs",
            "ListAttachmentEvents",
            eff,
            "Historique des rattachements d'une officine.",
            e,
            names={"parent": "officines/{finess}"},
            operation_id="ListOfficineAttachmentEvents",
        ),
        _rpc(
            "GET",
            "/effecteurs/{effecteur}/attachment",
            "effecteurs",
            "LookupAttachment",
            eff,
            "L'officine à laquelle un effecteur est rattaché.",
            e,
            names={"effecteur": "effecteurs/{effecteur}"},
        ),
        _rpc(
            "GET",
            "/effecteurs/{effecteur}/attachmentEvents",
            "effecteurs",
            "ListAttachmentEvents",
            eff,
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
        _rpc(
            "GET",
            "/sessions/{session}/officines/{finess}/lines",
            "orders",
            "ListOrderLines",
            orders,
            "Lignes de commande d'une officine dans une session (« - » : toutes les sessions).",
            c,
            names={"parent": OFF},
        ),
        _rpc(
            "POST",
            "/sessions/{session}/officines/{finess}/lines",
            "orders",
            "CreateOrderLine",
            orders,
            "Commande des flacons d'un produit pour un effecteur.",
            c,
            names={"parent": OFF},
        ),
        _rpc(
            "GET",
            "/sessions/{session}/officines/{finess}/lines/{line}",
            "orders",
            "GetOrderLine",
            orders,
            "Une ligne de commande.",
            c,
            names={"name": OFF + "/lines/{line}"},
        ),
        _rpc(
            "PATCH",
            "/sessions/{session}/officines/{finess}/lines/{line}",
            "orders",
            "UpdateOrderLine",
            orders,
            "Change le nombre de flacons d'une ligne (etag requis).",
            c,
            names={"line.name": OFF + "/lines/{line}"},
        ),
        _rpc(
            "DELETE",
            "/sessions/{session}/officines/{finess}/lines/{line}",
            "orders",
            "DeleteOrderLine",
            orders,
            "Retire une ligne de commande.",
            c,
            names={"name": OFF + "/lines/{line}"},
        ),
        _rpc(
            "GET",
            "/sessions/{session}/officines/{finess}/lines/{line}/changes",
            "orders",
            "ListOrderLineChanges",
            orders,
            "Historique des modifications d'une ligne.",
            c,
            names={"parent": OFF + "/lines/{line}"},
        ),
        _rpc(
            "GET",
            "/sessions/{session}/officines/{finess}/summary",
            "orders",
            "GetOfficineSummary",
            orders,
            "Totaux d'une officine dans une session, par effecteur et par produit.",
            c,
            names={"name": OFF},
        ),
        _rpc(
            "GET",
            "/sessions/{session}/officines/{finess}/requests",
            "orders",
            "ListVialRequests",
            orders,
            "Demandes de flacons adressées à une officine.",
            d,
            names={"parent": OFF},
        ),
        _rpc(
            "POST",
            "/sessions/{session}/officines/{finess}/requests",
            "orders",
            "CreateVialRequest",
            orders,
            "Un effecteur demande des flacons à son officine.",
            d,
            names={"parent": OFF},
        ),
        _rpc(
            "GET",
            "/sessions/{session}/officines/{finess}/requests/{request}",
            "orders",
            "GetVialRequest",
            orders,
            "Une demande de flacons.",
            d,
            names={"name": OFF + "/requests/{request}"},
        ),
        _rpc(
            "POST",
            "/sessions/{session}/officines/{finess}/requests/{request}:confirm",
            "orders",
            "ConfirmVialRequest",
            orders,
            "L'officine confirme une demande (éventuellement une autre quantité, avec un motif).",
            d,
            names={"name": OFF + "/requests/{request}"},
        ),
        _rpc(
            "POST",
            "/sessions/{session}/officines/{finess}/requests/{request}:decline",
            "orders",
            "DeclineVialRequest",
            orders,
            "L'officine refuse une demande, avec un motif.",
            d,
            names={"name": OFF + "/requests/{request}"},
        ),
        _rpc(
            "POST",
            "/sessions/{session}/officines/{finess}/requests/{request}:cancel",
            "orders",
            "CancelVialRequest",
            orders,
            "Le demandeur retire sa demande.",
            d,
            names={"name": OFF + "/requests/{request}"},
        ),
        _rpc(
            "GET",
            "/sessions/{session}/orders:export",
            "orders",
            "ExportSessionOrders",
            orders,
            "Commandes consolidées d'une session close, en CSV (layout : LAYOUT_CONSOLIDATED ou LAYOUT_DETAIL) "
            "(opérateurs).",
            c,
            names={"session": S},
            response_content=CSV,
            handler=custom.export_session_orders,
        ),
        _rpc(
            "GET",
            "/sessions/{session}/totals",
            "orders",
            "GetSessionTotals",
            orders,
            "Totaux nationaux et par département, en direct (opérateurs).",
            c,
            names={"session": S},
        ),
    ]


def _mailer() -> list[ApiRoute]:
    m = "Messages et support"
    return [
        _rpc(
            "POST",
            "/supportRequests",
            "mailer",
            "CreateSupportRequest",
            mail,
            "Envoie une question au support.",
            m,
            public=True,
        ),
        _rpc(
            "GET",
            "/messages",
            "mailer",
            "ListMessages",
            mail,
            "E-mails envoyés, les plus récents d'abord (opérateurs).",
            m,
        ),
        _rpc("POST", "/messages", "mailer", "SendMessage", mail, "Met un e-mail en file d'envoi (opérateurs).", m),
        _rpc(
            "GET",
            "/messages/{message}",
            "mailer",
            "GetMessage",
            mail,
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
        _rpc(
            "GET",
            "/sessions/{session}/supply",
            "orders",
            "GetSupply",
            orders,
            "Flacons que SpF peut livrer par produit pour une session (opérateurs).",
            a,
            names={"name": S + "/supply"},
        ),
        _rpc(
            "PUT",
            "/sessions/{session}/supply",
            "orders",
            "UpdateSupply",
            orders,
            "Enregistre les flacons disponibles des produits envoyés (les autres gardent leur valeur ; etag requis "
            "dès qu'un approvisionnement existe) (opérateurs).",
            a,
            names={"supply.name": S + "/supply"},
        ),
        _rpc(
            "GET",
            "/sessions/{session}:previewAllocation",
            "orders",
            "PreviewAllocation",
            orders,
            "Ce que publier l'allocation confirmerait, par produit et par département ; rien n'est enregistré "
            "(opérateurs).",
            a,
            names={"session": S},
        ),
        _rpc(
            "POST",
            "/sessions/{session}:publishAllocation",
            "orders",
            "PublishAllocation",
            orders,
            "Publie l'allocation nationale : chaque ligne reçoit ses flacons confirmés (supplyEtag de l'aperçu requis "
            "; opérateurs).",
            a,
            names={"session": S},
        ),
        _rpc(
            "GET",
            "/sessions/{session}/allocation",
            "orders",
            "GetAllocation",
            orders,
            "L'allocation publiée d'une session (404 avant sa publication) (opérateurs).",
            a,
            names={"name": S + "/allocation"},
        ),
        _rpc(
            "GET",
            "/sessions/{session}/deliveryPlan",
            "orders",
            "GetDeliveryPlan",
            orders,
            "Plan de livraison : date par défaut, dates par département et par FINESS (opérateurs).",
            a,
            names={"name": plan},
        ),
        _rpc(
            "POST",
            "/sessions/{session}/deliveryPlan:setDate",
            "orders",
            "SetDeliveryDate",
            orders,
            "Fixe la date de livraison d'un département ou d'une officine, dans la fenêtre de livraison (opérateurs).",
            a,
            names={"plan": plan},
        ),
        _rpc(
            "POST",
            "/sessions/{session}/deliveryPlan:clearDate",
            "orders",
            "ClearDeliveryDate",
            orders,
            "Retire la date propre à un département ou à une officine : la date par défaut s'applique (opérateurs).",
            a,
            names={"plan": plan},
        ),
        _rpc(
            "POST",
            "/sessions/{session}/deliveryPlan:importCsv",
            "orders",
            "ImportDeliveryPlanCsv",
            orders,
            "Remplace les dates du plan par un CSV du logisticien (corps text/csv : finess,departement,date) ; "
            "validateOnly pour vérifier sans rien changer (opérateurs).",
            a,
            names={"plan": plan},
            request_content=CSV,
            handler=custom.import_csv,
        ),
        _rpc(
            "GET",
            "/sessions/{session}/officines/{finess}/deliveries",
            "orders",
            "ListDeliveries",
            orders,
            "Livraisons confirmées : date prévue et, par effecteur et produit, flacons commandés et confirmés. "
            "« - » pour toutes les sessions ; une officine voit les siennes, un effecteur les siennes avec "
            "effecteur=…, les opérateurs tout (officine « - »).",
            a,
            names={"parent": OFF},
        ),
        _rpc(
            "POST",
            "/sessions/{session}:sendDeliveryConfirmations",
            "mailer",
            "SendDeliveryConfirmations",
            mail,
            "Envoie les e-mails de confirmation de livraison d'une session dont l'allocation est publiée ; dryRun : "
            "liste les destinataires sans rien envoyer (opérateurs).",
            a,
            names={"session": S},
        ),
        _rpc(
            "GET",
            "/sessions/{session}/confirmationRuns",
            "mailer",
            "ListConfirmationRuns",
            mail,
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
    return [*_auth(), *_sessions(), *_effecteurs(), *_orders(), *_after_close(), *_mailer()]
