"""The chaos table, as Markdown (pasted as is into docs/reliability.md)."""

from __future__ import annotations

from collections.abc import Sequence

from chaos.scenarios import Row

HEADER = (
    "scenario",
    "acknowledged writes",
    "found",
    "lost",
    "duplicated",
    "over cap",
    "resent (UNAVAILABLE / DEADLINE / CANCELLED / HTTP)",
    "errors seen",
    "acked after fault",
    "result",
)


def _errors(row: Row) -> str:
    if not row.tally.errors:
        return "0"
    return ", ".join(f"{count} {key}" for key, count in row.tally.errors.most_common())


def table(rows: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    for row in rows:
        if row.skipped:
            cells = [row.scenario, *["–"] * (len(HEADER) - 2), f"skipped ({row.skipped})"]
        else:
            f, t = row.findings, row.tally
            cells = [
                row.scenario,
                f"{f.acknowledged:,}",
                f"{f.found:,}",
                str(f.lost),
                str(f.duplicated),
                str(f.over_cap),
                " / ".join(
                    [f"{t.retried[c]:,}" for c in ("UNAVAILABLE", "DEADLINE_EXCEEDED", "CANCELLED")]
                    + [f"{sum(n for c, n in t.retried.items() if c.startswith('HTTP')):,}"]
                ),
                _errors(row),
                f"{row.acked_after_fault:,}" if row.serve_after else f"{row.acked_after_fault:,} (n/a)",
                "PASS" if row.passed else "FAIL",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
