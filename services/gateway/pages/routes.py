"""Every page route, in one list, with who may see it."""

from __future__ import annotations

from starlette.routing import Route

from services.gateway.cockpit import pages as cockpit
from services.gateway.pages import (
    allocation,
    attachments,
    confirmations,
    contact,
    deliveryplan,
    effecteur,
    grid,
    officine,
    operator,
    orders,
    public,
    quotas,
    stock,
    stock_effecteur,
    support,
    support_lookup,
    totals,
    vialrequests,
)
from services.gateway.pages.render import Endpoint, PageHandler, page

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]
OFF = "/officines/{finess}"
EFF = "/effecteurs/{effecteur}"
SES = "/operateur/sessions/{session}"


# Who may open a page: anyone, or callers with one role (what they see is still the backends' call).
def anyone(handler: PageHandler) -> Endpoint:
    return page(handler, login=False)


def pharmacist(handler: PageHandler) -> Endpoint:
    return page(handler, role="OFFICINE")


def vaccinator(handler: PageHandler) -> Endpoint:
    return page(handler, role="EFFECTEUR")


def spf(handler: PageHandler) -> Endpoint:
    return page(handler, role="OPERATOR")


def support_desk(handler: PageHandler) -> Endpoint:
    return page(handler, role="SUPPORT")


