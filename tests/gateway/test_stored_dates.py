"""A date stored before the range was enforced (issue #14: a session in year 9999 made the
home page answer 500 to everyone; a year-0001 one could not be deleted) cannot take a page
down: pages render it, the API serves it, and nothing answers 5xx."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.common.db import Database
from services.sessions import repository as repo
from services.sessions.domain import Session
from tests.gateway.helpers import CLAIRE, OPERATOR, bearer, login
from tests.gateway.stack import Stack
from tests.gateway.test_pages import post_form, text

ODD = [
    ("9999-12-30", datetime(9999, 12, 30, 23, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ("0001-01-01", datetime(1, 1, 1, tzinfo=UTC), datetime(1, 1, 2, tzinfo=UTC)),
]


async def _store_odd_session(stack: Stack, session_id: str, opens: datetime, closes: datetime) -> None:
    """Straight into the sessions database, as an older release could have stored it."""
    db = Database(stack.backends["sessions"].settings.resolved_database_url())
    try:
        async with db.write() as s:
            await repo.insert_session(
                s,
                Session(
                    session_id,
                    "Session saisie par erreur",
                    opens,
                    closes,
                    date(opens.year, opens.month, opens.day),
                    date(closes.year, closes.month, closes.day),
                    date(closes.year, closes.month, closes.day),
                    create_time=datetime(2022, 3, 1, tzinfo=UTC),
                    update_time=datetime(2022, 3, 1, tzinfo=UTC),
                ),
            )
    finally:
        await db.dispose()


@pytest.mark.parametrize(("session_id", "opens", "closes"), ODD, ids=["y9999", "y0001"])
async def test_an_odd_stored_session_takes_no_page_down(
    stack: Stack, session_id: str, opens: datetime, closes: datetime
) -> None:
    await _store_odd_session(stack, session_id, opens, closes)

    async with stack.client() as visitor:
        for path in ("/", "/aide", "/contact"):
            response = await visitor.get(path)
            assert response.status_code == 200, (path, response.text[:300])
    async with stack.client() as operator:
        await login(operator, OPERATOR)
        for path in ("/operateur", f"/operateur/quotas?session=sessions/{session_id}", "/operateur/livraisons"):
            response = await operator.get(path)
            assert response.status_code < 500, (path, response.status_code, response.text[:300])
        page = await operator.get("/operateur")
        assert "Session saisie par erreur" in page.text
    async with stack.client() as pharmacist:
        await login(pharmacist, CLAIRE)
        response = await pharmacist.get("/officine", follow_redirects=True)
        assert response.status_code == 200, response.text[:300]
    async with stack.client(headers=bearer(stack.psc.token_for(OPERATOR))) as api:
        listed = await api.get("/api/v1/sessions")
        assert listed.status_code == 200, listed.text[:300]
        assert f"sessions/{session_id}" in {s["name"] for s in listed.json()["sessions"]}
        one = await api.get(f"/api/v1/sessions/{session_id}")
        assert one.status_code == 200, one.text[:300]


@pytest.mark.parametrize(
    ("opens", "closes"),
    [
        ("0001-01-01T00:00", "0001-01-02T00:00"),
        ("9999-12-30T08:00", "9999-12-31T23:00"),
        ("2019-12-30T08:00", "2019-12-31T23:00"),
    ],
    ids=["y0001", "y9999", "y2019"],
)
async def test_an_operator_typing_a_session_out_of_range_gets_a_french_400_and_nothing_is_created(
    stack: Stack, opens: str, closes: str
) -> None:
    async with stack.client() as client:
        await login(client, OPERATOR)
        values = {"session_id": "hors-plage", "label": "Session hors plage", "open_time": opens, "close_time": closes}
        refused = await post_form(stack, client, "/operateur/sessions", values)

        assert refused.status_code == 400, refused.text[:300]
        assert "La session n'a pas été créée" in text(refused)
        assert "Date hors de la plage acceptée" in text(refused)
        sessions = (await client.get("/api/v1/sessions")).json()["sessions"]
        assert "sessions/hors-plage" not in [s["name"] for s in sessions]
