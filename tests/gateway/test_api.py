"""The HTTP/JSON API against the real suite: statuses, problem+json bodies,
authentication by session cookie (with CSRF) or PSC bearer token, and
ownership (another officine's URL is "not found")."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.gateway.helpers import (
    CLAIRE,
    CONFLUENT,
    EHPAD,
    LILAS,
    LILAS_SELF,
    PMI,
    bearer,
    csrf_token,
    login,
)
from tests.gateway.stack import Stack

PROBLEM = "application/problem+json"
LINES = f"/api/v1/sessions/demo/officines/{LILAS}/lines"


def _line(effecteur: str, product: str, vials: int) -> dict:
    return {
        "line": {"effecteur": effecteur, "product": f"products/{product}", "vials": vials},
        "requestId": str(uuid.uuid4()),
    }


def _assert_problem(response: httpx.Response, status: int, reason: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["reason"] == reason
    assert body["title"] and body["detail"] and body["type"].startswith("urn:vaxorders:problem:")
    assert body["request_id"] == response.headers["x-request-id"]
    return body


async def test_without_session_or_token_the_api_answers_401_problem_json(stack: Stack) -> None:
    async with stack.client() as client:
        response = await client.get(f"/api/v1/officines/{LILAS}/attachments")
        body = _assert_problem(response, 401, "UNAUTHENTICATED")
        assert "Pro Santé Connect" in body["detail"]
        refused = await client.post(LINES, json=_line(LILAS_SELF, "moderna", 3))
        _assert_problem(refused, 401, "UNAUTHENTICATED")


async def test_a_malformed_authorization_header_is_a_401_not_a_cookie_fallback(stack: Stack) -> None:
    async with stack.client() as client:
        await login(client, CLAIRE)
        response = await client.get(f"/api/v1/officines/{LILAS}", headers={"authorization": "Basic abc"})
        _assert_problem(response, 401, "BAD_AUTHORIZATION_HEADER")


async def test_refusals_become_problem_json_with_the_backends_french_message_and_field_errors(stack: Stack) -> None:
    token = stack.psc.token_for(CLAIRE)
    async with stack.client(headers=bearer(token)) as client:
        invalid = await client.post(LINES, json=_line(LILAS_SELF, "moderna", 0))
        body = _assert_problem(invalid, 400, invalid.json()["reason"])
        assert [e["field"] for e in body["errors"]] == ["line.vials"]
        assert all(e["detail"] for e in body["errors"])

        closed = await client.post(LINES, json=_line(PMI, "moderna", 2))
        body = _assert_problem(closed, 409, closed.json()["reason"])
        assert "PMI" in body["detail"] and "ouvert" in body["detail"]

        over_cap = await client.post(LINES, json=_line(EHPAD, "moderna", 11))
        body = _assert_problem(over_cap, 429, over_cap.json()["reason"])
        assert "10" in body["detail"]

        created = await client.post(LINES, json=_line(EHPAD, "pfizer-adult", 10))
        assert created.status_code == 200, created.text
        again = await client.post(LINES, json=_line(EHPAD, "pfizer-adult", 1))
        body = _assert_problem(again, 409, again.json()["reason"])
        assert created.json()["line"]["name"] in body["detail"] + str(body.get("metadata", {}))


async def test_json_follows_protobufs_json_mapping(stack: Stack) -> None:
    async with stack.client(headers=bearer(stack.psc.token_for(CLAIRE))) as client:
        created = await client.post(LINES, json=_line(LILAS_SELF, "pfizer-adult", 7))
        line = created.json()["line"]
        assert set(line) >= {
            "name",
            "effecteur",
            "product",
            "vials",
            "effecteurType",
            "vialsFromRequests",
            "etag",
            "createTime",
        }
        assert line["effecteurType"] == "EFFECTEUR_TYPE_PHARMACIEN"
        assert line["createTime"].endswith("Z")

        line_path = "/api/v1/" + line["name"]
        changed = await client.patch(line_path, json={"line": {"vials": 9, "etag": line["etag"]}})
        assert changed.status_code == 200, changed.text
        assert changed.json()["line"]["vials"] == 9
        stale = await client.patch(line_path, json={"line": {"vials": 8, "etag": line["etag"]}})
        _assert_problem(stale, 409, stale.json()["reason"])

        unknown_field = await client.post(LINES, json={"line": {"vialz": 3}})
        _assert_problem(unknown_field, 400, "INVALID_JSON_FIELD")
        not_json = await client.post(LINES, content=b"{nope", headers={"content-type": "application/json"})
        _assert_problem(not_json, 400, "MALFORMED_JSON")
        bad_query = await client.get("/api/v1/products?pageSize=lots")
        body = _assert_problem(bad_query, 400, "INVALID_ARGUMENT")
        assert body["errors"][0]["field"] == "pageSize"


async def test_another_officines_urls_are_not_found(stack: Stack) -> None:
    async with stack.client() as client:
        await login(client, CLAIRE)
        for path in (
            f"/api/v1/officines/{CONFLUENT}",
            f"/api/v1/officines/{CONFLUENT}/attachments",
            f"/api/v1/sessions/demo/officines/{CONFLUENT}/lines",
            f"/api/v1/sessions/demo/officines/{CONFLUENT}/requests",
        ):
            _assert_problem(await client.get(path), 404, (await client.get(path)).json()["reason"])
        page = await client.get(f"/officines/{CONFLUENT}/commande")
        assert page.status_code == 404
        assert "text/html" in page.headers["content-type"]
        assert "Introuvable" in page.text and "Pharmacie du Confluent" not in page.text
        mine = await client.get(f"/api/v1/officines/{LILAS}")
        assert mine.status_code == 200


async def test_cookie_sessions_need_the_csrf_token_and_our_origin_to_change_anything(stack: Stack) -> None:
    async with stack.client() as client:
        await login(client, CLAIRE)
        token = await csrf_token(client)
        ours = {"origin": stack.base_url}

        no_token = await client.post(LINES, json=_line(LILAS_SELF, "moderna", 2), headers=ours)
        _assert_problem(no_token, 403, "CSRF_TOKEN_INVALID")
        wrong_token = await client.post(
            LINES, json=_line(LILAS_SELF, "moderna", 2), headers={**ours, "x-csrf-token": "x" * 43}
        )
        _assert_problem(wrong_token, 403, "CSRF_TOKEN_INVALID")
        foreign = await client.post(
            LINES,
            json=_line(LILAS_SELF, "moderna", 2),
            headers={"origin": "https://evil.example", "x-csrf-token": token},
        )
        _assert_problem(foreign, 403, "CSRF_ORIGIN_MISMATCH")
        no_origin = await client.post(LINES, json=_line(LILAS_SELF, "moderna", 2), headers={"x-csrf-token": token})
        _assert_problem(no_origin, 403, "CSRF_ORIGIN_MISMATCH")
        assert (await client.get(LINES)).json()["lines"] == []  # nothing refused was written

        form = await client.post(f"/officines/{LILAS}/commande?session=demo", data={"v|x": "1"}, headers=ours)
        assert form.status_code == 403 and "Rechargez la page" in form.text

        accepted = await client.post(
            LINES, json=_line(LILAS_SELF, "moderna", 2), headers={**ours, "x-csrf-token": token}
        )
        assert accepted.status_code == 200, accepted.text
        by_referer = await client.post(
            LINES,
            json=_line(EHPAD, "moderna", 1),
            headers={"referer": f"{stack.base_url}/officines/{LILAS}", "x-csrf-token": token},
        )
        assert by_referer.status_code == 200, by_referer.text


async def test_bearer_clients_need_no_csrf_and_no_cookie(stack: Stack) -> None:
    async with stack.client() as client:
        response = await client.post(
            LINES, json=_line(LILAS_SELF, "moderna", 4), headers=bearer(stack.psc.token_for(CLAIRE))
        )
        assert response.status_code == 200, response.text
        assert "set-cookie" not in response.headers
        me = await client.get("/api/v1/me", headers=bearer(stack.psc.token_for(CLAIRE)))
        assert me.json()["principal"]["actsFor"] == [f"officines/{LILAS}"]


async def test_idempotency_key_header_makes_a_retried_create_create_once(stack: Stack) -> None:
    key = str(uuid.uuid4())
    body = {"line": {"effecteur": LILAS_SELF, "product": "products/moderna", "vials": 3}}
    async with stack.client(headers=bearer(stack.psc.token_for(CLAIRE))) as client:
        first = await client.post(LINES, json=body, headers={"idempotency-key": key})
        second = await client.post(LINES, json=body, headers={"idempotency-key": key})
        assert first.status_code == second.status_code == 200
        assert first.json()["line"]["name"] == second.json()["line"]["name"]
        assert len((await client.get(LINES)).json()["lines"]) == 1


async def test_openapi_lists_every_api_route_and_method(stack: Stack) -> None:
    from starlette.routing import Route  # noqa: PLC0415

    async with stack.client() as client:
        document = (await client.get("/api/v1/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    app = stack._server.config.app
    served = {
        (route.path, method.lower())
        for route in app.routes
        if isinstance(route, Route)
        and route.path.startswith("/api/v1/")
        and route.path not in ("/api/v1/openapi.json", "/api/v1/docs")
        for method in route.methods - {"HEAD"}
    }
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert served == documented
    assert len(served) > 50
    line = document["components"]["schemas"]["vaxorders.orders.v1.OrderLine"]["properties"]
    assert line["vialsFromRequests"] == {"type": "integer", "format": "int32"}
    assert line["createTime"] == {"type": "string", "format": "date-time"}


async def test_api_docs_page_lists_the_routes_in_french(stack: Stack) -> None:
    async with stack.client() as client:
        page = await client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "Documentation de l'API" in page.text and "/api/v1/sessions/{session}/officines/{finess}/lines" in page.text


async def test_csv_quota_export_and_import_round_trip_through_the_api(stack: Stack) -> None:
    operator = bearer(stack.psc.token_for("899700000906"))
    async with stack.client(headers=operator) as client:
        exported = await client.get("/api/v1/sessions/demo/quotaTables/current:exportCsv")
        assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
        assert "EHPAD,10," in exported.text
        check = await client.post(
            "/api/v1/sessions/demo/quotaTables:importCsv?validateOnly=true",
            content=exported.content,
            headers={"content-type": "text/csv"},
        )
        assert check.status_code == 200, check.text
        assert check.json()["quotaTable"]["rules"]
        broken = await client.post(
            "/api/v1/sessions/demo/quotaTables:importCsv",
            content=b"type,moderna\nMEDECIN,beaucoup\n",
            headers={"content-type": "text/csv"},
        )
        body = _assert_problem(broken, 400, broken.json()["reason"])
        assert body["errors"] and body["errors"][0]["field"] == "csv"
        versions = await client.get("/api/v1/sessions/demo/quotaTables")
        assert [t["version"] for t in versions.json()["quotaTables"]] == [1]


async def test_an_anonymous_api_client_may_use_public_routes_without_cookies(stack: Stack) -> None:
    async with stack.client() as client:
        state = await client.get("/api/v1/serviceState")
        assert state.status_code == 200 and state.json()["state"] == "SERVICE_STATE_OPEN_FOR_ORDERS"
        assert "set-cookie" not in state.headers
        sent = await client.post(
            "/api/v1/supportRequests",
            json={"supportRequest": {"contactEmail": "a@example.test", "subject": "Question", "body": "Bonjour ?"}},
        )
        assert sent.status_code == 200, sent.text
        assert sent.json()["supportRequest"]["name"].startswith("supportRequests/")


async def test_requests_are_counted_by_route_template_not_by_officine(stack: Stack) -> None:
    async with stack.client() as client:
        for finess in (LILAS, CONFLUENT):
            await client.get(f"/api/v1/officines/{finess}/attachments")
    value = stack.metrics.registry.get_sample_value(
        "http_requests_total",
        {"method": "GET", "route": "/api/v1/officines/{finess}/attachments", "status": "401"},
    )
    assert value == 2
    series = [s for m in stack.metrics.registry.collect() for s in m.samples if s.name == "http_requests_total"]
    assert not any(LILAS in s.labels["route"] or CONFLUENT in s.labels["route"] for s in series)


async def test_a_batch_write_saves_and_refuses_each_line_and_a_retry_runs_once(stack: Stack) -> None:
    batch = f"{LINES}:batchWrite"
    body = {
        "writes": [
            {"create": {"effecteur": LILAS_SELF, "product": "products/moderna", "vials": 2}},
            {"create": {"effecteur": LILAS_SELF, "product": "products/moderna", "vials": 3}},  # the same cell
        ]
    }
    key = str(uuid.uuid4())
    async with stack.client(headers=bearer(stack.psc.token_for(CLAIRE))) as client:
        first = await client.post(batch, json=body, headers={"idempotency-key": key})
        assert first.status_code == 200, first.text
        saved, refused = first.json()["results"]
        assert saved["saved"] is True and saved["line"]["vials"] == 2
        assert refused.get("saved", False) is False and refused["reason"] == "INVALID_ARGUMENT"
        assert "même enregistrement" in refused["message"]
        again = await client.post(batch, json=body, headers={"idempotency-key": key})
        assert again.json() == first.json()
        assert [x["vials"] for x in (await client.get(LINES)).json()["lines"]] == [2]
        other = await client.post(f"/api/v1/sessions/demo/officines/{CONFLUENT}/lines:batchWrite", json=body)
        _assert_problem(other, 404, other.json()["reason"])
        too_many = await client.post(batch, json={"writes": body["writes"][:1] * 201})
        assert "Au plus 200 lignes" in _assert_problem(too_many, 400, "INVALID_ARGUMENT")["detail"]
        document = (await client.get("/api/v1/openapi.json")).json()
        assert "post" in document["paths"]["/api/v1/sessions/{session}/officines/{finess}/lines:batchWrite"]
