"""Client-streaming calls through the gateway carry the caller's identity,
as unary calls do: the attachments import reaches the real effecteurs
service as the caller, who gets its report (or its own refusal)."""

from __future__ import annotations

from tests.gateway.friday import SESSION
from tests.gateway.helpers import CLAIRE, LILAS, OPERATOR, bearer
from tests.gateway.stack import Stack

IMPORT = "/api/v1/attachments:import"
CSV = (
    "officine_finess,effecteur_identifier,type,name,email\n"
    f"{LILAS},rpps:99700000203,MEDECIN,Dr Import Test,import.test@example.org\n"
    f"{LILAS},rpps:123,MEDECIN,Dr Mauvais,mauvais@example.org\n"
)


async def test_a_streaming_import_is_made_as_the_caller_and_returns_the_services_report(stack: Stack) -> None:
    headers = {**bearer(stack.psc.token_for(OPERATOR)), "content-type": "text/csv"}
    async with stack.client(headers=headers) as client:
        dry = await client.post(IMPORT, params={"dryRun": "true", "filename": "essai.csv"}, content=CSV.encode())
        assert dry.status_code == 200, dry.text
        report = dry.json()
        assert report["dryRun"] is True
        assert report["rowsRead"] == 2 and report["rowsRejected"] == 1, report
        assert report["rejected"][0]["line"] == 3

        real = await client.post(IMPORT, content=CSV.encode())
        assert real.status_code == 200, real.text
        assert real.json()["rowsAccepted"] == 1, real.json()
        again = await client.post(IMPORT, content=CSV.encode())
        assert again.json()["rowsUnchanged"] == 1, again.json()


async def test_a_streaming_import_by_an_officine_is_refused_as_that_officine_not_as_anonymous(stack: Stack) -> None:
    headers = {**bearer(stack.psc.token_for(CLAIRE)), "content-type": "text/csv"}
    async with stack.client(headers=headers) as client:
        refused = await client.post(IMPORT, content=CSV.encode())
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")


async def test_a_server_streaming_export_is_made_as_the_caller_and_streams_the_csv(friday: Stack) -> None:
    async with friday.client(headers=bearer(friday.psc.token_for(OPERATOR))) as client:
        for layout in ("LAYOUT_CONSOLIDATED", "LAYOUT_DETAIL"):
            response = await client.get(f"/api/v1/sessions/{SESSION}/orders:export", params={"layout": layout})
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].startswith("text/csv")
            assert response.text.count("\n") > 1, response.text

    async with friday.client(headers=bearer(friday.psc.token_for(CLAIRE))) as client:
        refused = await client.get(f"/api/v1/sessions/{SESSION}/orders:export")
        assert refused.status_code == 403, refused.text
