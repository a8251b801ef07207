"""Optional sampling profiles of the servers during a phase (py-spy, not a
dependency: `pip install py-spy`, then `make bench BENCH_ARGS="--profile orders,gateway"`).

Only the thread holding the GIL is sampled (`--gil`): the Python work that costs CPU,
not a thread waiting on SQLite, an fsync or the event loop's selector.
Each profiled process gets a raw folded-stack file in the run's folder, summed
up into bench/results/profiles/<database>-<phase>-<process>.txt: the functions where the
samples were (self time), and the share of samples passing through each of our
own modules (inclusive time), which is what docs/benchmarks.md quotes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bench.procs import Child

RESULTS = Path(__file__).resolve().parent / "results"


def py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


@contextmanager
def profiled(
    phase: str, children: Sequence[Child], names: Sequence[str], folder: Path, database: str
) -> Iterator[None]:
    tool = py_spy()
    wanted = [c for c in children if c.name in names]
    if not wanted or tool is None:
        if wanted:
            print("[bench] --profile asked but py-spy is not installed: no profile", flush=True)
        yield
        return
    running = []
    for child in wanted:
        raw = folder / f"profile-{phase}-{child.name}.raw"
        process = subprocess.Popen(
            [
                tool,
                "record",
                "--pid",
                str(child.pid),
                "--format",
                "raw",
                "--rate",
                "200",
                "--nonblocking",
                "--gil",
                "-o",
                str(raw),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        running.append((child, process, raw))
    try:
        yield
    finally:
        for child, process, raw in running:
            process.send_signal(subprocess.signal.SIGINT)  # py-spy writes its file on SIGINT
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
            if raw.exists():
                out = RESULTS / "profiles" / f"{database}-{phase}-{child.name}.txt"
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(summarise(raw.read_text()), encoding="utf-8")


# Leaves where a thread waits rather than works (py-spy cannot always tell a C-level
# wait from work): aiosqlite's worker waiting for the next statement, the event
# loop in epoll, gRPC's and prometheus' threads blocked in C.
_WAITING = ("aiosqlite/core.py:59)", "selectors.py:", "threading.py:", "socketserver.py:", "queue.py:")


def summarise(folded: str, top: int = 25) -> str:
    """Self time by function, and inclusive time by file, over the samples that
    were not waiting."""
    leaves: Counter[str] = Counter()
    modules: Counter[str] = Counter()
    total = waiting = 0
    for line in folded.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        if any(mark in frames[-1] for mark in _WAITING):
            waiting += n
            continue
        total += n
        leaves[frames[-1]] += n
        seen = set()
        for frame in frames:
            # "function (path/to/module.py:line)": keep the file, once per stack
            where = frame.rpartition("(")[2].rpartition(":")[0]
            if where and where not in seen:
                seen.add(where)
                modules[where] += n
    if not total:
        return "no samples\n"
    out = [f"{total} samples working ({waiting} more waiting, left out)", "", "self time (where the samples were):"]
    out += [f"  {n / total:6.1%}  {frame}" for frame, n in leaves.most_common(top)]
    out += ["", "inclusive time by file (samples passing through it):"]
    out += [f"  {n / total:6.1%}  {path}" for path, n in modules.most_common(top * 2)]
    return "\n".join(out) + "\n"
