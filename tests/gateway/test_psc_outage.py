"""A PSC outage, end to end (docs/psc-outage.md): the whole suite on a manual
clock inside the reference session, the local issuer really stopped and
restarted. Logged-in users keep working under grace (each write marked in the
audit trail), then read only, enforced by the services that own the data;
new logins get a French page; health and metrics say degraded; everything
comes back when PSC does. PSC saying no never gets grace."""

from __future__ import annotations

import html
import json
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from jose import jwt
from sqlalchemy import select

from services.common.clock import ManualClock
from services.common.db import Database
from services.gateway.web.models import WebSession
from services.gateway.web.secrets import Keys, decrypt
from tests.gateway.helpers import CLAIRE, LILAS, bearer, csrf_token, login
from tests.gateway.stack import DatabaseUrlFor, Stack, start_stack
from tests.support.polling import eventually

PARIS = ZoneInfo("Europe/Paris")
DURING = datetime(2022, 3, 7, 10, 0, tzinfo=PARIS)  # inside the reference session
LINES = f"/api/v1/sessions/2022-03-07/officines/{LILAS}/lines"
DASHBOARD = f"/officines/{LILAS}"
DUBOIS = "effecteurs/rpps:99700000104"
# Probing PSC at most every second: the test sees the issuer stop and come back quickly.
OUTAGE_SETTINGS = {"psc_probe_interval_seconds": 1.0}
GRACE_BANNER = "Pro Santé Connect ne répond pas"
READ_ONLY_BANNER = "consultation seule"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DURING)


@pytest.fixture
async def suite(database_url_for: DatabaseUrlFor, tmp_path: Path, clock: ManualClock) -> AsyncIterator[Stack]:
    running = await start_stack(database_url_for, tmp_path, clock=clock, common_settings=OUTAGE_SETTINGS)
    try:
        yield running
    finally:
        running.psc.running.restart()  # so that closing finds the issuer as it started it
        await running.close()


def new_line(product: str = "moderna", vials: int = 2, effecteur: str = DUBOIS) -> dict[str, Any]:
    return {
        "line": {"effecteur": effecteur, "product": f"products/{product}", "vials": vials},
        "requestId": str(uuid.uuid4()),
    }


async def changes_of(client: httpx.AsyncClient, line_name: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    path = "/api/v1/" + line_name + "/changes"
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    changes: list[dict[str, Any]] = response.json()["changes"]
    return changes


async def post_until(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], status: int, **kw: Any
) -> httpx.Response:
    """Every process notices the outage at its next probe: repeat the same call (same request_id)
    until it gets `status`."""
    last: list[httpx.Response] = []

    async def attempt() -> bool:
        last[:] = [await client.post(path, json=body, **kw)]
        return last[0].status_code == status

    try:
        await eventually(attempt, timeout=15, interval=0.1)
    except AssertionError:
        raise AssertionError(f"expected {status}, got {last[0].status_code}: {last[0].text[:300]}") from None
    return last[0]


def metric(registry: Any, name: str) -> float | None:
    value: float | None = registry.get_sample_value(name)
    return value


async def every_process_sees_psc(suite: Stack, *, reachable: bool) -> None:
    """Each process finds PSC gone (or back) at its next probe (every second here): wait for all."""
    registries = [suite.metrics.registry, *(b.running.metrics.registry for b in suite.backends.values())]
    want = 1.0 if reachable else 0.0

    def all_agree() -> bool:
        return all(metric(r, "vaxorders_psc_reachable") == want for r in registries)

    await eventually(all_agree, timeout=15, interval=0.1)


