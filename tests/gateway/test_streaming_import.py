"""Client-streaming calls through the gateway carry the caller's identity,
as unary calls do: the attachments import reaches the real effecteurs
service as the caller, who gets its report (or its own refusal)."""

from __future__ import annotations

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
