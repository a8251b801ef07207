"""API routes that are not one JSON request and one JSON reply: CSV in or
out, streams, and the caller's own identity."""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from services.gateway.access import Caller, gateway_of
from services.gateway.api.jsonmap import to_json
from services.gateway.api.routing import ApiRoute, build_request, call
from services.gateway.problems import problem
from vaxorders.auth.v1 import auth_service_pb2 as auth_pb
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as eff_pb
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb

_CHUNK = 64 * 1024
_TOO_BIG = "Le fichier dépasse la taille autorisée."
_NOT_CSV = "Envoyez le fichier au format CSV (Content-Type: text/csv)."


async def read_csv_body(request: Request) -> bytes:
    if not request.headers.get("content-type", "").startswith(("text/csv", "application/csv", "text/plain")):
        raise problem(415, "UNSUPPORTED_MEDIA_TYPE", _NOT_CSV)
    limit = gateway_of(request).settings.max_upload_bytes
    body = bytearray()
    async for part in request.stream():
        body += part
        if len(body) > limit:
            raise problem(413, "PAYLOAD_TOO_LARGE", _TOO_BIG)
    return bytes(body)


async def me(route: ApiRoute, request: Request, caller: Caller) -> Response:
    reply = await gateway_of(request).backends.auth.ValidateToken(auth_pb.ValidateTokenRequest(token=caller.token))
    return JSONResponse(to_json(reply))


async def import_csv(route: ApiRoute, request: Request, caller: Caller) -> Response:
    """A request whose `csv` field is the body (quota table, delivery plan)."""
    message = build_request(route, request, b"")
    assert isinstance(message, sess_pb.ImportQuotaTableCsvRequest | orders_pb.ImportDeliveryPlanCsvRequest)
    message.csv = await read_csv_body(request)
    return JSONResponse(to_json(await call(route, request, message)))


def csv_response(data: bytes, filename: str) -> Response:
    return Response(
        data,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def export_quota_csv(route: ApiRoute, request: Request, caller: Caller) -> Response:
    reply = await call(route, request, build_request(route, request, b""))
    p = request.path_params
    return csv_response(reply.csv, f"quotas-{p['session']}-{p['version']}.csv")


async def stream_csv(chunks: AsyncIterator[bytes], filename: str) -> Response:
    """Wait for the first chunk, so a refusal still becomes a problem+json."""
    iterator = chunks.__aiter__()
    try:
        first = await iterator.__anext__()
    except StopAsyncIteration:
        first = b""

    async def body() -> AsyncIterator[bytes]:
        yield first
        async for chunk in iterator:
            yield chunk

    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def export_session_orders(route: ApiRoute, request: Request, caller: Caller) -> Response:
    message = build_request(route, request, b"")
    assert isinstance(message, orders_pb.ExportSessionOrdersRequest)
    gateway = gateway_of(request)
    stream = gateway.backends.orders.ExportSessionOrders(message)

    async def chunks() -> AsyncIterator[bytes]:
        async for reply in stream:
            yield reply.chunk

    layout = "detail" if message.layout == message.LAYOUT_DETAIL else "consolidated"
    return await stream_csv(chunks(), f"commandes-{request.path_params['session']}-{layout}.csv")


async def import_attachments(route: ApiRoute, request: Request, caller: Caller) -> Response:
    data = await read_csv_body(request)
    dry_run = request.query_params.get("dryRun", "false").lower() in ("true", "1")
    filename = request.query_params.get("filename", "import.csv")

    async def messages() -> AsyncIterator[eff_pb.ImportAttachmentsRequest]:
        yield eff_pb.ImportAttachmentsRequest(options=eff_pb.ImportOptions(dry_run=dry_run, filename=filename))
        for start in range(0, len(data), _CHUNK):
            yield eff_pb.ImportAttachmentsRequest(chunk=data[start : start + _CHUNK])

    gateway = gateway_of(request)
    reply = await gateway.backends.effecteurs.ImportAttachments(messages())
    return JSONResponse(to_json(reply))
