"""What a virtual user can do, over direct gRPC or through the gateway's HTTP API.

Both clients offer the same operations and record each call under the name of
the RPC it is (or that the gateway turns it into), so the per-RPC percentiles of
the two runs compare line by line. A call answered with an error status is
recorded with its code and raised as CallFailed.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from google.protobuf import json_format

from bench.clients import GrpcPool
from bench.load import CallFailed, timed
from bench.stats import Recorder
from vaxorders.auth.v1 import auth_service_pb2 as apb
from vaxorders.auth.v1 import auth_service_pb2_grpc as apb_grpc
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as epb
from vaxorders.effecteurs.v1 import effecteurs_service_pb2_grpc as epb_grpc
from vaxorders.orders.v1 import orders_service_pb2 as opb
from vaxorders.orders.v1 import orders_service_pb2_grpc as opb_grpc
from vaxorders.sessions.v1 import sessions_service_pb2 as spb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as spb_grpc
from vaxorders.type.v1 import effecteur_type_pb2

if TYPE_CHECKING:
    import aiohttp

# The RPCs that write order lines: what "order lines per second" counts (a grid save, one
# BatchWriteOrderLines, counts once whatever its number of lines).
LINE_WRITES = ("CreateOrderLine", "UpdateOrderLine", "DeleteOrderLine", "ConfirmVialRequest", "BatchWriteOrderLines")
TIMEOUT = 30.0
_TYPE_PREFIX = "EFFECTEUR_TYPE_"


@dataclass(frozen=True)
class Line:
    name: str
    etag: str
    vials: int


@dataclass(frozen=True)
class CellWrite:
    """One cell of a grid save: a create (effecteur, product, vials), an update
    (line, vials) or a withdrawal (line, vials 0)."""

    vials: int
    line: Line | None = None
    effecteur: str = ""
    product: str = ""

    def as_pb(self) -> opb.OrderLineWrite:
        if self.line is None:
            create = opb.OrderLine(effecteur=self.effecteur, product=self.product, vials=self.vials)
            return opb.OrderLineWrite(create=create)
        if self.vials == 0:
            return opb.OrderLineWrite(delete=opb.OrderLine(name=self.line.name, etag=self.line.etag))
        return opb.OrderLineWrite(update=opb.OrderLine(name=self.line.name, etag=self.line.etag, vials=self.vials))


def _saved(results: list[tuple[bool, str, Line | None]]) -> list[Line | None]:
    """The line after each write; a refused write fails the run (the bench's cells never should be)."""
    for saved, message, _ in results:
        if not saved:
            raise CallFailed("BatchWriteOrderLines", "REFUSED", message)
    return [line for _, _, line in results]


def _type_name(value: int) -> str:
    return effecteur_type_pb2.EffecteurType.Name(value).removeprefix(_TYPE_PREFIX)


class GrpcApi:
    """Straight to each service, as an integrator's gRPC client would call them."""

    kind = "grpc"

    def __init__(self, pool: GrpcPool, addresses: dict[str, str], recorder: Recorder) -> None:
        self.pool, self.addresses, self.recorder = pool, addresses, recorder

    def _stub(self, cls: type, service: str, user: int) -> Any:
        return self.pool.stub(cls, self.addresses[service], user)

    @staticmethod
    def _md(token: str) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {token}"),)

    async def validate(self, user: int, token: str) -> None:
        stub = self._stub(apb_grpc.AuthServiceStub, "auth", user)
        await timed(
            self.recorder, "ValidateToken", stub.ValidateToken(apb.ValidateTokenRequest(token=token), timeout=TIMEOUT)
        )

    async def service_state(self, user: int, token: str) -> str:
        stub = self._stub(spb_grpc.SessionServiceStub, "sessions", user)
        reply = await timed(
            self.recorder,
            "GetServiceState",
            stub.GetServiceState(spb.GetServiceStateRequest(), metadata=self._md(token), timeout=TIMEOUT),
        )
        return reply.session

    async def quota_table(self, user: int, token: str, session: str) -> dict[str, list[str]]:
        stub = self._stub(spb_grpc.SessionServiceStub, "sessions", user)
        reply = await timed(
            self.recorder,
            "GetQuotaTable",
            stub.GetQuotaTable(
                spb.GetQuotaTableRequest(name=f"{session}/quotaTables/current"),
                metadata=self._md(token),
                timeout=TIMEOUT,
            ),
        )
        orderable: dict[str, list[str]] = {}
        for rule in reply.quota_table.rules:
            if rule.kind in (spb.QUOTA_KIND_CAPPED, spb.QUOTA_KIND_UNLIMITED):
                orderable.setdefault(_type_name(rule.effecteur_type), []).append(rule.product)
        return orderable

    async def attachments(self, user: int, token: str, officine: str) -> list[tuple[str, str]]:
        stub = self._stub(epb_grpc.EffecteurServiceStub, "effecteurs", user)
        reply = await timed(
            self.recorder,
            "ListAttachments",
            stub.ListAttachments(
                epb.ListAttachmentsRequest(parent=officine, page_size=100), metadata=self._md(token), timeout=TIMEOUT
            ),
        )
        return [(a.effecteur, _type_name(a.effecteur_detail.type)) for a in reply.attachments]

    async def create_line(self, user: int, token: str, parent: str, effecteur: str, product: str, vials: int) -> Line:
        stub = self._stub(opb_grpc.OrderServiceStub, "orders", user)
        request = opb.CreateOrderLineRequest(
            parent=parent,
            line=opb.OrderLine(effecteur=effecteur, product=product, vials=vials),
            request_id=str(uuid.uuid4()),
        )
        reply = await timed(
            self.recorder, "CreateOrderLine", stub.CreateOrderLine(request, metadata=self._md(token), timeout=TIMEOUT)
        )
        return Line(reply.line.name, reply.line.etag, reply.line.vials)

    async def update_line(self, user: int, token: str, line: Line, vials: int) -> Line:
        stub = self._stub(opb_grpc.OrderServiceStub, "orders", user)
        request = opb.UpdateOrderLineRequest(
            line=opb.OrderLine(name=line.name, etag=line.etag, vials=vials), request_id=str(uuid.uuid4())
        )
        reply = await timed(
            self.recorder, "UpdateOrderLine", stub.UpdateOrderLine(request, metadata=self._md(token), timeout=TIMEOUT)
        )
        return Line(reply.line.name, reply.line.etag, reply.line.vials)

    async def delete_line(self, user: int, token: str, line: Line) -> None:
        stub = self._stub(opb_grpc.OrderServiceStub, "orders", user)
        request = opb.DeleteOrderLineRequest(name=line.name, etag=line.etag, request_id=str(uuid.uuid4()))
        await timed(
            self.recorder, "DeleteOrderLine", stub.DeleteOrderLine(request, metadata=self._md(token), timeout=TIMEOUT)
        )

    async def batch_write(self, user: int, token: str, parent: str, cells: list[CellWrite]) -> list[Line | None]:
        stub = self._stub(opb_grpc.OrderServiceStub, "orders", user)
        request = opb.BatchWriteOrderLinesRequest(
            parent=parent, writes=[c.as_pb() for c in cells], request_id=str(uuid.uuid4())
        )
        reply = await timed(
            self.recorder,
            "BatchWriteOrderLines",
            stub.BatchWriteOrderLines(request, metadata=self._md(token), timeout=TIMEOUT),
        )
        return _saved(
            [
                (r.saved, r.message, Line(r.line.name, r.line.etag, r.line.vials) if r.HasField("line") else None)
                for r in reply.results
            ]
        )

    async def create_request(self, user: int, token: str, parent: str, effecteur: str, product: str, vials: int) -> str:
        stub = self._stub(opb_grpc.OrderServiceStub, "orders", user)
        request = opb.CreateVialRequestRequest(
            parent=parent,
            vial_request=opb.VialRequest(effecteur=effecteur, product=product, vials=vials, comment="Pour la semaine"),
            request_id=str(uuid.uuid4()),
        )
        reply = await timed(
            self.recorder,
            "CreateVialRequest",
            stub.CreateVialRequest(request, metadata=self._md(token), timeout=TIMEOUT),
        )
        return reply.vial_request.name

    async def pending_requests(self, user: int, token: str, parent: str) -> list[str]:
        stub = self._stub(opb_grpc.OrderServiceStub, "orders", user)
        request = opb.ListVialRequestsRequest(parent=parent, state=opb.VialRequest.STATE_PENDING, page_size=100)
        reply = await timed(
            self.recorder, "ListVialRequests", stub.ListVialRequests(request, metadata=self._md(token), timeout=TIMEOUT)
        )
        return [r.name for r in reply.vial_requests]

    async def confirm_request(self, user: int, token: str, name: str) -> Line:
        stub = self._stub(opb_grpc.OrderServiceStub, "orders", user)
        request = opb.ConfirmVialRequestRequest(name=name, request_id=str(uuid.uuid4()))
        reply = await timed(
            self.recorder,
            "ConfirmVialRequest",
            stub.ConfirmVialRequest(request, metadata=self._md(token), timeout=TIMEOUT),
        )
        return Line(reply.line.name, reply.line.etag, reply.line.vials)

    async def list_lines(self, user: int, token: str, parent: str) -> list[tuple[str, str, int]]:
        stub = self._stub(opb_grpc.OrderServiceStub, "orders", user)
        request = opb.ListOrderLinesRequest(parent=parent, page_size=100)
        reply = await timed(
            self.recorder, "ListOrderLines", stub.ListOrderLines(request, metadata=self._md(token), timeout=TIMEOUT)
        )
        return [(line.effecteur, line.product, line.vials) for line in reply.lines]


class HttpApi:
    """Through the gateway's /api/v1, with the PSC token as a bearer token."""

    kind = "gateway"

    def __init__(self, client: aiohttp.ClientSession, recorder: Recorder) -> None:
        import aiohttp  # noqa: PLC0415 (the `bench` extra; only the gateway phases need it)

        self.client, self.recorder = client, recorder
        self._client_error = aiohttp.ClientError

    async def _call(self, op: str, method: str, path: str, token: str, *, body: Any = None, params: Any = None) -> Any:
        headers = {"authorization": f"Bearer {token}", "accept": "application/json"}
        started = time.perf_counter()
        try:
            async with self.client.request(
                method, "/api/v1" + path, headers=headers, json=body, params=params
            ) as response:
                raw = await response.read()
                status = response.status
        except self._client_error as error:
            self.recorder.add(op, started, time.perf_counter(), f"HTTP {type(error).__name__}")
            raise CallFailed(op, type(error).__name__, str(error)) from None
        ok = 200 <= status < 300
        self.recorder.add(op, started, time.perf_counter(), "OK" if ok else f"HTTP {status}")
        if not ok:
            raise CallFailed(op, f"HTTP {status}", raw[:300].decode("utf-8", "replace"))
        return json.loads(raw) if raw else {}

    async def validate(self, user: int, token: str) -> None:
        await self._call("ValidateToken", "GET", "/me", token)

    async def service_state(self, user: int, token: str) -> str:
        reply = await self._call("GetServiceState", "GET", "/serviceState", token)
        return reply.get("session", "")

    async def quota_table(self, user: int, token: str, session: str) -> dict[str, list[str]]:
        reply = await self._call("GetQuotaTable", "GET", f"/{session}/quotaTables/current", token)
        orderable: dict[str, list[str]] = {}
        for rule in reply.get("quotaTable", {}).get("rules", []):
            if rule.get("kind") in ("QUOTA_KIND_CAPPED", "QUOTA_KIND_UNLIMITED"):
                orderable.setdefault(rule["effecteurType"].removeprefix(_TYPE_PREFIX), []).append(rule["product"])
        return orderable

    async def attachments(self, user: int, token: str, officine: str) -> list[tuple[str, str]]:
        reply = await self._call(
            "ListAttachments", "GET", f"/{officine}/attachments", token, params={"pageSize": "100"}
        )
        return [
            (a["effecteur"], a.get("effecteurDetail", {}).get("type", "").removeprefix(_TYPE_PREFIX))
            for a in reply.get("attachments", [])
        ]

    @staticmethod
    def _line(reply: dict[str, Any]) -> Line:
        line = reply["line"]
        return Line(line["name"], line["etag"], int(line["vials"]))

    async def create_line(self, user: int, token: str, parent: str, effecteur: str, product: str, vials: int) -> Line:
        body = {"line": {"effecteur": effecteur, "product": product, "vials": vials}, "requestId": str(uuid.uuid4())}
        return self._line(await self._call("CreateOrderLine", "POST", f"/{parent}/lines", token, body=body))

    async def update_line(self, user: int, token: str, line: Line, vials: int) -> Line:
        body = {"line": {"etag": line.etag, "vials": vials}, "requestId": str(uuid.uuid4())}
        return self._line(await self._call("UpdateOrderLine", "PATCH", f"/{line.name}", token, body=body))

    async def delete_line(self, user: int, token: str, line: Line) -> None:
        await self._call(
            "DeleteOrderLine",
            "DELETE",
            f"/{line.name}",
            token,
            params={"etag": line.etag, "requestId": str(uuid.uuid4())},
        )

    async def batch_write(self, user: int, token: str, parent: str, cells: list[CellWrite]) -> list[Line | None]:
        body = {
            "writes": [json_format.MessageToDict(c.as_pb()) for c in cells],
            "requestId": str(uuid.uuid4()),
        }
        reply = await self._call("BatchWriteOrderLines", "POST", f"/{parent}/lines:batchWrite", token, body=body)
        return _saved(
            [
                (bool(r.get("saved")), r.get("message", ""), self._line(r) if "line" in r else None)
                for r in reply.get("results", [])
            ]
        )

    async def create_request(self, user: int, token: str, parent: str, effecteur: str, product: str, vials: int) -> str:
        body = {
            "vialRequest": {"effecteur": effecteur, "product": product, "vials": vials, "comment": "Pour la semaine"},
            "requestId": str(uuid.uuid4()),
        }
        reply = await self._call("CreateVialRequest", "POST", f"/{parent}/requests", token, body=body)
        return reply["vialRequest"]["name"]

    async def pending_requests(self, user: int, token: str, parent: str) -> list[str]:
        reply = await self._call(
            "ListVialRequests",
            "GET",
            f"/{parent}/requests",
            token,
            params={"state": "STATE_PENDING", "pageSize": "100"},
        )
        return [r["name"] for r in reply.get("vialRequests", [])]

    async def confirm_request(self, user: int, token: str, name: str) -> Line:
        reply = await self._call(
            "ConfirmVialRequest", "POST", f"/{name}:confirm", token, body={"requestId": str(uuid.uuid4())}
        )
        return self._line(reply)

    async def list_lines(self, user: int, token: str, parent: str) -> list[tuple[str, str, int]]:
        reply = await self._call("ListOrderLines", "GET", f"/{parent}/lines", token, params={"pageSize": "100"})
        return [(line["effecteur"], line["product"], int(line["vials"])) for line in reply.get("lines", [])]
