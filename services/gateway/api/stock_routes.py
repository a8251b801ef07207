"""/api/v1 routes of the vials after delivery (orders' StockService): receipts,
stock, pickups, offers and claims, destruction certificates, reconciliation."""

from __future__ import annotations

from services.gateway.api.routes import _Backend
from services.gateway.api.routing import ApiRoute
from vaxorders.orders.v1 import stock_service_pb2 as stock

on_stock = _Backend("stock", stock)

OFFICINE = "officines/{finess}"
T = "Après la livraison"


def stock_routes() -> list[ApiRoute]:
    return [
        on_stock(
            "POST",
            "/officines/{finess}/receipts",
            "RecordReceipt",
            "Enregistre une livraison reçue : par produit, les lots (numéro, péremption, flacons). Un écart avec les "
            "volumes confirmés est accepté et affiché (pharmaciens de l'officine).",
            T,
            names={"parent": OFFICINE},
        ),
        on_stock(
            "GET",
            "/officines/{finess}/stock",
            "GetStock",
            "Stock de l'officine par produit et par lot : en stock, utilisable jusqu'au, réservé, proposé ; "
            "réceptions et alertes (l'officine, les opérateurs).",
            T,
            names={"name": OFFICINE + "/stock"},
        ),
        on_stock(
            "POST",
            "/officines/{finess}/pickups",
            "RecordPickup",
            "Enregistre un retrait par l'effecteur à qui les flacons étaient destinés (date, flacons, lot).",
            T,
            names={"parent": OFFICINE},
        ),
        on_stock(
            "GET",
            "/officines/{finess}/pickups",
            "ListPickups",
            "Retraits d'une officine ; « - » avec effecteur=… : les retraits d'un effecteur et ses flacons en attente.",
            T,
            names={"parent": OFFICINE},
        ),
        on_stock(
            "POST",
            "/officines/{finess}/lots/{lot}:use",
            "UseVials",
            "L'officine utilise des flacons pour ses propres rendez-vous (les siens, ou non retirés après 7 jours).",
            T,
            names={"lot": OFFICINE + "/lots/{lot}"},
        ),
        on_stock(
            "POST",
            "/officines/{finess}/lots/{lot}:offer",
            "CreateOffer",
            "Propose des flacons non retirés (7 jours après réception) aux professionnels du département.",
            T,
            names={"lot": OFFICINE + "/lots/{lot}"},
        ),
        on_stock(
            "GET",
            "/officines/{finess}/offers",
            "ListOffers",
            "Offres d'une officine ; « - » avec effecteur=… : les offres de son département qu'il peut réserver.",
            T,
            names={"parent": OFFICINE},
        ),
        on_stock(
            "POST",
            "/officines/{finess}/offers/{offer}:claim",
            "ClaimOffer",
            "Réserve des flacons d'une offre pour un professionnel éligible du même département.",
            T,
            names={"offer": OFFICINE + "/offers/{offer}"},
        ),
        on_stock(
            "POST",
            "/officines/{finess}/offers/{offer}/claims/{claim}:handOver",
            "HandOverClaim",
            "L'officine enregistre la remise des flacons réservés.",
            T,
            names={"name": OFFICINE + "/offers/{offer}/claims/{claim}"},
        ),
        on_stock(
            "POST",
            "/officines/{finess}/destructionCertificates",
            "DeclareDestruction",
            "Déclare des flacons détruits (CYCLAMED) et émet un certificat de destruction numéroté.",
            T,
            names={"parent": OFFICINE},
        ),
        on_stock(
            "GET",
            "/officines/{finess}/destructionCertificates",
            "ListDestructionCertificates",
            "Certificats de destruction d'une officine, les plus récents d'abord.",
            T,
            names={"parent": OFFICINE},
        ),
        on_stock(
            "GET",
            "/officines/{finess}/destructionCertificates/{number}",
            "GetDestructionCertificatePdf",
            "Un certificat de destruction et son PDF (base64 dans le JSON).",
            T,
            names={"name": OFFICINE + "/destructionCertificates/{number}"},
        ),
        on_stock(
            "GET",
            "/officines/{finess}/stockMoves",
            "ListStockMoves",
            "Tous les mouvements du stock de l'officine (qui, quand), les plus anciens d'abord.",
            T,
            names={"parent": OFFICINE},
        ),
        on_stock(
            "GET",
            "/stockReconciliation",
            "GetStockReconciliation",
            "Rapprochement national par département et produit : reçus, retirés, remis, utilisés, détruits, en stock, "
            "non retirés, proposés (opérateurs).",
            T,
        ),
    ]
