"""`make chaos` (python -m chaos): the real processes under write load and faults.

    python -m chaos [--postgres] [--short] [--only "kill -9 orders,SMTP relay down"] [--keep-data]

Starts the whole suite as separate OS processes on free loopback ports (never
`make run`'s fixed ones), on SQLite files or, with --postgres, on a throwaway
PostgreSQL server of its own (initdb in a temporary folder; the machine's
shared server is never touched), then runs each scenario of chaos/scenarios.py
and prints a table. Exit status: 0 when every scenario passed, 1 on any loss,
duplicate, quota exceeded or non-retryable error, 2 when the harness itself
failed. What each scenario proves: docs/reliability.md.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from bench.procs import Children
from bench.suite import databases, new_run_id
from chaos.report import table
from chaos.scenarios import FULL, SCENARIOS, SHORT, Context, Row, run_scenario
from chaos.stack import build_stack
from tests.support.pg_server import ThrowawayPostgres


def say(message: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


async def main_async(args: argparse.Namespace) -> int:
    pace = SHORT if args.short else FULL
    chosen = [s for s in SCENARIOS if not args.only or s.name in args.only]
    workdir = Path(tempfile.mkdtemp(prefix="vaxchaos-"))
    children = Children(workdir / "logs", server_cpus=None)
    database = "postgresql" if args.postgres else "sqlite"
    say(f"{database}, {'short' if args.short else 'full'} run of {len(chosen)} scenario(s); work dir {workdir}")
    rows: list[Row] = []
    failed = False
    try:
        with ExitStack() as exits:
            postgres = exits.enter_context(ThrowawayPostgres.start()) if args.postgres else None
            server_url = postgres.server_url if postgres else ""
            urls, _autovacuum = exits.enter_context(databases(server_url, workdir, new_run_id()))
            # Officines: each writer of each scenario gets its own.
            officines = len(chosen) * pace.writers * 2 + 4
            stack = await build_stack(children, workdir, urls, officines)
            say(f"suite up: {', '.join(f'{k} {v}' for k, v in stack.addresses.items())}, gateway {stack.gateway_url}")
            ctx = Context(stack, pace, postgres, stack.suite.officines, say=say)
            try:
                for scenario in chosen:
                    say(f"== {scenario.name}: {scenario.what}")
                    row = await run_scenario(ctx, scenario, say)
                    rows.append(row)
                    say(f"{scenario.name}: {'PASS' if row.passed else 'FAIL'}; resent {dict(row.tally.retried)}")
                    for note in [*row.findings.notes, *row.tally.samples]:
                        say(f"   {note}")
            finally:
                await ctx.close()
                children.stop_all()
    except Exception as error:  # the harness itself: not a verdict on the suite
        say(f"harness failure: {type(error).__name__}: {error}")
        for child in children.started:
            say(f"--- {child.name} log tail ---\n{child.log_tail()}")
        failed = True
    finally:
        children.stop_all()
        if not args.keep_data:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(f"chaos run on {database}, commit {_commit()}, {'short' if args.short else 'full'}")
    print(table(rows))
    if failed:
        return 2
    return 0 if rows and all(row.passed for row in rows) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__)
    parser.add_argument("--postgres", action="store_true", help="run on a throwaway PostgreSQL (default SQLite)")
    parser.add_argument("--short", action="store_true", help="the short version CI runs")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--keep-data", action="store_true", help="keep the work dir (databases, logs, mails)")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    if unknown := set(args.only) - {s.name for s in SCENARIOS}:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
