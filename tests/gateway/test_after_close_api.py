"""The /api/v1 routes after a session's close, against the real suite: the
operator's Friday (supply, preview, publish, delivery plan, dry run, send,
reports), refusals as problem+json with the right status, and ownership of
deliveries (an officine never sees another's, an effecteur only its own)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.gateway.friday import (
    DUBOIS,
    MODERNA_ORDERED,
    MODERNA_SUPPLY,
    SESSION,
    operator,
    record_supply_and_publish,
)
from tests.gateway.helpers import (
    CLAIRE,
    CONFLUENT,
    DR_DUBOIS,
    LILAS,
    OPERATOR,
    bearer,
    csrf_token,
    login,
)
from tests.gateway.stack import Stack

PROBLEM = "application/problem+json"
S = f"/api/v1/sessions/{SESSION}"


def _assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["detail"] and body["request_id"] == response.headers["x-request-id"]
    return body


async def test_the_operator_walks_the_friday_through_the_api(friday: Stack) -> None:
    async with friday.client(headers=operator(friday)) as client:
        empty = await client.get(f"{S}/supply")
        assert empty.status_code == 200 and empty.json()["supply"]["products"] == []
        preview = (await client.get(f"{S}:previewAllocation")).json()["allocation"]
        assert {p["product"]: p["supplyMissing"] for p in preview["products"]} == {
            "products/moderna": True,
            "products/pfizer-adult": True,
        }
        allocation = await record_supply_and_publish(friday)
        moderna = next(p for p in allocation["products"] if p["product"] == "products/moderna")
        assert (moderna["orderedVials"], moderna["confirmedVials"]) == (MODERNA_ORDERED, MODERNA_SUPPLY)
        assert moderna["linesReduced"] > 0
        published = (await client.get(f"{S}/allocation")).json()["allocation"]
        assert published["publishBy"] and published["publishTime"].startswith("2022-03-09")

        plan = (await client.get(f"{S}/deliveryPlan")).json()["deliveryPlan"]
        assert (plan["deliveryFromDate"], plan["deliveryToDate"], plan["defaultDate"]) == (
            "2022-03-18",
            "2022-03-22",
            "2022-03-18",
        )
        moved = await client.post(
            f"{S}/deliveryPlan:setDate",
            json={"override": {"department": "69", "date": "2022-03-19"}, "requestId": str(uuid.uuid4())},
        )
        assert moved.status_code == 200, moved.text
        assert [(o["department"], o["date"]) for o in moved.json()["deliveryPlan"]["overrides"]] == [
            ("69", "2022-03-19")
        ]
        deliveries = (await client.get("/api/v1/sessions/-/officines/-/deliveries")).json()["deliveries"]
        assert {d["finess"]: d["deliveryDate"] for d in deliveries} == {CONFLUENT: "2022-03-19", LILAS: "2022-03-18"}

        dry = await client.post(f"{S}:sendDeliveryConfirmations", json={"dryRun": True})
        assert dry.status_code == 200, dry.text
        run = dry.json()["run"]
        assert run["dryRun"] is True and run["queued"] == 0
        assert {r["displayName"] for r in run["planned"]} >= {
            "Pharmacie des Lilas",
            "Jeanne Dubois",
            "Amina Traoré",
            "Paul Roux",
        }
        sent = await client.post(f"{S}:sendDeliveryConfirmations", json={"requestId": str(uuid.uuid4())})
        assert sent.status_code == 200, sent.text
        assert sent.json()["run"]["queued"] == len(run["planned"]) - len(run["missingAddress"])
        again = await client.post(f"{S}:sendDeliveryConfirmations", json={"requestId": str(uuid.uuid4())})
        assert again.json()["run"]["queued"] == 0  # one e-mail per (session, recipient), ever

        runs = (await client.get(f"{S}/confirmationRuns")).json()["runs"]
        assert sorted(r["dryRun"] for r in runs) == [False, False, True]  # the manual clock gives them one time
        lilas = next(
            d for d in (await client.get(f"/api/v1/sessions/-/officines/{LILAS}/deliveries")).json()["deliveries"]
        )
        assert lilas["confirmationSentTime"].startswith("2022-03-09") and lilas["announcedDate"] == "2022-03-18"


async def test_refusals_of_the_friday_routes_are_problems_with_the_right_status(friday: Stack) -> None:
    async with friday.client(headers=operator(friday)) as client:
        # Before publication: sending and reading the allocation are refused, nothing is queued.
        early = await client.post(f"{S}:sendDeliveryConfirmations", json={"dryRun": True})
        _assert_problem(early, 409)
        _assert_problem(await client.get(f"{S}/allocation"), 404)
        _assert_problem(await client.post("/api/v1/sessions/2031-01-05:sendDeliveryConfirmations", json={}), 404)
        # Field violations carry the JSON path of the field.
        negative = await client.put(
            f"{S}/supply", json={"supply": {"products": [{"product": "products/moderna", "vials": -1}]}}
        )
        body = _assert_problem(negative, 400)
        assert body["errors"] and all(e["field"].startswith("supply.") for e in body["errors"])
        await record_supply_and_publish(friday)
        outside = await client.post(
            f"{S}/deliveryPlan:setDate", json={"override": {"department": "75", "date": "2022-03-25"}}
        )
        body = _assert_problem(outside, 400)
        assert any(e["field"] == "override.date" for e in body["errors"]), body
        bad_csv = await client.post(
            f"{S}/deliveryPlan:importCsv?validateOnly=true",
            content=b"finess,departement,date\n123456789,,2022-03-19\n,75,2022-04-01\n",
            headers={"content-type": "text/csv"},
        )
        body = _assert_problem(bad_csv, 400)
        assert len(body["errors"]) >= 2, body
        assert (await client.get(f"{S}/deliveryPlan")).json()["deliveryPlan"]["overrides"] == []  # nothing stored
        not_csv = await client.post(f"{S}/deliveryPlan:importCsv", json={})
        _assert_problem(not_csv, 415)
        # The same supply cannot change once published.
        late = await client.put(
            f"{S}/supply", json={"supply": {"products": [{"product": "products/moderna", "vials": 50}]}}
        )
        assert late.status_code in (400, 409), late.text
    async with friday.client(headers=bearer(friday.psc.token_for(CLAIRE))) as client:
        _assert_problem(await client.post(f"{S}:sendDeliveryConfirmations", json={"dryRun": True}), 403)
        _assert_problem(await client.get(f"{S}/supply"), 403)
    async with friday.client() as anonymous:
        _assert_problem(await anonymous.get(f"{S}/deliveryPlan"), 401)


async def test_an_officine_sees_only_its_own_deliveries_and_an_effecteur_only_its_own_lines(friday: Stack) -> None:
    await record_supply_and_publish(friday)
    async with friday.client(headers=bearer(friday.psc.token_for(CLAIRE))) as client:
        mine = (await client.get(f"/api/v1/sessions/-/officines/{LILAS}/deliveries")).json()["deliveries"]
        assert [d["finess"] for d in mine] == [LILAS]
        assert {line["effecteur"] for line in mine[0]["lines"]} >= {DUBOIS}
        other = await client.get(f"/api/v1/sessions/-/officines/{CONFLUENT}/deliveries")
        assert other.status_code == 404 or other.json()["deliveries"] == [], other.text
        everyone = await client.get("/api/v1/sessions/-/officines/-/deliveries")
        assert everyone.status_code in (400, 403, 404) or [d["finess"] for d in everyone.json()["deliveries"]] == [
            LILAS
        ]
    async with friday.client(headers=bearer(friday.psc.token_for(DR_DUBOIS))) as client:
        own = await client.get("/api/v1/sessions/-/officines/-/deliveries", params={"effecteur": DUBOIS})
        assert own.status_code == 200, own.text
        lines = [line for d in own.json()["deliveries"] for line in d["lines"]]
        assert lines and {line["effecteur"] for line in lines} == {DUBOIS}
        someone_else = await client.get(
            "/api/v1/sessions/-/officines/-/deliveries", params={"effecteur": "effecteurs/rpps:99700000120"}
        )
        assert someone_else.status_code in (400, 403, 404) or someone_else.json()["deliveries"] == [], someone_else.text


async def test_the_openapi_document_lists_the_friday_routes(stack: Stack) -> None:
    async with stack.client() as client:
        paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    expected = {
        "/api/v1/sessions/{session}/supply": {"get", "put"},
        "/api/v1/sessions/{session}:previewAllocation": {"get"},
        "/api/v1/sessions/{session}:publishAllocation": {"post"},
        "/api/v1/sessions/{session}/allocation": {"get"},
        "/api/v1/sessions/{session}/deliveryPlan": {"get"},
        "/api/v1/sessions/{session}/deliveryPlan:setDate": {"post"},
        "/api/v1/sessions/{session}/deliveryPlan:clearDate": {"post"},
        "/api/v1/sessions/{session}/deliveryPlan:importCsv": {"post"},
        "/api/v1/sessions/{session}/officines/{finess}/deliveries": {"get"},
        "/api/v1/sessions/{session}:sendDeliveryConfirmations": {"post"},
        "/api/v1/sessions/{session}/confirmationRuns": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths.get(path, {})), path
    send = paths["/api/v1/sessions/{session}:sendDeliveryConfirmations"]["post"]
    assert "dryRun" in str(send["requestBody"]) or "dryRun" in send["summary"]
    csv = paths["/api/v1/sessions/{session}/deliveryPlan:importCsv"]["post"]
    assert "text/csv" in csv["requestBody"]["content"]


async def test_a_browser_session_needs_the_csrf_token_to_send_confirmations(friday: Stack) -> None:
    await record_supply_and_publish(friday)
    async with friday.client() as client:
        await login(client, OPERATOR)
        ours = {"origin": friday.base_url}
        forged = await client.post(f"{S}:sendDeliveryConfirmations", json={"dryRun": True}, headers=ours)
        _assert_problem(forged, 403)
        token = await csrf_token(client)
        dry = await client.post(
            f"{S}:sendDeliveryConfirmations", json={"dryRun": True}, headers={**ours, "x-csrf-token": token}
        )
        assert dry.status_code == 200, dry.text
        assert dry.json()["run"]["queued"] == 0