async def test_api_writes_under_grace_are_marked_then_refused_by_the_owning_services_reads_stay(
    suite: Stack, clock: ManualClock
) -> None:
    token = suite.psc.token_for(CLAIRE, lifetime=120)  # what PSC last gave before going away
    auth = bearer(token)
    async with suite.client() as client:
        before = await client.post(LINES, json=new_line("pfizer-adult", 3), headers=auth)
        assert before.status_code == 200, before.text

        suite.psc.running.stop()
        clock.advance(timedelta(minutes=5))  # the token expired 3 minutes ago; PSC cannot renew it
        under_grace = await post_until(client, LINES, new_line(), 200, headers=auth)
        line = under_grace.json()["line"]
        assert (await changes_of(client, line["name"], auth))[0]["underPscGrace"] is True
        assert (await changes_of(client, before.json()["line"]["name"], auth))[0].get("underPscGrace") is not True
        attached = await client.post(
            f"/api/v1/officines/{LILAS}/attachments",
            json={
                "identifierKind": "IDENTIFIER_KIND_RPPS",
                "identifier": "99700000153",
                "requestId": str(uuid.uuid4()),
            },
            headers=auth,
        )
        assert attached.status_code == 200, attached.text
        events = (await client.get(f"/api/v1/officines/{LILAS}/attachmentEvents", headers=auth)).json()["events"]
        marked = [e for e in events if e.get("underPscGrace")]
        assert [e["effecteur"] for e in marked] == ["effecteurs/rpps:99700000153"]  # the seeded history is not

        clock.advance(timedelta(minutes=30))  # 33 minutes after the expiry: past the 30 minutes of grace
        refused = await client.post(LINES, json=new_line("moderna", 1, "effecteurs/finess:759900111"), headers=auth)
        assert refused.status_code == 409, refused.text
        problem = refused.json()
        assert problem["reason"] == "PSC_UNAVAILABLE_READ_ONLY"
        assert "Pro Santé Connect ne répond pas" in problem["detail"] and "consulter" in problem["detail"]
        # Refused by effecteurs too, for its own data (the rule is each service's, not the gateway's).
        attach = await client.post(
            f"/api/v1/officines/{LILAS}/attachments",
            json={"identifierKind": "IDENTIFIER_KIND_RPPS", "identifier": "99700000112"},
            headers=auth,
        )
        assert (attach.status_code, attach.json()["reason"]) == (409, "PSC_UNAVAILABLE_READ_ONLY")

        reads = await client.get(LINES, headers=auth)
        assert reads.status_code == 200
        assert {row["name"] for row in reads.json()["lines"]} >= {line["name"]}

        suite.psc.running.restart()
        # PSC answers again: an expired token is refused (renew it), never graced any more.
        await eventually(lambda: _status(client, LINES, auth, 401), timeout=15, interval=0.1)
        fresh = bearer(suite.psc.token_for(CLAIRE, lifetime=120))
        after = await client.post(LINES, json=new_line("moderna", 1, "effecteurs/finess:759900111"), headers=fresh)
        assert after.status_code == 200, after.text
        assert (await changes_of(client, after.json()["line"]["name"], fresh))[0].get("underPscGrace") is not True


async def _status(client: httpx.AsyncClient, path: str, headers: dict[str, str], status: int) -> bool:
    return (await client.get(path, headers=headers)).status_code == status


async def test_a_logged_in_user_keeps_working_with_a_banner_and_gets_it_all_back_when_psc_returns(
    suite: Stack, clock: ManualClock
) -> None:
    async with suite.client() as browser, suite.client() as newcomer:
        await login(browser, CLAIRE)
        csrf = {"x-csrf-token": await csrf_token(browser), "origin": suite.base_url}
        assert GRACE_BANNER not in (await browser.get(DASHBOARD)).text

        suite.psc.running.stop()
        await every_process_sees_psc(suite, reachable=False)
        clock.advance(timedelta(minutes=4))  # the access token (120 s, 60 s leeway) has expired
        page = await browser.get(DASHBOARD)
        assert page.status_code == 200
        assert GRACE_BANNER in page.text and "jusqu'au lundi 7 mars 2022 à 10\u00a0h\u00a032" in html.unescape(
            page.text
        )
        written = await post_until(browser, LINES, new_line(), 200, headers=csrf)
        assert (await changes_of(browser, written.json()["line"]["name"], {}))[0]["underPscGrace"] is True

        # New logins: a French page, never a redirect to a PSC that does not answer.
        # (auth notices at its own next probe, within its interval)
        refused = await eventually(lambda: _login_status(newcomer, 503), timeout=15, interval=0.1)
        assert "Connexion momentanément impossible" in refused.text and "Pro Santé Connect" in refused.text
        assert refused.headers["retry-after"] == "60"
        assert GRACE_BANNER in (await newcomer.get("/")).text  # anonymous pages say it too

        # Operators' view: still ready (200) but degraded, and the gauges at 0.
        health = await browser.get("/healthz")
        assert health.status_code == 200
        assert health.json()["degraded"] is True and health.json()["psc"]["status"] == "UNREACHABLE"
        assert metric(suite.metrics.registry, "vaxorders_psc_reachable") == 0
        orders_metrics = suite.backends["orders"].running.metrics.registry
        assert metric(orders_metrics, "vaxorders_psc_reachable") == 0

        suite.psc.running.restart()
        await eventually(lambda: _page_without(browser, DASHBOARD, GRACE_BANNER), timeout=15, interval=0.1)
        again = await browser.post(LINES, json=new_line("pfizer-adult", 1), headers=csrf)
        assert again.status_code == 200, again.text
        assert (await changes_of(browser, again.json()["line"]["name"], {}))[0].get("underPscGrace") is not True
        assert (await browser.get("/healthz")).json()["degraded"] is False
        await eventually(lambda: metric(orders_metrics, "vaxorders_psc_reachable") == 1, timeout=15, interval=0.1)
        # auth finds PSC back at its own next probe: logins then go to PSC again.
        await eventually(lambda: _login_redirects(newcomer), timeout=15, interval=0.1)


