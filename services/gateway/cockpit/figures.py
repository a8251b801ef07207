"""The cockpit's figures, pure: orders per minute as columns, officines that
have not ordered yet per département. No I/O, no protobuf."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

# At most this many columns: past it, a column covers several minutes (their mean per minute).
MAX_COLUMNS = 60
_HEIGHT = 160
_WIDTH = 720
_AXIS = 40


@dataclass(frozen=True)
class Column:
    start: datetime  # first minute covered
    minutes: int  # minutes covered
    writes: int  # line writes in those minutes
    per_minute: float  # writes / minutes
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class ColumnChart:
    columns: list[Column]
    minutes_per_column: int
    peak: float
    width: int = _WIDTH
    height: int = _HEIGHT
    axis: int = _AXIS

    @property
    def baseline(self) -> int:
        return self.height - 20


def per_minute_chart(writes: dict[datetime, int], start: datetime, end: datetime) -> ColumnChart:
    """Columns from the minute of start to the minute of end (the current one
    included), minutes without writes included (a silence at 08:00 must show)."""
    first = start.replace(second=0, microsecond=0)
    total = max(1, int((end - first).total_seconds() // 60) + 1)
    step = max(1, math.ceil(total / MAX_COLUMNS))
    spans = []
    for offset in range(0, total, step):
        minutes = min(step, total - offset)
        begin = first + timedelta(minutes=offset)
        count = sum(writes.get(begin + timedelta(minutes=i), 0) for i in range(minutes))
        spans.append((begin, minutes, count, count / minutes))
    peak = max((rate for *_, rate in spans), default=0.0)
    room = _HEIGHT - 30
    slot = (_WIDTH - _AXIS) / max(1, len(spans))
    columns = []
    for i, (begin, minutes, count, rate) in enumerate(spans):
        height = round(room * rate / peak) if peak else 0
        columns.append(
            Column(
                begin,
                minutes,
                count,
                rate,
                x=round(_AXIS + i * slot),
                y=_HEIGHT - 20 - height,
                width=max(1, round(slot) - 2),
                height=height,
            )
        )
    return ColumnChart(columns, step, peak)


@dataclass(frozen=True)
class DepartmentProgress:
    department: str
    officines: int  # registered
    ordered: int  # with at least one line

    @property
    def waiting(self) -> int:
        return max(0, self.officines - self.ordered)


def not_ordered(registered: dict[str, int], ordering: dict[str, int]) -> list[DepartmentProgress]:
    """Per département, the most officines still to order first (then by code)."""
    codes = set(registered) | set(ordering)
    rows = [DepartmentProgress(c, registered.get(c, 0), ordering.get(c, 0)) for c in codes]
    return sorted(rows, key=lambda r: (-r.waiting, r.department))
