"""PSC access tokens for the virtual pharmacists and médecins, minted through the
local issuer's public minting entry point (services.auth.dev_issuer:
AccessTokenMinter, with the issuer's own key and claim layout), so every service
validates them exactly as it validates a real login: signature against the
issuer's JWKS, iss, aud, acr, and the SubjectRefPro activities that say who may
act for what. A login per identity through the authorize flow would take longer
than the rush it prepares.
"""

from __future__ import annotations

from pathlib import Path

from bench.dataset import Effecteur, Officine, titulaire_activity
from services.auth.dev_issuer import AccessTokenMinter, Identity

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
        self._minter = AccessTokenMinter(issuer, keys_dir, CLIENT_ID, lifetime=LIFETIME_SECONDS)

    def token(self, identity: Identity) -> str:
        return self._minter.token(identity)
