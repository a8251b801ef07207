"""What the gateway's tests share: the dataset's people, and logging in
through the real code flow (gateway -> AuthService -> local PSC issuer)."""

from __future__ import annotations

import re

import httpx

CLAIRE = "899700000013"  # titulaire, Pharmacie des Lilas (officines/759900111)
KARIM = "899700000021"  # titulaire, Pharmacie du Confluent (officines/699900122)
ADJOINT = "899700000047"  # section D at Pharmacie des Lilas: may do nothing here
DR_DUBOIS = "899700000104"  # médecin, effecteurs/rpps:99700000104, attached to Lilas
OPERATOR = "899700000906"
LILAS = "759900111"
CONFLUENT = "699900122"
EHPAD = "effecteurs/finess:759901010"
PMI = "effecteurs/finess:759901028"
LILAS_SELF = "effecteurs/finess:759900111"


async def login(client: httpx.AsyncClient, national_id: str) -> httpx.Response:
    """The whole code flow; login_hint makes the local issuer skip its identity page."""
    response = await client.get(f"/auth/login?login_hint={national_id}", follow_redirects=True)
    assert response.status_code in (200, 403), response.text[:500]
    return response


async def csrf_token(client: httpx.AsyncClient) -> str:
    """The session's synchronizer token, as every page carries it."""
    page = await client.get("/aide")
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert match, "no CSRF token on the page"
    return match.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}
