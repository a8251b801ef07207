"""Frictions found by walking the pages (issue 16, part 3), read as HTML: names
where raw codes were shown, the operator's menu, French messages without
resource names."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.common.clock import ManualClock
from tests.common.test_timefmt import WRONG_TIME_IN_TEXT
from tests.gateway.cockpit_stack import live_session
from tests.gateway.friday import TILLEULS
from tests.gateway.helpers import CLAIRE, DR_DUBOIS, LILAS, LILAS_SELF, OPERATOR, bearer, login
from tests.gateway.stack import DatabaseUrlFor, Stack
from tests.gateway.test_pages import post_form

TILLEULS_DIRECTOR = "899700000161"  # Yves Caron, acts for EHPAD Les Tilleuls

RAW = re.compile(r"(products|effecteurs|officines|sessions)/[\w:.-]+|rpps:\d|finess:\d|8997\d{8}|\bseed\b|\bdemo\b")


def main_text(page: str) -> str:
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


async def test_the_operators_menu_has_no_effecteur_space_and_the_address_is_not_a_404(stack: Stack) -> None:
    async with stack.client() as op:
        await login(op, OPERATOR)
        home = await op.get("/operateur")
        assert 'href="/effecteur"' not in home.text and "Mon espace effecteur" not in home.text
        # A session's identifier is what the operator types to create one: shown, and said to be one.
        assert "Session du 7 mars 2022 Identifiant : 2022-03-07" in main_text(home.text)
        # Élise Marchand is a médecin for PSC, unknown to the service as an effecteur.
        space = await op.get("/effecteur", follow_redirects=True)
        assert space.status_code == 200
        text = main_text(space.text)
        assert "Vous n'êtes pas encore inscrit comme effecteur" in text
        assert not RAW.search(text), RAW.search(text)


async def test_the_attachment_history_names_who_did_what(stack: Stack) -> None:
    async with stack.client() as client:
        attached = await client.post(
            f"/api/v1/officines/{LILAS}/attachments",
            json={
                "identifierKind": "IDENTIFIER_KIND_RPPS",
                "identifier": "99700000153",
                "requestId": str(uuid.uuid4()),
            },
            headers=bearer(stack.psc.token_for(CLAIRE)),
        )
        assert attached.status_code == 200, attached.text
    async with stack.client() as pharmacist:
        await login(pharmacist, CLAIRE)
        page = await pharmacist.get(f"/officines/{LILAS}/effecteurs/historique")
        text = main_text(page.text)
        assert not RAW.search(text), RAW.search(text)
        assert "inscription initiale de l'officine" in text  # the officine's own record, from the dataset
        assert "migration de l'ancien portail" in text
        assert re.search(r"Rattachement Marc Girard vous \(Claire Moreau\)", text), text


async def test_an_unknown_officine_or_effecteur_is_named_by_its_number_not_its_resource_name(stack: Stack) -> None:
    async with stack.client(headers=bearer(stack.psc.token_for(OPERATOR))) as op:
        officine = await op.get("/api/v1/officines/759900129")
        assert officine.status_code == 404
        assert officine.json()["detail"] == "Officine introuvable (FINESS 759900129)."
        effecteur = await op.get("/api/v1/effecteurs/rpps:99700000997")
        assert effecteur.status_code == 404
        assert effecteur.json()["detail"] == "Effecteur introuvable (RPPS 99700000997)."


@pytest.fixture
async def live(database_url_for: DatabaseUrlFor, tmp_path: Path) -> AsyncIterator[tuple[Stack, ManualClock]]:
    """Monday 10:00 of the reference session, the orders of friday.ORDERS placed."""
    async with live_session(database_url_for, tmp_path) as running:
        yield running


def options(page: str) -> list[str]:
    select = page.split('id="champ-product"', 1)[1].split("</select>", 1)[0]
    return [html.unescape(o) for o in re.findall(r"<option value=\"[^\"]+\"[^>]*>([^<]+)</option>", select)]


async def test_an_effecteur_is_offered_only_what_it_may_order_with_the_rule_and_what_remains(
    live: tuple[Stack, ManualClock],
) -> None:
    stack, _ = live
    async with stack.client() as director:
        await login(director, TILLEULS_DIRECTOR)
        page = await director.get(f"/{TILLEULS}")
        offered = options(page.text)
        # An EHPAD: Moderna and Pfizer 12+ (10 Moderna already ordered by its officine), never Pfizer 5-11
        # (closed to its type), nor Novavax (orderable from 14 March only).
        assert [o.split(" — ")[0] for o in offered] == [
            "Spikevax (Moderna)",
            "Comirnaty 12 ans et plus (Pfizer-BioNTech), capuchon violet",
        ]
        assert all(o.endswith("sans plafond") for o in offered)
        quotas = main_text(
            "<main>" + page.text.split('<table id="mes-quotas"', 1)[1].split("</table>", 1)[0] + "</main>"
        )
        assert "Spikevax (Moderna) sans plafond 10 —" in quotas
        text = main_text(page.text)
        assert "Non commandables pour vous dans cette session :" in text
        closed = text.split("Non commandables pour vous", 1)[1]
        assert re.search(r"5-11[^;.]*\(non ouvert à votre type\)", closed), closed[:300]


async def test_the_grid_marks_a_cell_over_its_cap_as_invalid_shows_closed_cells_and_totals(stack: Stack) -> None:
    async with stack.client(headers=bearer(stack.psc.token_for(OPERATOR))) as api:
        table = (await api.get("/api/v1/sessions/demo/quotaTables/current:exportCsv")).text
        table = re.sub(r"^PHARMACIEN,illimité", "PHARMACIEN,5", table, flags=re.M)
        published = await api.post(
            "/api/v1/sessions/demo/quotaTables:importCsv", content=table.encode(), headers={"content-type": "text/csv"}
        )
        assert published.status_code == 200, published.text
    async with stack.client() as client:
        await login(client, CLAIRE)
        key = f"{LILAS_SELF}|products/moderna"
        refused = await post_form(
            stack, client, f"/officines/{LILAS}/commande?session=demo", {f"v|{key}": "8", f"o|{key}": ""}
        )
        assert refused.status_code == 200
        cell = refused.text.split(f'name="v|{key}"', 1)[0].rsplit("<td", 1)[1]
        assert 'class="fr-input-group fr-input-group--error"' in cell  # the DSFR's invalid look
        after = refused.text.split(f'name="v|{key}"', 1)[1].split("</td>", 1)[0]
        assert "8 dépasse le maximum de 5 flacons" in html.unescape(after)
        assert "Quota atteint" not in html.unescape(refused.text)
        assert 'id="erreurs" tabindex="-1"' in refused.text  # the script moves focus there
        # Pfizer 5-11 is closed to an EHPAD: a closed cell, not one that looks open.
        closed = refused.text.split(f'name="v|{TILLEULS}|products/pfizer-pediatric"', 1)[0].rsplit("<td", 1)[1]
        assert 'class="app-cell-closed"' in closed
        assert "<tfoot>" in refused.text and "data-grand-total" in refused.text
        assert 'src="/static/js/grid.js"' in refused.text


async def test_the_attachments_page_has_unique_ids_and_the_dashboard_counts_the_same_attachments(stack: Stack) -> None:
    async with stack.client() as pharmacist:
        await login(pharmacist, CLAIRE)
        page = (await pharmacist.get(f"/officines/{LILAS}/effecteurs")).text
        ids = re.findall(r'\sid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
        # The filter's label names its own field.
        assert '<label class="fr-label" for="filtre-type">' in page and 'id="filtre-type"' in page
        listed = re.search(r"Effecteurs rattachés \((\d+)\)", page)
        dashboard = re.search(r"Effecteurs rattachés \((\d+)\)", (await pharmacist.get(f"/officines/{LILAS}")).text)
        assert listed and dashboard and listed.group(1) == dashboard.group(1)


async def test_withdrawing_a_request_asks_for_confirmation_first(stack: Stack) -> None:
    async with stack.client(headers=bearer(stack.psc.token_for(DR_DUBOIS))) as api:
        created = await api.post(
            f"/api/v1/sessions/demo/officines/{LILAS}/requests",
            json={
                "vialRequest": {"effecteur": "effecteurs/rpps:99700000104", "product": "products/moderna", "vials": 3}
            },
        )
        assert created.status_code == 200, created.text
    async with stack.client() as doctor:
        await login(doctor, DR_DUBOIS)
        page = html.unescape((await doctor.get("/effecteurs/rpps:99700000104")).text)
        form = page.split('<details class="app-confirm">', 1)[1].split("</details>", 1)[0]
        assert "Retirer cette demande de 3 flacons ?" in form
        assert "Confirmer le retrait" in form and "/retirer" in form


PAGES_BY_USER = {
    None: ("/", "/aide", "/contact"),
    CLAIRE: (
        f"/officines/{LILAS}",
        f"/officines/{LILAS}/commandes",
        f"/officines/{LILAS}/effecteurs",
        f"/officines/{LILAS}/stock",
    ),
    DR_DUBOIS: ("/effecteurs/rpps:99700000104",),
    OPERATOR: ("/operateur", "/operateur/pilotage", "/operateur/totaux", "/support"),
}


async def test_every_page_writes_a_time_of_day_as_9_h_00_with_no_break_spaces(stack: Stack) -> None:
    for user, paths in PAGES_BY_USER.items():
        async with stack.client() as client:
            if user:
                await login(client, user)
            for path in paths:
                page = await client.get(path)
                assert page.status_code == 200, (user, path)
                # The whole body: the footer's support hours too; tags (form values) are machine text.
                body = html.unescape(re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", page.text, flags=re.S))
                wrong = WRONG_TIME_IN_TEXT.search(body)
                assert wrong is None, (user, path, body[max(0, wrong.start() - 40) : wrong.end() + 40])
    async with stack.client() as anonymous:
        footer = (await anonymous.get("/")).text.split('id="pied-de-page"', 1)[1]
        assert "de 9\u00a0h\u00a000 à 20\u00a0h\u00a000" in footer


async def test_an_adjustment_refused_keeps_what_was_typed_and_the_officine_sees_what_is_ordered(stack: Stack) -> None:
    async with stack.client(headers=bearer(stack.psc.token_for(DR_DUBOIS))) as api:
        created = await api.post(
            f"/api/v1/sessions/demo/officines/{LILAS}/requests",
            json={
                "vialRequest": {"effecteur": "effecteurs/rpps:99700000104", "product": "products/moderna", "vials": 6}
            },
        )
        assert created.status_code == 200, created.text
        name = created.json()["vialRequest"]["name"]
    _, session, _, finess, _, request_id = name.split("/")
    async with stack.client() as pharmacist:
        await login(pharmacist, CLAIRE)
        page = html.unescape((await pharmacist.get(f"/officines/{LILAS}/demandes")).text)
        assert "Déjà commandé pour cet effecteur : 0 flacon ; sans plafond." in page
        refused = await post_form(
            stack,
            pharmacist,
            f"/officines/{finess}/demandes/{session}/{request_id}/ajuster",
            {"vials": "4", "reason": ""},
        )
        assert refused.status_code == 400
        card = html.unescape(refused.text)
        assert '<details class="fr-mb-2w" open>' in card
        assert re.search(r'name="vials" value="4"', card)


async def test_quota_publishing_counts_errors_links_them_and_confirms_a_summary_first(stack: Stack) -> None:
    async with stack.client() as op:
        await login(op, OPERATOR)
        page = (await op.get("/operateur/quotas?session=demo")).text
        fields = dict(re.findall(r'name="(q\|[^"]+)" value="([^"]*)"', page))
        medecin = next(k for k in fields if k.startswith("q|1|") and k.endswith("products/moderna"))
        url = "/operateur/quotas/demo/publier?session=demo"
        rid = str(uuid.uuid4())

        two_bad = {**fields, medecin: "beaucoup", next(k for k in fields if k != medecin): "trop"}
        refused = await post_form(stack, op, url, {**two_bad, "request_id": rid})
        assert refused.status_code == 400
        text = main_text(refused.text)
        assert "2 cases ne sont pas comprises : rien n'a été publié." in text
        links = re.findall(r'<a href="#(quota-[^"]+)">', refused.text.split('id="cases-incomprises"', 1)[1])
        assert len(links) == 2 and all(f'id="{i}"' in refused.text for i in links)

        summary = await post_form(stack, op, url, {**fields, medecin: "max 5", "request_id": rid})
        assert summary.status_code == 200
        changes = main_text(summary.text)
        assert "1 case change" in changes and "Médecin Spikevax (Moderna) illimité 5" in changes
        async with stack.client(headers=bearer(stack.psc.token_for(OPERATOR))) as api:
            current = (await api.get("/api/v1/sessions/demo/quotaTables/current")).json()["quotaTable"]
            assert current["version"] == 1  # nothing published before the confirmation

        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', summary.text))
        hidden.pop("csrf_token", None)
        assert hidden["confirme"] == "1" and hidden[medecin] == "max 5"
        published = await post_form(stack, op, url, hidden)
        assert published.status_code == 303 and "publie=2" in published.headers["location"]


CSV_LINK = re.compile(r'<a\b([^>]*href="[^"]*\.csv[^"]*"[^>]*)>(.*?)</a>', re.S)


async def test_every_csv_download_link_says_in_words_what_it_downloads(stack: Stack) -> None:
    pages = {CLAIRE: [f"/officines/{LILAS}/commandes"], OPERATOR: ["/operateur/pilotage", "/operateur/quotas"]}
    seen = 0
    for user, paths in pages.items():
        async with stack.client() as client:
            await login(client, user)
            for path in paths:
                for attributes, inner in CSV_LINK.findall((await client.get(path)).text):
                    seen += 1
                    visible = html.unescape(
                        re.sub(r'<span class="fr-sr-only">.*?</span>|<[^>]+>', "", inner, flags=re.S)
                    )
                    # Seen by everyone, not only by a screen reader: an icon alone is not a link text.
                    assert "Télécharger" in visible or "(CSV)" in visible, (path, visible)
                    assert "(CSV)" in visible and "aria-hidden" not in attributes, (path, visible)
    assert seen >= 5  # the officine's orders, the cockpit's lists and exports, the quota table


async def test_a_medecins_history_names_the_session_and_an_officine_he_has_left(stack: Stack) -> None:
    dubois = "effecteurs/rpps:99700000104"
    async with stack.client(headers=bearer(stack.psc.token_for(CLAIRE))) as pharmacist:
        line = {
            "line": {"effecteur": dubois, "product": "products/moderna", "vials": 2},
            "requestId": str(uuid.uuid4()),
        }
        assert (await pharmacist.post(f"/api/v1/sessions/demo/officines/{LILAS}/lines", json=line)).status_code == 200
        attachments = (await pharmacist.get(f"/api/v1/officines/{LILAS}/attachments")).json()["attachments"]
        his = next(a["name"] for a in attachments if a["effecteur"] == dubois)
        assert (await pharmacist.post(f"/api/v1/{his}:detach", json={})).status_code == 200
    async with stack.client() as doctor:
        await login(doctor, DR_DUBOIS)
        text = main_text((await doctor.get("/effecteurs/rpps:99700000104")).text)
        history = text.split("Mon historique", 1)[1]
        assert "Pharmacie des Lilas" in history and "FINESS" not in history and LILAS not in history, history[:400]
        assert not RAW.search(history), RAW.search(history)