def page_routes() -> list[Route]:
    return [
        Route("/", anyone(public.home), methods=GET),
        Route("/aide", anyone(public.help_page), methods=GET),
        Route("/contact", anyone(contact.contact), methods=BOTH),
        Route("/accessibilite", anyone(public.static_page), methods=GET),
        Route("/mentions-legales", anyone(public.static_page), methods=GET),
        Route("/donnees-personnelles", anyone(public.static_page), methods=GET),
        Route("/acces-refuse", anyone(public.refused), methods=GET),
        # Officine (pharmacien titulaire); the backends answer 404 for another officine.
        Route("/officine", pharmacist(officine.my_officine), methods=GET),
        Route(OFF, pharmacist(officine.dashboard), methods=GET),
        Route(OFF + "/commande", pharmacist(grid.order_grid), methods=BOTH),
        Route(OFF + "/demandes", pharmacist(vialrequests.requests_page), methods=GET),
        Route(OFF + "/demandes/{session}/{request}/{action}", pharmacist(vialrequests.decide), methods=POST),
        Route(OFF + "/effecteurs", pharmacist(attachments.list_attachments), methods=GET),
        Route(OFF + "/effecteurs", pharmacist(attachments.attach), methods=POST),
        Route(OFF + "/effecteurs/historique", pharmacist(attachments.history), methods=GET),
        Route(OFF + "/effecteurs/{attachment}/detacher", pharmacist(attachments.confirm_detach), methods=BOTH),
        Route(OFF + "/commandes", pharmacist(orders.orders_page), methods=GET),
        Route(OFF + "/commandes.csv", pharmacist(orders.orders_csv), methods=GET),
        # After delivery: the officine's stock, receipts, pickups, offers, destruction.
        Route(OFF + "/stock", pharmacist(stock.stock_page), methods=GET),
        Route(OFF + "/stock/reception/{session}", pharmacist(stock.receipt_form), methods=GET),
        Route(OFF + "/stock/reception/{session}", pharmacist(stock.record_receipt), methods=POST),
        Route(OFF + "/stock/retraits", pharmacist(stock.record_pickup), methods=POST),
        Route(OFF + "/stock/redistribution", pharmacist(stock.use_or_offer), methods=POST),
        Route(OFF + "/stock/offres/{offer}/reservations/{claim}/remise", pharmacist(stock.hand_over), methods=POST),
        Route(OFF + "/stock/destructions", pharmacist(stock.declare_destruction), methods=POST),
        Route(OFF + "/stock/certificats/{number}.pdf", pharmacist(stock.certificate_pdf), methods=GET),
        # Effecteur (médecin, sage-femme, établissement).
        Route("/effecteur", vaccinator(effecteur.my_space), methods=GET),
        Route(EFF, vaccinator(effecteur.effecteur_space), methods=GET),
        Route(EFF + "/demandes", vaccinator(effecteur.ask), methods=POST),
        Route(EFF + "/demandes/{session}/{finess}/{request}/retirer", vaccinator(effecteur.cancel), methods=POST),
        Route(EFF + "/offres/{finess}/{offer}/reserver", vaccinator(stock_effecteur.claim), methods=POST),
        # Operator (Santé publique France).
        Route("/operateur", spf(operator.operator_home), methods=GET),
        Route("/operateur/sessions", spf(operator.create_session), methods=POST),
        Route("/operateur/calendrier", spf(operator.create_window), methods=POST),
        Route("/operateur/calendrier/{window}/supprimer", spf(operator.delete_window), methods=POST),
        Route("/operateur/produits", spf(operator.operator_products), methods=GET),
        Route("/operateur/produits/{product}", spf(operator.update_product), methods=POST),
        Route("/operateur/quotas", spf(quotas.operator_quotas), methods=GET),
        Route("/operateur/quotas/{session}/publier", spf(quotas.publish), methods=POST),
        Route("/operateur/quotas/{session}/import", spf(quotas.import_csv), methods=POST),
        Route("/operateur/quotas/{session}/export.csv", spf(quotas.export_csv), methods=GET),
        Route("/operateur/totaux", spf(totals.totals_page), methods=GET),
        # The live cockpit of a session (refreshes itself with JavaScript, a plain page without).
        Route("/operateur/pilotage", spf(cockpit.cockpit), methods=GET),
        Route("/operateur/pilotage/{session}/fenetre", spf(cockpit.edit_window), methods=POST),
        Route("/operateur/pilotage/{session}/sans-commande.csv", spf(cockpit.not_ordered_csv), methods=GET),
        Route("/operateur/pilotage/{session}/totaux.csv", spf(cockpit.totals_csv), methods=GET),
        Route("/operateur/pilotage/{session}/export.csv", spf(cockpit.logistics_export), methods=GET),
        Route("/operateur/stock", spf(stock.operator_stock), methods=GET),
        Route("/operateur/stock/{finess}", spf(stock.operator_officine_stock), methods=GET),
        # After a session's close: supply, allocation, delivery plan, confirmations.
        Route("/operateur/livraisons", spf(confirmations.index), methods=GET),
        Route(SES + "/approvisionnement", spf(allocation.operator_supply), methods=GET),
        Route(SES + "/approvisionnement", spf(allocation.update_supply), methods=POST),
        Route(SES + "/allocation", spf(allocation.operator_allocation), methods=GET),
        Route(SES + "/allocation/publier", spf(allocation.publish_allocation), methods=BOTH),
        Route(SES + "/livraisons", spf(deliveryplan.operator_plan), methods=GET),
        Route(SES + "/livraisons/date", spf(deliveryplan.set_date), methods=POST),
        Route(SES + "/livraisons/date/retirer", spf(deliveryplan.clear_date), methods=POST),
        Route(SES + "/livraisons/import", spf(deliveryplan.import_csv), methods=POST),
        Route(SES + "/confirmations", spf(confirmations.operator_confirmations), methods=GET),
        Route(SES + "/confirmations/essai", spf(confirmations.dry_run), methods=POST),
        Route(SES + "/confirmations/envoyer", spf(confirmations.send), methods=POST),
        # Support desk (agents): the queue, a request and its actions, the read-only officine look-up.
        Route("/support", support_desk(support.queue), methods=GET),
        Route("/support/demandes/{request}", support_desk(support.detail), methods=GET),
        Route("/support/demandes/{request}/{action}", support_desk(support.act), methods=POST),
        Route("/support/officines", support_desk(support_lookup.search), methods=GET),
        Route("/support/officines/{finess}", support_desk(support_lookup.officine), methods=GET),
    ]
