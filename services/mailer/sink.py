"""The dev SMTP sink: receives every mail on 127.0.0.1:1025, keeps each one as
an .eml file under VAXORDERS_DATA_DIR/mail-sink/, and shows them on
http://127.0.0.1:8025 so they can be read in the browser. Never for production.
"""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

import structlog
import uvicorn
from aiosmtpd.smtp import SMTP, Envelope, Session
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from services.common.timefmt import paris_long

log = structlog.get_logger("mailer.sink")

_NAME = re.compile(r"^[0-9]{8}T[0-9]{12}-[0-9a-f]{8}\.eml$")


class MailSink:
    """aiosmtpd handler: every accepted mail becomes one .eml file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        # The envelope says who really receives it (Bcc included): keep it visible.
        trace = (
            f"X-Sink-Envelope-From: {envelope.mail_from}\r\nX-Sink-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
        partial = self.directory / f".{name}.part"
        partial.write_bytes(trace + content)
        # Atomic: the listing never shows half a mail.
        os.replace(partial, self.directory / name)
        log.info("sink.received", file=name, recipients=len(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


async def start_smtp(handler: object, host: str, port: int) -> asyncio.Server:
    """An aiosmtpd server on the running loop; port 0 picks a free port.

    It advertises SMTPUTF8 (RFC 6531), like the production relay must, so
    internationalised addresses ("amina.traoré@example.test") are delivered."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: SMTP(handler, hostname="vaxorders-sink", enable_SMTPUTF8=True), host, port)


@dataclass(frozen=True)
class StoredMail:
    file: str
    received: str
    sender: str
    to: str
    subject: str


def _parse(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


def _received(mail: EmailMessage, path: Path) -> str:
    try:
        return paris_long(parsedate_to_datetime(str(mail["Date"])))
    except (TypeError, ValueError):
        return paris_long(datetime.fromtimestamp(path.stat().st_mtime, UTC))


def stored_mails(directory: Path) -> list[StoredMail]:
    """Newest first (file names start with the reception instant)."""
    if not directory.is_dir():
        return []
    mails = []
    for path in sorted(directory.glob("*.eml"), reverse=True):
        if not _NAME.match(path.name):
            continue
        mail = _parse(path)
        mails.append(
            StoredMail(
                file=path.name,
                received=_received(mail, path),
                sender=str(mail["From"] or ""),
                to=str(mail["To"] or mail["X-Sink-Envelope-To"] or ""),
                subject=str(mail["Subject"] or "(sans objet)"),
            )
        )
    return mails


def _part(mail: EmailMessage, subtype: str) -> str | None:
    part = mail.get_body(preferencelist=(subtype,))
    return None if part is None else part.get_content()


def create_app(directory: Path) -> Starlette:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).resolve().parent / "sink_templates"),
        autoescape=select_autoescape(default=True),
    )

    def page(template: str, status_code: int = 200, **context: object) -> HTMLResponse:
        return HTMLResponse(env.get_template(template).render(**context), status_code=status_code)

    def locate(request: Request) -> Path | None:
        name = request.path_params["name"]
        path = directory / name
        return path if _NAME.match(name) and path.is_file() else None

    async def index(request: Request) -> Response:
        return page("index.html", mails=stored_mails(directory), directory=str(directory))

    async def show(request: Request) -> Response:
        path = locate(request)
        if path is None:
            return page("missing.html", status_code=404)
        mail = _parse(path)
        return page(
            "mail.html",
            file=path.name,
            received=_received(mail, path),
            headers=[(k, str(v)) for k, v in mail.items()],
            subject=str(mail["Subject"] or "(sans objet)"),
            text=_part(mail, "plain"),
            has_html=_part(mail, "html") is not None,
        )

    async def html_part(request: Request) -> Response:
        path = locate(request)
        html = _part(_parse(path), "html") if path else None
        if html is None:
            return page("missing.html", status_code=404)
        # Shown in a sandboxed frame: the mail's HTML runs no script and reaches nothing.
        return HTMLResponse(
            html, headers={"Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'"}
        )

    async def raw(request: Request) -> Response:
        path = locate(request)
        if path is None:
            return page("missing.html", status_code=404)
        return Response(
            path.read_bytes(),
            media_type="message/rfc822",
            headers={"Content-Disposition": f'attachment; filename="{path.name}"'},
        )

    return Starlette(
        routes=[
            Route("/", index),
            Route("/mails/{name}", show),
            Route("/mails/{name}/html", html_part),
            Route("/mails/{name}/raw", raw),
        ]
    )


async def run_sink(directory: Path, host: str, smtp_port: int, http_port: int) -> None:
    """Both servers until SIGTERM/SIGINT (uvicorn handles the signals)."""
    smtp = await start_smtp(MailSink(directory), host, smtp_port)
    config = uvicorn.Config(create_app(directory), host=host, port=http_port, log_config=None, access_log=False)
    log.info("sink.started", smtp=f"{host}:{smtp_port}", http=f"http://{host}:{http_port}/", directory=str(directory))
    try:
        await uvicorn.Server(config).serve()
    finally:
        smtp.close()
        await smtp.wait_closed()
