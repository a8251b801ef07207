"""The write load: virtual users, each owning its own data, writing until told to
stop, and remembering every write the service acknowledged (the request_id and
what the answer said) so the checks can look for each one afterwards.

- OrderWriter: a titulaire raising its effecteurs' lines one vial at a time
  (CreateOrderLine, then UpdateOrderLine with the etag) until the cap refuses
  (RESOURCE_EXHAUSTED QUOTA_EXCEEDED, expected), through orders, which asks
  effecteurs (attachment) and sessions (quota rule) on each raise.
- AttachWriter: a titulaire attaching new infirmiers (AttachEffecteur).
- WindowWriter: an operator creating PREVIEW calendar windows in 2023 (sessions).
- MailWriter: an operator queueing notices (mailer SendMessage).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from google.protobuf.timestamp_pb2 import Timestamp

from bench.dataset import Officine, with_key
from chaos.calls import HttpRefused, Refused, Tally, Unknown, call, http_call
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as epb
from vaxorders.effecteurs.v1 import effecteurs_service_pb2_grpc as epb_grpc
from vaxorders.mailer.v1 import mailer_service_pb2 as mpb
from vaxorders.mailer.v1 import mailer_service_pb2_grpc as mpb_grpc
from vaxorders.orders.v1 import orders_service_pb2 as opb
from vaxorders.orders.v1 import orders_service_pb2_grpc as opb_grpc
from vaxorders.sessions.v1 import sessions_service_pb2 as spb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as spb_grpc
from vaxorders.type.v1 import effecteur_type_pb2

SESSION = "sessions/2022-03-07"


def _bearer(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


@dataclass
class Ack:
    request_id: str
    subject: str  # what the write names: a line, an attachment, a window, a message
    value: int = 0  # OrderWriter: the vials the line had after it
    at: float = 0.0  # monotonic time of the answer


@dataclass
class Writer:
    tally: Tally
    acks: list[Ack] = field(default_factory=list)
    attempted: set[str] = field(default_factory=set)

    def acked(self, request_id: str, subject: str, value: int = 0) -> None:
        self.acks.append(Ack(request_id, subject, value, time.monotonic()))

    async def step(self) -> bool:
        """One write; False once this writer has nothing left to write."""
        raise NotImplementedError

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                more = await self.step()
            except Unknown:
                more = True
            except Refused as refused:
                when = time.strftime("%H:%M:%S")
                self.tally.error(refused.key, f"{refused.method}: {refused.details.message} at {when}")
                more = True
            except HttpRefused as refused:
                self.tally.error(refused.key, f"{refused.detail} at {time.strftime('%H:%M:%S')}")
                more = True
            if not more:
                return


@dataclass
class _Line:
    effecteur: str
    product: str
    name: str = ""
    etag: str = ""
    vials: int = 0
    capped: bool = False
    stale: bool = False  # a write's outcome is unknown: re-read before the next one


class OrderWriter(Writer):
    def __init__(
        self, tally: Tally, channel: Any, officine: Officine, token: str, orderable: dict[str, list[str]]
    ) -> None:
        super().__init__(tally)
        self.stub = opb_grpc.OrderServiceStub(channel)
        self.officine, self.md = officine, _bearer(token)
        self.lines = [_Line(e.resource, product) for e in officine.effecteurs for product in orderable.get(e.type, ())]

    async def _resync(self, line: _Line) -> None:
        reply = await call(
            self.tally,
            self.stub.ListOrderLines,
            opb.ListOrderLinesRequest(parent=self.officine.order, effecteur=line.effecteur, product=line.product),
            self.md,
        )
        found = list(reply.lines)
        line.name, line.etag, line.vials = (found[0].name, found[0].etag, found[0].vials) if found else ("", "", 0)
        line.stale = False

    async def step(self) -> bool:
        line = next((x for x in self.lines if not x.capped), None)
        if line is None:
            return False
        if line.stale:
            await self._resync(line)
        request_id = str(uuid.uuid4())
        self.attempted.add(request_id)
        try:
            name, etag, vials = await self.raise_line(line, request_id)
        except Unknown:
            line.stale = True
            raise
        except (Refused, HttpRefused) as refused:
            reason = refused.details.reason if isinstance(refused, Refused) else refused.reason
            if reason == "QUOTA_EXCEEDED":
                self.tally.expected[refused.key] += 1
                line.capped = True
                return True
            line.stale = True
            raise
        line.name, line.etag, line.vials = name, etag, vials
        self.acked(request_id, name, vials)
        return True

    async def raise_line(self, line: _Line, request_id: str) -> tuple[str, str, int]:
        """One more vial on the line (created with one); its name, etag and vials after."""
        if not line.name:
            request: Any = opb.CreateOrderLineRequest(
                parent=self.officine.order,
                line=opb.OrderLine(effecteur=line.effecteur, product=line.product, vials=1),
                request_id=request_id,
            )
            reply = await call(self.tally, self.stub.CreateOrderLine, request, self.md)
        else:
            request = opb.UpdateOrderLineRequest(
                line=opb.OrderLine(name=line.name, etag=line.etag, vials=line.vials + 1), request_id=request_id
            )
            reply = await call(self.tally, self.stub.UpdateOrderLine, request, self.md)
        return reply.line.name, reply.line.etag, reply.line.vials


class HttpOrderWriter(OrderWriter):
    """The same titulaire through the gateway's HTTP API (POST .../lines, PATCH the line),
    as the web pages and integrators do; it re-reads and is checked over gRPC like the others."""

    def __init__(
        self,
        tally: Tally,
        channel: Any,
        client: httpx.AsyncClient,
        officine: Officine,
        token: str,
        orderable: dict[str, list[str]],
    ) -> None:
        super().__init__(tally, channel, officine, token, orderable)
        self.client, self.token = client, token

    async def raise_line(self, line: _Line, request_id: str) -> tuple[str, str, int]:
        if not line.name:
            body = {
                "line": {"effecteur": line.effecteur, "product": line.product, "vials": 1},
                "requestId": request_id,
            }
            path, method = f"/api/v1/{self.officine.order}/lines", "POST"
        else:
            body = {"line": {"etag": line.etag, "vials": line.vials + 1}, "requestId": request_id}
            path, method = f"/api/v1/{line.name}", "PATCH"
        reply = await http_call(self.tally, self.client, method, path, body, self.token)
        answered = reply["line"]
        return answered["name"], answered["etag"], int(answered["vials"])


class AttachWriter(Writer):
    """New infirmiers, RPPS 15{base + n:08d}{key}: numbers the bench dataset never uses."""

    def __init__(self, tally: Tally, channel: Any, officine: Officine, token: str, base: int) -> None:
        super().__init__(tally)
        self.stub = epb_grpc.EffecteurServiceStub(channel)
        self.officine, self.md, self.next = officine, _bearer(token), base

    async def step(self) -> bool:
        rpps = with_key(f"15{self.next:08d}")
        self.next += 1
        request_id = str(uuid.uuid4())
        self.attempted.add(request_id)
        request = epb.AttachEffecteurRequest(
            parent=self.officine.name,
            identifier_kind=epb.IDENTIFIER_KIND_RPPS,
            identifier=rpps,
            type=effecteur_type_pb2.EFFECTEUR_TYPE_INFIRMIER,
            display_name=f"Infirmier chaos {rpps}",
            request_id=request_id,
        )
        reply = await call(self.tally, self.stub.AttachEffecteur, request, self.md)
        self.acked(request_id, reply.attachment.effecteur)
        return True


class WindowWriter(Writer):
    """PREVIEW windows from 2023 on: far from the session the orders use."""

    def __init__(self, tally: Tally, channel: Any, token: str, base: int) -> None:
        super().__init__(tally)
        self.stub = spb_grpc.SessionServiceStub(channel)
        self.md, self.next = _bearer(token), base

    async def step(self) -> bool:
        # A hundred a day, a minute apart from 10:00 UTC: never in the hour a DST change repeats
        # (sessions names a window by its Paris wall-clock start, which that hour makes ambiguous).
        day, minute = divmod(self.next, 100)
        start = datetime(2023, 1, 2, 10, tzinfo=UTC) + timedelta(days=day, minutes=minute)
        self.next += 1
        request_id = str(uuid.uuid4())
        self.attempted.add(request_id)
        begin, end = Timestamp(), Timestamp()
        begin.FromDatetime(start)
        end.FromDatetime(start + timedelta(minutes=30))
        window = spb.CalendarWindow(
            kind=spb.CalendarWindow.KIND_PREVIEW, start_time=begin, end_time=end, message=f"Chaos {request_id}"
        )
        reply = await call(
            self.tally,
            self.stub.CreateCalendarWindow,
            spb.CreateCalendarWindowRequest(window=window, request_id=request_id),
            self.md,
        )
        self.acked(request_id, reply.window.name)
        return True


class MailWriter(Writer):
    def __init__(self, tally: Tally, channel: Any, token: str, label: str, limit: int | None = None) -> None:
        super().__init__(tally)
        self.stub = mpb_grpc.MailerServiceStub(channel)
        self.md, self.label, self.limit, self.sent = _bearer(token), label, limit, 0

    async def step(self) -> bool:
        if self.limit is not None and self.sent >= self.limit:
            return False
        self.sent += 1
        request_id = str(uuid.uuid4())
        self.attempted.add(request_id)
        message = mpb.Message(
            to=[f"chaos-{self.label}-{self.sent}@chaos.example.test"],
            template="notice",
            params={"title": f"Essai {self.label} {self.sent}", "text": "Message de l'essai de robustesse."},
        )
        reply = await call(
            self.tally, self.stub.SendMessage, mpb.SendMessageRequest(message=message, request_id=request_id), self.md
        )
        self.acked(request_id, reply.message.name)
        return True


def all_acks(writers: Sequence[Writer]) -> list[Ack]:
    return [ack for writer in writers for ack in writer.acks]
