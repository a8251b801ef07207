"""Every page route, in one list, with who may see it."""

from __future__ import annotations

from starlette.routing import Route

from services.gateway.pages import (
    allocation,
    attachments,
    confirmations,
    deliveryplan,
    effecteur,
    grid,
    officine,
    operator,
    orders,
    public,
    quotas,
    totals,
    vialrequests,
)
from services.gateway.pages.render import page

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]
OFF = "/officines/{finess}"
EFF = "/effecteurs/{effecteur}"
SES = "/operateur/sessions/{session}"


def page_routes() -> list[Route]:
    anyone = {"login": False}
    pharmacist = {"role": "OFFICINE"}
    vaccinator = {"role": "EFFECTEUR"}
    spf = {"role": "OPERATOR"}
    return [
        Route("/", page(public.home, **anyone), methods=GET),
        Route("/aide", page(public.help_page, **anyone), methods=GET),
        Route("/contact", page(public.contact, **anyone), methods=BOTH),
        Route("/accessibilite", page(public.static_page, **anyone), methods=GET),
        Route("/mentions-legales", page(public.static_page, **anyone), methods=GET),
        Route("/donnees-personnelles", page(public.static_page, **anyone), methods=GET),
        Route("/acces-refuse", page(public.refused, **anyone), methods=GET),
        # Officine (pharmacien titulaire); the backends answer 404 for another officine.
        Route("/officine", page(officine.my_officine, **pharmacist), methods=GET),
        Route(OFF, page(officine.dashboard, **pharmacist), methods=GET),
        Route(OFF + "/commande", page(grid.order_grid, **pharmacist), methods=BOTH),
        Route(OFF + "/demandes", page(vialrequests.requests_page, **pharmacist), methods=GET),
        Route(OFF + "/demandes/{session}/{request}/{action}", page(vialrequests.decide, **pharmacist), methods=POST),
        Route(OFF + "/effecteurs", page(attachments.list_attachments, **pharmacist), methods=GET),
        Route(OFF + "/effecteurs", page(attachments.attach, **pharmacist), methods=POST),
        Route(OFF + "/effecteurs/historique", page(attachments.history, **pharmacist), methods=GET),
        Route(OFF + "/effecteurs/{attachment}/detacher", page(attachments.confirm_detach, **pharmacist), methods=BOTH),
        Route(OFF + "/commandes", page(orders.orders_page, **pharmacist), methods=GET),
        Route(OFF + "/commandes.csv", page(orders.orders_csv, **pharmacist), methods=GET),
        # Effecteur (médecin, sage-femme, établissement).
        Route("/effecteur", page(effecteur.my_space, **vaccinator), methods=GET),
        Route(EFF, page(effecteur.effecteur_space, **vaccinator), methods=GET),
        Route(EFF + "/demandes", page(effecteur.ask, **vaccinator), methods=POST),
        Route(
            EFF + "/demandes/{session}/{finess}/{request}/retirer", page(effecteur.cancel, **vaccinator), methods=POST
        ),
        # Operator (Santé publique France).
        Route("/operateur", page(operator.operator_home, **spf), methods=GET),
        Route("/operateur/sessions", page(operator.create_session, **spf), methods=POST),
        Route("/operateur/calendrier", page(operator.create_window, **spf), methods=POST),
        Route("/operateur/calendrier/{window}/supprimer", page(operator.delete_window, **spf), methods=POST),
        Route("/operateur/produits", page(operator.operator_products, **spf), methods=GET),
        Route("/operateur/produits/{product}", page(operator.update_product, **spf), methods=POST),
        Route("/operateur/quotas", page(quotas.operator_quotas, **spf), methods=GET),
        Route("/operateur/quotas/{session}/publier", page(quotas.publish, **spf), methods=POST),
        Route("/operateur/quotas/{session}/import", page(quotas.import_csv, **spf), methods=POST),
        Route("/operateur/quotas/{session}/export.csv", page(quotas.export_csv, **spf), methods=GET),
        Route("/operateur/totaux", page(totals.totals_page, **spf), methods=GET),
        # After a session's close: supply, allocation, delivery plan, confirmations.
        Route("/operateur/livraisons", page(confirmations.index, **spf), methods=GET),
        Route(SES + "/approvisionnement", page(allocation.operator_supply, **spf), methods=GET),
        Route(SES + "/approvisionnement", page(allocation.update_supply, **spf), methods=POST),
        Route(SES + "/allocation", page(allocation.operator_allocation, **spf), methods=GET),
        Route(SES + "/allocation/publier", page(allocation.publish_allocation, **spf), methods=BOTH),
        Route(SES + "/livraisons", page(deliveryplan.operator_plan, **spf), methods=GET),
        Route(SES + "/livraisons/date", page(deliveryplan.set_date, **spf), methods=POST),
        Route(SES + "/livraisons/date/retirer", page(deliveryplan.clear_date, **spf), methods=POST),
        Route(SES + "/livraisons/import", page(deliveryplan.import_csv, **spf), methods=POST),
        Route(SES + "/confirmations", page(confirmations.operator_confirmations, **spf), methods=GET),
        Route(SES + "/confirmations/essai", page(confirmations.dry_run, **spf), methods=POST),
        Route(SES + "/confirmations/envoyer", page(confirmations.send, **spf), methods=POST),
    ]
