"""PSC access tokens for the virtual pharmacists and médecins, minted with the
local issuer's own signing key (services/auth/dev_issuer) and its own claim
layout (Minter.access_claims), so every service validates them exactly as it
validates a real login: signature against the issuer's JWKS, iss, aud, acr,
and the SubjectRefPro activities that say who may act for what.

Signing goes through a key object built once: python-jose re-parses a PEM key
on every call, which costs tens of milliseconds and would make minting 6,000
tokens the longest part of the run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jose import jwk, jwt

from bench.dataset import Effecteur, Officine, titulaire_activity
from services.auth.dev_issuer.identities import Identity
from services.auth.dev_issuer.keys import ALGORITHM, KeyStore
from services.auth.dev_issuer.tokens import Minter, new_session
from services.common.clock import SystemClock

CLIENT_ID = "vaxorders-gateway"
# Longer than any run, including a national one: the services' clock is set to the
# Monday of the session, so only exp matters and it is far ahead either way.
LIFETIME_SECONDS = 6 * 3600


def officine_identity(o: Officine) -> Identity:
    """The titulaire of a bench officine: pharmacien, section A at its FINESS."""
    return Identity(
        national_id=o.titulaire,
        given_name="Titulaire",
        family_name=f"Bench {o.index}",
        profession_code="21",
        activities=(titulaire_activity(o),),
        rpps=o.titulaire[1:],
    )


def medecin_identity(e: Effecteur, o: Officine) -> Identity:
    """A médecin in private practice: acts for its own effecteur record only."""
    return Identity(
        national_id=e.national_id,
        given_name="Médecin",
        family_name=e.name,
        profession_code="10",
        activities=(
            {
                "codeModeExercice": "L",
                "codeSecteurDactivite": "SA07",  # cabinet individuel
                "codeSectionPharmacien": "",
                "numeroFinessSite": "",
                "numeroSiretSite": "",
                "raisonSocialeSite": f"Cabinet {e.name}",
                "codePostal": f"{o.department}001",
                "libelleCommune": f"Commune {o.department}",
            },
        ),
        rpps=e.key.partition(":")[2],
    )


class TokenMint:
    def __init__(self, issuer: str, keys_dir: Path) -> None:
        store = KeyStore(keys_dir)
        store.ensure()
        signing = store.signing_key()
        self._kid = signing.kid
        self._key = jwk.construct(signing.private_pem, ALGORITHM)
        self._minter = Minter(issuer, store, SystemClock())

    def token(self, identity: Identity) -> str:
        now = datetime.now(UTC)
        claims: dict[str, Any] = self._minter.access_claims(
            new_session(identity, CLIENT_ID, now), now=int(now.timestamp()), lifetime=LIFETIME_SECONDS
        )
        return jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"kid": self._kid, "typ": "JWT"})
