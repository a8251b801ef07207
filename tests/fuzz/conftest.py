"""The fuzzers' running suite and callers; how long they run.

CI runs each fuzzer briefly (the `ci` budget, within `make test`); `make fuzz` sets
VAXORDERS_FUZZ=long for a longer search.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, settings

from tests.conftest import fresh_databases
from tests.fuzz.running import BackgroundStack, background_stack
from tests.gateway.helpers import CLAIRE, OPERATOR

LONG = os.environ.get("VAXORDERS_FUZZ", "") == "long"

# Examples per gRPC method (about 70 methods) and per HTTP operation.
GRPC_EXAMPLES = 200 if LONG else 10
HTTP_EXAMPLES = 200 if LONG else 4

_SUPPRESSED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]


def fuzz_settings(examples: int) -> settings:
    """Derandomised in CI (the same examples every run: a failure is reproducible, never a
    flake); random in the long run, where finding new inputs is the point."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=not LONG,
        database=None,
        suppress_health_check=_SUPPRESSED,
        print_blob=True,
    )


@dataclass(frozen=True)
class Caller:
    name: str
    metadata: Callable[[], list[tuple[str, str]]]


@pytest.fixture(scope="package")
def suite(_templates: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundStack]:
    """One running suite for all the fuzzers (starting one per example would cost minutes); what
    one fuzzer changed, the next one meets, as a real service would."""
    with fresh_databases(_templates, tmp_path_factory) as database_url_for:
        with background_stack(database_url_for, tmp_path_factory.mktemp("fuzz")) as running:
            yield running


@pytest.fixture(scope="package")
def callers(suite: BackgroundStack) -> list[Caller]:
    """An officine's titulaire, an operator and a visitor; tokens minted per call (they expire)."""
    psc = suite.stack.psc

    def bearer(national_id: str) -> Callable[[], list[tuple[str, str]]]:
        return lambda: [("authorization", f"Bearer {psc.token_for(national_id)}")]

    return [Caller("officine", bearer(CLAIRE)), Caller("operator", bearer(OPERATOR)), Caller("anonymous", list)]
