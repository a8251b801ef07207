"""What the HTTP API fuzzer (tests/fuzz/test_http_api_fuzz.py) found wrong in the API's edge and
its OpenAPI document, each fixed and kept fixed here."""

from __future__ import annotations

from tests.gateway.helpers import OPERATOR, bearer
from tests.gateway.stack import Stack


async def test_the_document_server_is_the_origin_since_the_paths_hold_the_api_prefix(stack: Stack) -> None:
    async with stack.client() as client:
        document = (await client.get("/api/v1/openapi.json")).json()
        (server,) = document["servers"]
        path = "/api/v1/serviceState"
        assert path in document["paths"]
        # A client joins server URL and path: that must be where the operation answers.
        answer = await client.get(server["url"] + path)
        assert answer.status_code == 200, answer.text[:300]


async def test_a_method_a_path_does_not_have_is_a_405_naming_the_ones_it_has(stack: Stack) -> None:
    async with stack.client(headers=bearer(stack.psc.token_for(OPERATOR))) as client:
        response = await client.request("TRACE", "/api/v1/sessions")
        assert response.status_code == 405
        assert set(response.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
        assert response.json()["title"] == "Méthode non autorisée"


async def test_operations_with_a_body_declare_the_415_they_answer_to_another_content_type(stack: Stack) -> None:
    async with stack.client(headers=bearer(stack.psc.token_for(OPERATOR))) as client:
        document = (await client.get("/api/v1/openapi.json")).json()
        operation = document["paths"]["/api/v1/sessions/{session}/quotaTables:importCsv"]["post"]
        assert "415" in operation["responses"]
        response = await client.post(
            "/api/v1/sessions/2022-03-07/quotaTables:importCsv", content=b"x", headers={"content-type": "image/png"}
        )
        assert response.status_code == 415


async def test_a_name_a_dependency_refuses_is_the_callers_400_not_a_503(stack: Stack) -> None:
    """Found by the HTTP fuzzer: the mailer passed sessions' INVALID_ARGUMENT on as UNAVAILABLE
    (503, "réessayez"), which no retry can cure."""
    async with stack.client(headers=bearer(stack.psc.token_for(OPERATOR))) as client:
        response = await client.post("/api/v1/sessions/HT:sendDeliveryConfirmations", json={})
        assert response.status_code == 400, response.text[:300]
        assert response.json()["detail"].startswith("Nom de session invalide")
        unknown = await client.post("/api/v1/sessions/2099-01-05:sendDeliveryConfirmations", json={})
        assert unknown.status_code == 404, unknown.text[:300]
