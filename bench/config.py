"""What one bench run does: scale, concurrency, durations, database, cores.

Defaults give a run of at most three minutes on the 2-core machine; every knob is
a command-line option (`make bench BENCH_ARGS="--concurrency 32"`) and the scale
also reads BENCH_SCALE (a number, or "national" for 20,600 officines).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

NATIONAL_OFFICINES = 20_600
DEFAULT_OFFICINES = 2_000


@dataclass(frozen=True)
class BenchConfig:
    officines: int
    concurrency: int  # virtual users in flight, the same for every ceiling and every run
    connections: int  # HTTP/2 connections (gRPC) or HTTP/1.1 connections (gateway) they share
    ceiling_seconds: float  # length of each ceiling measurement
    rush_seconds: float  # the longest the gRPC rush replay may take before it stops (extrapolated then)
    gateway_seconds: float
    half_load_seconds: float
    hot_row_seconds: float
    database_url: str  # PostgreSQL server to create the run's databases in; "" for SQLite files
    pin: bool
    keep_data: bool
    only: frozenset[str]
    profile: tuple[str, ...] = ()
    workers: int = 1  # VAXORDERS_WORKERS of every service and the gateway in the suite
    # `--peak MINUTES`: no measured phases, the rush held at `peak_rate` for operators to watch.
    peak_minutes: float | None = None
    peak_rate: float = 1.0  # officines starting their rush per second

    @property
    def national(self) -> bool:
        return self.officines >= NATIONAL_OFFICINES

    @property
    def cores(self) -> str:
        """How the servers use the cores: "" pinned to one (comparable with earlier runs), or
        "-unpinned-2w" (every core, 2 workers per process): a column of its own in the doc."""
        if self.pin and self.workers == 1:
            return ""
        return ("" if self.pin else "-unpinned") + (f"-{self.workers}w" if self.workers > 1 else "")

    @property
    def database(self) -> str:
        return "postgresql" if self.database_url else "sqlite"


PHASES = ("ceilings", "rush", "half", "gateway", "write", "hotrow")


def _scale(value: str) -> int:
    if value.strip().lower() == "national":
        return NATIONAL_OFFICINES
    number = int(value)
    if number < 10:
        raise argparse.ArgumentTypeError("at least 10 officines")
    return number


def parse(argv: list[str] | None = None) -> BenchConfig:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--scale",
        type=_scale,
        default=_scale(os.environ.get("BENCH_SCALE", "") or str(DEFAULT_OFFICINES)),
        help="officines to seed and replay: a number, or 'national' (20,600); default BENCH_SCALE or 2,000",
    )
    parser.add_argument("--concurrency", type=int, default=32, help="virtual users in flight (default 32)")
    parser.add_argument(
        "--connections",
        type=int,
        default=None,
        help="connections they share (default: one per virtual user, as each pharmacy has its own browser)",
    )
    parser.add_argument(
        "--ceiling-seconds", type=float, default=4.0, help="length of each ceiling and of the write phase"
    )
    parser.add_argument(
        "--rush-seconds",
        type=float,
        default=None,
        help="cap on the rush replay over gRPC (default 25 s; 900 s at national scale, to drain it all)",
    )
    parser.add_argument(
        "--gateway-seconds", type=float, default=20.0, help="cap on the rush replay through the gateway"
    )
    parser.add_argument("--half-load-seconds", type=float, default=10.0)
    parser.add_argument(
        "--hot-row-seconds", type=float, default=5.0, help="length of each of the hot-row and spread modes"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("VAXORDERS_BENCH_DATABASE_URL", ""),
        help="PostgreSQL server URL (default VAXORDERS_BENCH_DATABASE_URL; SQLite files when empty)",
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin the load generator and servers to cores")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes per service and gateway (VAXORDERS_WORKERS); with --no-pin: every core",
    )
    parser.add_argument(
        "--profile",
        default="",
        help="comma-separated processes to profile with py-spy during each phase (orders,gateway,...)",
    )
    parser.add_argument("--keep-data", action="store_true", help="keep the run's databases and logs")
    parser.add_argument(
        "--peak",
        type=float,
        default=None,
        metavar="MINUTES",
        help="watch mode (make peak): hold the Monday 08:00 rush for MINUTES at --peak-rate, through the gateway,"
        " and print how to log in as the operator to /operateur/pilotage; measures nothing",
    )
    parser.add_argument(
        "--peak-rate", type=float, default=1.0, help="officines starting their rush per second in --peak (default 1)"
    )
    parser.add_argument("--only", default=",".join(PHASES), help=f"comma-separated subset of {','.join(PHASES)}")
    args = parser.parse_args(argv)
    only = frozenset(p.strip() for p in args.only.split(",") if p.strip())
    if unknown := only - set(PHASES):
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")
    if args.connections is None:
        args.connections = args.concurrency
    if args.concurrency < 1 or args.connections < 1 or args.connections > args.concurrency:
        parser.error("need 1 <= connections <= concurrency")
    if args.workers < 1:
        parser.error("need at least 1 worker")
    if args.peak is not None and (args.peak <= 0 or args.peak_rate <= 0):
        parser.error("--peak and --peak-rate must be positive")
    national = args.scale >= NATIONAL_OFFICINES
    return BenchConfig(
        officines=args.scale,
        concurrency=args.concurrency,
        connections=args.connections,
        ceiling_seconds=args.ceiling_seconds,
        rush_seconds=args.rush_seconds if args.rush_seconds is not None else (900.0 if national else 25.0),
        gateway_seconds=args.gateway_seconds,
        half_load_seconds=args.half_load_seconds,
        hot_row_seconds=args.hot_row_seconds,
        database_url=args.database_url,
        pin=not args.no_pin,
        keep_data=args.keep_data,
        only=only,
        profile=tuple(p.strip() for p in args.profile.split(",") if p.strip()),
        workers=args.workers,
        peak_minutes=args.peak,
        peak_rate=args.peak_rate,
    )
