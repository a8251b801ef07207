"""The seed: the reference week once, however often it runs, and a demo session
that is open whenever the demo starts."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from services.sessions.domain import EffecteurType, QuotaKind, ServiceState
from services.sessions.seed import seed_dataset
from services.sessions.service import SessionsService
from services.sessions.spec import SPEC
from tests.conftest import DATASET_PATH, ROOT
from tests.sessions.conftest import OFFICINE_CALLER, OPERATOR, OPERATOR_CALLER, paris

NOW = paris(2025, 6, 12, 10, 17)  # a Thursday, far from the 2022 sessions


async def snapshot(service: SessionsService) -> tuple:
    products, _ = await service.catalogue.list_products(include_inactive=True)
    sessions, _ = await service.schedule.list_sessions()
    windows, _ = await service.schedule.list_windows()
    tables = [(await service.quotas.list_tables(OPERATOR_CALLER, s.name))[0] for s in sessions]
    return products, sessions, windows, tables


async def test_seeding_twice_creates_nothing_twice(service: SessionsService, dataset: dict, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOW)
    first = await seed_dataset(service, dataset, operator=OPERATOR)
    after_first = await snapshot(service)
    second = await seed_dataset(service, dataset, operator=OPERATOR)
    assert first == {"products": 4, "sessions": 3, "calendar_windows": 2, "quota_tables": 3}
    assert second == {"products": 0, "sessions": 0, "calendar_windows": 0, "quota_tables": 0}
    assert await snapshot(service) == after_first


async def test_the_demo_session_is_open_with_a_cap_for_ehpad_moderna(
    service: SessionsService, dataset: dict, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOW)
    await seed_dataset(service, dataset, operator=OPERATOR)
    status = await service.schedule.get_service_state()
    assert status.state is ServiceState.OPEN_FOR_ORDERS
    assert status.session is not None and status.session.name == "sessions/demo"
    assert status.session.label == "Session de démonstration"
    assert status.session.close_time == paris(2025, 6, 19, 23, 0)
    assert status.message == "Saisie des commandes ouverte jusqu'au jeudi 19 juin 2025 à 23\u00a0h\u00a000"

    demo = await service.quotas.get_table(OFFICINE_CALLER, "sessions/demo/quotaTables/current")
    reference = await service.quotas.get_table(OFFICINE_CALLER, "sessions/2022-03-07/quotaTables/current")
    ehpad = await service.quotas.resolve(OFFICINE_CALLER, "sessions/demo", "EHPAD", "products/moderna")
    assert (ehpad.rule.kind, ehpad.rule.max_vials) == (QuotaKind.CAPPED, 10)
    differences = set(demo.rules) ^ set(reference.rules)
    assert {(r.effecteur_type, r.product_id) for r in differences} == {(EffecteurType.EHPAD, "moderna")}


async def test_a_closed_demo_session_is_reopened_for_the_next_week(
    service: SessionsService, dataset: dict, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOW)
    await seed_dataset(service, dataset, operator=OPERATOR)
    clock.set(NOW + timedelta(days=30))
    created = await seed_dataset(service, dataset, operator=OPERATOR)
    assert created == {"products": 0, "sessions": 0, "calendar_windows": 0, "quota_tables": 0}
    demo = await service.schedule.get_session("sessions/demo")
    tables, _ = await service.quotas.list_tables(OPERATOR_CALLER, "sessions/demo")
    assert demo.is_open_at(clock.now())
    assert demo.close_time == paris(2025, 7, 19, 23, 0)
    [change] = demo.window_changes
    assert change.changed_by == OPERATOR and change.new_close_time == demo.close_time
    assert [t.version for t in tables] == [1]  # same table: not published again


async def test_the_demo_never_overlaps_a_real_session(service: SessionsService, dataset: dict, clock) -> None:  # type: ignore[no-untyped-def]
    # A demo clock set inside the reference week: the real session is the open one.
    clock.set(paris(2022, 3, 7, 10, 0))
    await seed_dataset(service, dataset, operator=OPERATOR)
    await seed_dataset(service, dataset, operator=OPERATOR)
    _, sessions, _, _ = await snapshot(service)
    assert [s.id for s in sessions] == ["2022-03-07", "2022-02-28"]


def test_the_seed_command_loads_the_dataset_idempotently(database_url_for) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "VAXORDERS_DATABASE_URL": database_url_for(SPEC), "VAXORDERS_LOG_FORMAT": "json"}
    outputs = [
        subprocess.run(
            [sys.executable, "-m", "services.sessions", "seed", str(DATASET_PATH)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        for _ in range(2)
    ]
    assert '"event": "seed.done"' in outputs[0] and '"sessions": 3' in outputs[0]
    assert '"sessions": 0' in outputs[1] and '"quota_tables": 0' in outputs[1] and '"products": 0' in outputs[1]
