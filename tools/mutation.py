"""Mutation testing of the rule modules (`make mutation`, docs/testing.md).

Each rule module is mutated by mutmut against the test files that reach it (RULE_MODULES below),
not against the whole suite, so that a module takes minutes. mutmut reads its settings from the
pyproject.toml of the directory it runs in: every module gets a scratch directory
var/mutation/<module>/ holding links to services/, tests/, fixtures/ and gen/, and a copy of
pyproject.toml with its own [tool.mutmut] section. A module that mixes rules with I/O lists its
rule functions (`functions`): only their mutants are run and scored.

    python -m tools.mutation                      # every module, then the score table
    python -m tools.mutation services/orders/names.py
    python -m tools.mutation --threshold 90       # exit 1 if a module scores under 90 %
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / "var" / "mutation"
MUTMUT = Path(sys.executable).parent / "mutmut"
LINKED = ("services", "tests", "fixtures", "gen")
TIMEOUTS = frozenset({36, 24, -24, 152, 255})


@dataclass(frozen=True)
class RuleModule:
    path: str
    tests: tuple[str, ...]
    # Functions to mutate in a module that also does I/O (mutmut's keys: `x_name`, `xǁClassǁmethod`).
    functions: tuple[str, ...] = field(default=())

    @property
    def dotted(self) -> str:
        return self.path.removesuffix(".py").replace("/", ".")

    @property
    def slug(self) -> str:
        return self.dotted.removeprefix("services.")


RULE_MODULES = (
    RuleModule("services/effecteurs/identifiers.py", ("tests/effecteurs/test_identifiers.py",)),
    RuleModule(
        "services/sessions/calendar.py", ("tests/sessions/test_calendar.py", "tests/sessions/test_calendar_rules.py")
    ),
    RuleModule(
        "services/sessions/quota_rules.py",
        ("tests/sessions/test_quota_rules.py", "tests/sessions/test_quotas.py", "tests/sessions/test_quota_csv.py"),
    ),
    RuleModule("services/orders/names.py", ("tests/orders/test_names.py",)),
    RuleModule("services/orders/allocation.py", ("tests/orders/test_allocation.py",)),
    RuleModule("services/mailer/support_clock.py", ("tests/mailer/test_support_clock.py",)),
    RuleModule(
        "services/orders/delivery_plan.py",
        ("tests/orders/test_delivery_plan_rules.py", "tests/orders/test_delivery_plan.py"),
        functions=("xǁPlanǁ*", "x_window_text", "x_in_window", "x_plan_view"),
    ),
    RuleModule("services/orders/stock_rules.py", ("tests/orders/test_stock_rules.py",)),
    RuleModule("services/common/dates.py", ("tests/common/test_dates.py", "tests/sessions/test_dates.py")),
    RuleModule("services/common/numbers.py", ("tests/common/test_numbers.py",)),
    RuleModule("services/common/text.py", ("tests/common/test_text.py",)),
    RuleModule("services/common/phones.py", ("tests/common/test_phones.py",)),
    RuleModule("services/common/masks.py", ("tests/common/test_masks.py",)),
    RuleModule("services/orders/plan_csv.py", ("tests/orders/test_plan_csv.py", "tests/orders/test_delivery_plan.py")),
    RuleModule("services/sessions/quota_csv.py", ("tests/sessions/test_quota_csv.py",)),
)


@dataclass
class Score:
    module: RuleModule
    killed: int = 0
    survived: list[str] = field(default_factory=list)
    other: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.killed + len(self.survived) + sum(len(names) for names in self.other.values())

    @property
    def percent(self) -> float:
        return 100.0 * self.killed / self.total if self.total else 0.0


def _prepare(module: RuleModule) -> Path:
    work = SCRATCH / module.slug
    work.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        link = work / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name)
    settings = {
        "source_paths": ["services"],
        # Tests read the reference week's data set.
        "also_copy": ["fixtures"],
        "only_mutate": [module.path],
        "pytest_add_cli_args": ["-p", "no:randomly", "-p", "no:cacheprovider", "-q"],
        "pytest_add_cli_args_test_selection": list(module.tests),
        # The rule modules are pure: a mutant that hangs is an endless loop, not a slow machine.
        "timeout_multiplier": 5.0,
    }
    section = "\n[tool.mutmut]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in settings.items())
    (work / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8") + section)
    # The mutants of a previous run are stale as soon as the module or its tests changed.
    shutil.rmtree(work / "mutants", ignore_errors=True)
    return work


def _mutant_patterns(module: RuleModule) -> list[str]:
    return [f"{module.dotted}.{function}__mutmut_*" for function in module.functions]


def _score(module: RuleModule, work: Path) -> Score:
    meta = json.loads((work / "mutants" / (module.path + ".meta")).read_text(encoding="utf-8"))
    wanted = _mutant_patterns(module)
    score = Score(module)
    for name, exit_code in meta["exit_code_by_key"].items():
        if wanted and not any(fnmatch.fnmatchcase(name, p) for p in wanted):
            continue
        # mutmut's exit codes: 1 and 3 the tests failed; the timeouts (its own, or CPU time
        # exceeded) are mutants that loop forever, caught too; 0 survived.
        if exit_code in (1, 3) or exit_code in TIMEOUTS:
            score.killed += 1
        elif exit_code == 0:
            score.survived.append(name)
        else:
            status = "no tests" if exit_code in (5, 33) else "not checked" if exit_code is None else "other"
            score.other.setdefault(status, []).append(name)
    return score


def run(module: RuleModule) -> Score:
    work = _prepare(module)
    started = time.monotonic()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    print(f"== {module.path}: mutmut against {', '.join(module.tests)}", flush=True)
    completed = subprocess.run(
        [str(MUTMUT), "run", "--max-children", str(os.cpu_count() or 2), *_mutant_patterns(module)],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        print(completed.stdout[-4000:])
        raise SystemExit(f"mutmut failed on {module.path} (exit {completed.returncode})")
    score = _score(module, work)
    score.seconds = time.monotonic() - started
    return score


def table(scores: list[Score]) -> str:
    lines = [
        "| module | mutants | killed | survived | score | time |",
        "|---|---|---|---|---|---|",
    ]
    for s in scores:
        extra = "".join(f", {len(names)} {status}" for status, names in sorted(s.other.items()))
        counts = f"{s.total} | {s.killed} | {len(s.survived)}{extra}"
        lines.append(f"| `{s.module.path}` | {counts} | {s.percent:.1f} % | {s.seconds:.0f} s |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="paths of rule modules (default: all of them)")
    parser.add_argument("--threshold", type=float, default=0.0, help="fail when a module scores under this percent")
    args = parser.parse_args(argv)
    known = {m.path: m for m in RULE_MODULES}
    unknown = [p for p in args.modules if p not in known]
    if unknown:
        parser.error(f"not a rule module: {', '.join(unknown)} (known: {', '.join(known)})")
    selected = [known[p] for p in args.modules] or list(RULE_MODULES)
    scores = [run(m) for m in selected]
    print()
    print(table(scores))
    for s in scores:
        for name in s.survived:
            print(f"survived: {name}")
        for status, names in sorted(s.other.items()):
            for name in names:
                print(f"{status}: {name}")
    under = [s for s in scores if s.percent < args.threshold]
    for s in under:
        print(f"{s.module.path}: {s.percent:.1f} % is under the threshold of {args.threshold:.0f} %")
    return 1 if under else 0


if __name__ == "__main__":
    sys.exit(main())