async def _login_redirects(client: httpx.AsyncClient) -> bool:
    return (await client.get("/auth/login")).status_code == 303


async def _login_status(client: httpx.AsyncClient, status: int) -> httpx.Response | None:
    response = await client.get("/auth/login")
    return response if response.status_code == status else None


async def _page_without(client: httpx.AsyncClient, path: str, text: str) -> bool:
    page = await client.get(path)
    return page.status_code == 200 and text not in page.text


async def test_after_the_grace_pages_are_read_only_and_a_new_login_is_needed_once_psc_is_back(
    suite: Stack, clock: ManualClock
) -> None:
    async with suite.client() as browser:
        await login(browser, CLAIRE)
        csrf = {"x-csrf-token": await csrf_token(browser), "origin": suite.base_url}
        written = await browser.post(LINES, json=new_line(), headers=csrf)
        assert written.status_code == 200

        suite.psc.running.stop()
        await every_process_sees_psc(suite, reachable=False)
        clock.advance(timedelta(minutes=20))
        assert GRACE_BANNER in (await browser.get(DASHBOARD)).text  # a request: the session is not idle
        clock.advance(timedelta(minutes=15))  # 33 minutes after the token's expiry
        page = await browser.get(DASHBOARD)
        assert page.status_code == 200 and READ_ONLY_BANNER in page.text
        refused = await browser.post(LINES, json=new_line("pfizer-adult", 1), headers=csrf)
        assert refused.status_code == 409 and refused.json()["reason"] == "PSC_UNAVAILABLE_READ_ONLY"
        lines = await browser.get(LINES)
        assert [row["name"] for row in lines.json()["lines"]] == [written.json()["line"]["name"]]

        suite.psc.running.restart()

        # The refresh token (30 minutes) ran out during the outage: PSC is back, so log in again.
        async def sent_to_login() -> bool:
            response = await browser.get(DASHBOARD)
            return response.status_code == 303 and response.headers["location"].startswith("/auth/login")

        await eventually(sent_to_login, timeout=15, interval=0.1)
        # auth asks PSC again for a login once its last "no" is a second old (a login within
        # that second still gets the French page): wait until a login goes to PSC, as a user retries.
        async with suite.client() as newcomer:
            await eventually(lambda: _login_redirects(newcomer), timeout=15, interval=0.1)
        await login(browser, CLAIRE)
        assert READ_ONLY_BANNER not in (await browser.get(DASHBOARD)).text


async def test_psc_refusing_the_refresh_ends_the_session_without_grace(suite: Stack, clock: ManualClock) -> None:
    async with suite.client() as browser:
        await login(browser, CLAIRE)
        suite.psc.running.state.grants.end_session(await _psc_session_id(suite))  # revoked at PSC
        clock.advance(timedelta(minutes=3))
        response = await browser.get(DASHBOARD)
        assert response.status_code == 303 and response.headers["location"].startswith("/auth/login")
        assert GRACE_BANNER not in (await browser.get("/")).text


async def _psc_session_id(stack: Stack) -> str:
    """PSC's session id (sid) of the only web session, from its stored access token."""
    db = Database(stack.gateway_settings.resolved_database_url())
    try:
        async with db.read() as session:
            (row,) = list((await session.execute(select(WebSession))).scalars())
    finally:
        await db.dispose()
    keys = Keys(stack.gateway_settings.session_secret.get_secret_value())
    sealed = decrypt(keys.tokens, row.tokens)
    assert sealed is not None
    sid: str = jwt.get_unverified_claims(json.loads(sealed)["access"])["sid"]
    return sid
