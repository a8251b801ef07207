"""After a scenario: is every acknowledged write there, once?

Read through the services' own APIs once the suite is healthy again (what a
user would see), and for mail through what the SMTP relay received:
- order lines: each acknowledged request_id is in its line's audit trail
  (ListOrderLineChanges) exactly once, the line holds what its last change says,
  and no line is above the cap;
- attachments: each acknowledged effecteur is attached to its officine, once;
- calendar windows: each acknowledged window is there with its message;
- mail: each acknowledged message reached the relay, once, by Message-ID.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from chaos.calls import Tally, call
from chaos.writers import Ack, AttachWriter, MailWriter, OrderWriter, WindowWriter, Writer
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as epb
from vaxorders.mailer.v1 import mailer_service_pb2 as mpb
from vaxorders.orders.v1 import orders_service_pb2 as opb
from vaxorders.sessions.v1 import sessions_service_pb2 as spb


@dataclass
class Findings:
    acknowledged: int = 0
    found: int = 0
    lost: int = 0
    duplicated: int = 0
    over_cap: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: Findings) -> None:
        self.acknowledged += other.acknowledged
        self.found += other.found
        self.lost += other.lost
        self.duplicated += other.duplicated
        self.over_cap += other.over_cap
        self.notes.extend(other.notes)

    def note(self, text: str) -> None:
        if len(self.notes) < 20:
            self.notes.append(text)


async def _pages(tally: Tally, rpc: Any, make: Any, items: str, md: Any) -> list[Any]:
    found: list[Any] = []
    token = ""
    while True:
        reply = await call(tally, rpc, make(token), md)
        found.extend(getattr(reply, items))
        token = reply.next_page_token
        if not token:
            return found


async def check_orders(writers: Sequence[OrderWriter], cap: int) -> Findings:
    result = Findings()
    reader = Tally()
    for writer in writers:
        lines = await _pages(
            reader,
            writer.stub.ListOrderLines,
            lambda t, w=writer: opb.ListOrderLinesRequest(parent=w.officine.order, page_size=1000, page_token=t),
            "lines",
            writer.md,
        )
        trail: dict[str, list[Any]] = {}
        for line in lines:
            changes = await _pages(
                reader,
                writer.stub.ListOrderLineChanges,
                lambda t, n=line.name: opb.ListOrderLineChangesRequest(parent=n, page_size=1000, page_token=t),
                "changes",
                writer.md,
            )
            trail[line.name] = changes
            if line.vials > cap:
                result.over_cap += 1
                result.note(f"{line.name}: {line.vials} vials, cap {cap}")
            if changes and changes[-1].vials_after != line.vials:
                result.lost += 1
                result.note(f"{line.name} holds {line.vials} vials, its last change says {changes[-1].vials_after}")
        seen = Counter(c.request_id for changes in trail.values() for c in changes if c.request_id)
        for request_id, count in seen.items():
            if count > 1:
                result.duplicated += count - 1
                result.note(f"request_id {request_id} applied {count} times")
        _count_acks(result, writer.acks, lambda ack, t=trail: _in_trail(t, ack))
    _reader_errors(result, reader)
    return result


def _in_trail(trail: dict[str, list[Any]], ack: Ack) -> bool:
    return any(c.request_id == ack.request_id and c.vials_after == ack.value for c in trail.get(ack.subject, ()))


def _count_acks(result: Findings, acks: Sequence[Ack], present: Any) -> None:
    for ack in acks:
        result.acknowledged += 1
        if present(ack):
            result.found += 1
        else:
            result.lost += 1
            result.note(f"acknowledged but missing: {ack.subject} (request_id {ack.request_id})")


def _reader_errors(result: Findings, reader: Tally) -> None:
    for key, count in reader.errors.items():
        result.note(f"reading back: {count} × {key}")


async def check_attachments(writers: Sequence[AttachWriter]) -> Findings:
    result = Findings()
    reader = Tally()
    for writer in writers:
        attachments = await _pages(
            reader,
            writer.stub.ListAttachments,
            lambda t, w=writer: epb.ListAttachmentsRequest(
                parent=w.officine.name, page_size=500, page_token=t, include_ended=True
            ),
            "attachments",
            writer.md,
        )
        per_effecteur = Counter(a.effecteur for a in attachments)
        for effecteur, count in per_effecteur.items():
            if count > 1:
                result.duplicated += count - 1
                result.note(f"{effecteur} attached {count} times to {writer.officine.name}")
        _count_acks(result, writer.acks, lambda ack, p=per_effecteur: p.get(ack.subject, 0) >= 1)
    _reader_errors(result, reader)
    return result


async def check_windows(writers: Sequence[WindowWriter]) -> Findings:
    result = Findings()
    if not writers:
        return result
    reader = Tally()
    first = writers[0]
    windows = await _pages(
        reader,
        first.stub.ListCalendarWindows,
        lambda t: spb.ListCalendarWindowsRequest(page_size=500, page_token=t),
        "windows",
        first.md,
    )
    messages = Counter(w.message for w in windows)
    by_name = {w.name: w.message for w in windows}
    for writer in writers:
        for request_id in writer.attempted:
            if messages.get(f"Chaos {request_id}", 0) > 1:
                result.duplicated += messages[f"Chaos {request_id}"] - 1
                result.note(f"window of request_id {request_id} stored {messages[f'Chaos {request_id}']} times")
        _count_acks(result, writer.acks, lambda ack: by_name.get(ack.subject) == f"Chaos {ack.request_id}")
    _reader_errors(result, reader)
    return result


_MESSAGE_ID = re.compile(r"<([^@>]+)@")


def delivered(sink_dir: Path) -> Counter[str]:
    """Outbox message id -> how many copies the relay received (by Message-ID)."""
    copies: Counter[str] = Counter()
    parser = BytesParser(policy=policy.default)
    for path in sink_dir.glob("*.eml"):
        with path.open("rb") as handle:
            header = str(parser.parse(handle, headersonly=True)["Message-ID"] or "")
        match = _MESSAGE_ID.search(header)
        if match:
            copies[match.group(1)] += 1
    return copies


async def check_mail(writers: Sequence[MailWriter], sink_dir: Path, drain_seconds: float) -> Findings:
    """Waits (bounded) for the outbox to drain to the relay, then counts copies by Message-ID."""
    result = Findings()
    wanted = {ack.subject.removeprefix("messages/") for w in writers for ack in w.acks}
    deadline = time.monotonic() + drain_seconds
    copies = delivered(sink_dir)
    while not wanted <= set(copies) and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        copies = delivered(sink_dir)
    attempted_ids = {ack.subject.removeprefix("messages/") for w in writers for ack in w.acks}
    for message_id in attempted_ids:
        if copies.get(message_id, 0) > 1:
            result.duplicated += copies[message_id] - 1
            result.note(f"messages/{message_id} delivered {copies[message_id]} times (same Message-ID)")
    for writer in writers:
        _count_acks(result, writer.acks, lambda ack: copies.get(ack.subject.removeprefix("messages/"), 0) >= 1)
    return result


async def outbox_retries(writers: Sequence[MailWriter]) -> str:
    """The outbox's side: how many messages needed more than one attempt (the relay was felt down)."""
    reader, retried, total = Tally(), 0, 0
    for writer in writers:
        for ack in writer.acks:
            reply = await call(reader, writer.stub.GetMessage, mpb.GetMessageRequest(name=ack.subject), writer.md)
            retried += reply.message.attempts > 1
            total += 1
    return f"outbox: {retried} of {total} messages delivered after more than one attempt"


async def check_all(writers: Sequence[Writer], cap: int, sink_dir: Path, drain_seconds: float) -> Findings:
    result = Findings()
    result.add(await check_orders([w for w in writers if isinstance(w, OrderWriter)], cap))
    result.add(await check_attachments([w for w in writers if isinstance(w, AttachWriter)]))
    result.add(await check_windows([w for w in writers if isinstance(w, WindowWriter)]))
    mail = [w for w in writers if isinstance(w, MailWriter)]
    if mail:
        result.add(await check_mail(mail, sink_dir, drain_seconds))
        result.note(await outbox_retries(mail))
    return result
