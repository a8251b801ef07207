"""Effecteurs service under test: the domain on a fresh migrated database seeded
from the reference dataset through the real seed (and so the real import), with
principals mapped by the real PSC claim mapping from the dataset identities."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from services.common.clock import ManualClock
from services.common.context import Principal
from services.common.db import Database
from services.common.psc_claims import principal_from_claims
from services.effecteurs.attachments import AttachmentService
from services.effecteurs.clients import OpenGate
from services.effecteurs.identifiers import luhn_valid
from services.effecteurs.importer import AttachmentImporter
from services.effecteurs.seed import seed_dataset
from services.effecteurs.service import DirectoryService
from services.effecteurs.spec import SPEC

PARIS = ZoneInfo("Europe/Paris")
ROOT_DIR = Path(__file__).resolve().parent.parent.parent

OPERATOR = "899700000906"
TITULAIRE_LILAS = "899700000013"
LILAS = "759900111"
TITULAIRE_CONFLUENT = "899700000021"
CONFLUENT = "699900122"
TITULAIRE_VIEUX_PORT = "899700000039"
VIEUX_PORT = "139900138"
ADJOINT_LILAS = "899700000047"  # section D: acts for no officine
DUBOIS = "899700000104"  # médecin, effecteurs/rpps:99700000104, attached to Lilas
GIRARD = "899700000153"  # médecin, effecteurs/rpps:99700000153, attached nowhere
MEDECIN_EHPAD = "899700000161"  # acts for effecteurs/finess:759901010 (attached to Lilas)


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=PARIS)


def with_key(prefix: str) -> str:
    """prefix + the digit that makes the Luhn key right: a fresh valid number."""
    return next(prefix + d for d in "0123456789" if luhn_valid(prefix + d))


@pytest.fixture
def principal(psc) -> Callable[[str], Principal]:  # type: ignore[no-untyped-def]
    """The Principal a dataset identity gets from its PSC claims."""

    def make(national_id: str) -> Principal:
        return principal_from_claims(psc.claims_for(national_id), psc.operators)

    return make


@pytest.fixture
def clock() -> ManualClock:
    # Friday of the reference week, familiarisation (PREVIEW) period.
    return ManualClock(paris(2022, 3, 4, 10, 0))


@pytest.fixture
async def db(database_url_for) -> AsyncIterator[Database]:  # type: ignore[no-untyped-def]
    database = Database(database_url_for(SPEC))
    yield database
    await database.dispose()


@pytest.fixture
async def seeded(db: Database, clock: ManualClock, dataset: dict) -> Database:
    await seed_dataset(db, clock, dataset)
    return db


@pytest.fixture
def directory(seeded: Database, clock: ManualClock) -> DirectoryService:
    return DirectoryService(seeded, clock, OpenGate())


@pytest.fixture
def attachments(seeded: Database, clock: ManualClock) -> AttachmentService:
    return AttachmentService(seeded, clock, OpenGate())


@pytest.fixture
def importer(seeded: Database, clock: ManualClock) -> AttachmentImporter:
    return AttachmentImporter(seeded, clock, batch_size=4)
