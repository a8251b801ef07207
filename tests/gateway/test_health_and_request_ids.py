"""GET /healthz reflects every backend's gRPC health; every HTTP request gets
its own request id, returned in X-Request-Id and carried to the backends."""

from __future__ import annotations

import io
import uuid

from tests.conftest import log_events
from tests.gateway.helpers import CLAIRE, LILAS, login
from tests.gateway.stack import Stack
from tests.support.polling import eventually


async def test_healthz_is_200_when_every_backend_serves_and_503_naming_the_one_that_stopped(stack: Stack) -> None:
    async with stack.client() as client:
        healthy = await client.get("/healthz")
        assert healthy.status_code == 200
        assert healthy.json()["backends"] == dict.fromkeys(
            ("auth", "effecteurs", "sessions", "orders", "mailer"), "SERVING"
        )

        await stack.stop_backend("orders")
        degraded = await client.get("/healthz")
        assert degraded.status_code == 503
        assert degraded.json()["failing"] == ["orders"]
        assert degraded.json()["backends"]["sessions"] == "SERVING"


async def test_a_stopped_backend_gives_a_503_problem_in_french(stack: Stack) -> None:
    async with stack.client() as client:
        await login(client, CLAIRE)
        await stack.stop_backend("orders")
        response = await client.get(f"/api/v1/sessions/demo/officines/{LILAS}/lines")
        assert response.status_code == 503
        body = response.json()
        assert body["reason"] == "DEPENDENCY_UNAVAILABLE"
        assert "Réessayez" in body["detail"] and "connect" not in body["detail"].lower()
        page = await client.get(f"/officines/{LILAS}/commande")
        assert page.status_code == 503 and "Réessayez dans un instant" in page.text


async def test_each_request_gets_its_own_id_and_the_backends_log_it(stack: Stack, json_logs: io.StringIO) -> None:
    async with stack.client() as client:
        await login(client, CLAIRE)
        first = await client.get(f"/api/v1/officines/{LILAS}/attachments")
        second = await client.get(f"/api/v1/officines/{LILAS}/attachments")
    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert ids[0] != ids[1]
    assert all(uuid.UUID(i).version == 4 for i in ids)

    def rpc_events() -> list[dict]:
        return [e for e in log_events(json_logs) if e.get("event") == "rpc" and e.get("request_id") == ids[0]]

    events = await eventually(rpc_events)
    assert {e["rpc_method"] for e in events} == {"/vaxorders.effecteurs.v1.EffecteurService/ListAttachments"}
    assert all(e["caller"] == CLAIRE for e in events)
    http = [e for e in log_events(json_logs) if e.get("event") == "http" and e.get("request_id") == ids[0]]
    assert len(http) == 1 and http[0]["status"] == 200 and http[0]["caller"] == CLAIRE
