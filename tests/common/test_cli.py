"""services/common/cli.py: `python -m services.<name> [migrate | seed DATASET.json]`."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.common import cli
from services.common.bootstrap import Runtime, ServiceSpec
from services.common.server import Registration
from services.common.settings import ServiceSettings


async def _no_build(_: Runtime) -> list[Registration]:
    return []


SPEC = ServiceSpec(name="sessions", service_names=(), build=_no_build)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(cli, "run", lambda spec, _settings: seen.append(f"serve {spec.name}"))
    monkeypatch.setattr(cli, "migrate_service", lambda spec, _settings: seen.append(f"migrate {spec.name}"))
    monkeypatch.setattr(cli, "configure_logging", lambda *_: None)
    monkeypatch.setattr(cli, "analyze_after_bulk_load", lambda url: seen.append("analyze"))
    return seen


async def _seed(path: Path, settings: ServiceSettings) -> None:
    SEEDED.append((path, settings.service))


SEEDED: list[tuple[Path, str]] = []


def test_no_argument_serves(calls: list[str]) -> None:
    assert cli.migrate_or_seed([], SPEC, ServiceSettings, _seed) == 0
    assert calls == ["serve sessions"]


def test_migrate_migrates_only(calls: list[str]) -> None:
    assert cli.migrate_or_seed(["migrate"], SPEC, ServiceSettings, _seed) == 0
    assert calls == ["migrate sessions"]


def test_seed_migrates_loads_the_file_then_analyzes(calls: list[str]) -> None:
    SEEDED.clear()
    assert cli.migrate_or_seed(["seed", "data.json"], SPEC, ServiceSettings, _seed) == 0
    # A seed is a bulk load: PostgreSQL's planner statistics are refreshed after it.
    assert calls == ["migrate sessions", "analyze"]
    assert SEEDED == [(Path("data.json"), "sessions")]


def test_anything_else_prints_the_usage(calls: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.migrate_or_seed(["seed"], SPEC, ServiceSettings, _seed) == 2
    assert calls == []
    assert capsys.readouterr().err == "usage: python -m services.sessions [migrate | seed DATASET.json]\n"
