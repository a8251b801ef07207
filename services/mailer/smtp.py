"""Talking to the SMTP relay: MIME building and delivery of a batch over one
connection, with each outcome classified as sent, retry later, or give up."""

from __future__ import annotations

import email.utils
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

import aiosmtplib
import structlog

from services.mailer.settings import MailerSettings

log = structlog.get_logger("mailer.smtp")


@dataclass(frozen=True)
class Outgoing:
    """A stored message as the relay will see it."""

    id: str
    recipients: Sequence[str]
    subject: str
    text: str
    html: str | None
    reply_to: str
    create_time: datetime
    # Extra headers, only those of THREADING_HEADERS (support answers' In-Reply-To, References).
    headers: Mapping[str, str] | None = None
    # (filename, MIME type, bytes): the PDF of a destruction certificate.
    attachments: Sequence[tuple[str, str, bytes]] = ()


@dataclass(frozen=True)
class Outcome:
    sent: bool
    # 5xx answers: the relay will never take this message, retrying is pointless.
    permanent: bool = False
    error: str = ""


SENT = Outcome(sent=True)
THREADING_HEADERS = ("In-Reply-To", "References")


def message_id_header(message_id: str, sender: str) -> str:
    """The Message-ID of an outbox message: stable per row, so a message delivered twice
    (at-least-once) carries the same one, which mail systems use to drop the duplicate;
    and a later message can name it in In-Reply-To / References to thread with it."""
    domain = email.utils.parseaddr(sender)[1].rpartition("@")[2] or "vaxorders.localhost"
    return f"<{message_id}@{domain}>"


def build_email(message: Outgoing, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = ", ".join(message.recipients)
    if message.reply_to:
        mail["Reply-To"] = message.reply_to
    mail["Subject"] = message.subject
    mail["Date"] = email.utils.format_datetime(message.create_time)
    mail["Message-ID"] = message_id_header(message.id, sender)
    for name in THREADING_HEADERS:
        if message.headers and message.headers.get(name):
            mail[name] = message.headers[name]
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.text)
    if message.html is not None:
        mail.add_alternative(message.html, subtype="html")
    for filename, content_type, data in message.attachments:
        maintype, _, subtype = content_type.partition("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return mail


def _response_outcome(code: int, text: str) -> Outcome:
    return Outcome(sent=False, permanent=code >= 500, error=f"SMTP {code}: {text}"[:1000])


class SmtpRelay:
    def __init__(self, settings: MailerSettings) -> None:
        self._settings = settings

    def _client(self) -> aiosmtplib.SMTP:
        s = self._settings
        return aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username or None,
            password=s.smtp_password.get_secret_value() or None,
            use_tls=s.smtp_security == "tls",
            start_tls=s.smtp_security == "starttls",
            timeout=s.smtp_timeout_seconds,
        )

    async def deliver(self, messages: Sequence[Outgoing]) -> list[Outcome]:
        """Send each message, reusing one connection while the relay keeps it."""
        outcomes: list[Outcome] = []
        client: aiosmtplib.SMTP | None = None
        try:
            for message in messages:
                try:
                    if client is None or not client.is_connected:
                        client = self._client()
                        await client.connect()
                    errors, _ = await client.send_message(build_email(message, self._settings.mail_from))
                    # Accepted for some recipients: sent; the refusals are kept for the operators.
                    refused = "; ".join(f"{rcpt}: {resp.code} {resp.message}" for rcpt, resp in errors.items())
                    outcomes.append(Outcome(sent=True, error=refused[:1000]))
                except aiosmtplib.SMTPRecipientsRefused as exc:
                    codes = [r.code for r in exc.recipients]
                    text = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
                    outcomes.append(_response_outcome(min(codes) if codes else 451, text))
                except aiosmtplib.SMTPNotSupported as exc:
                    # An internationalised address and a relay without SMTPUTF8: it never will.
                    outcomes.append(Outcome(sent=False, permanent=True, error=f"SMTPNotSupported: {exc}"[:1000]))
                except aiosmtplib.SMTPResponseException as exc:
                    outcomes.append(_response_outcome(exc.code, exc.message))
                    # The relay may have dropped the connection (421); start a fresh one.
                    await _close(client)
                    client = None
                except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                    outcomes.append(Outcome(sent=False, error=f"{type(exc).__name__}: {exc}"[:1000]))
                    await _close(client)
                    client = None
        except BaseException:
            # Cancelled (the server is stopping): drop the connection rather than
            # wait for the relay to answer QUIT.
            if client is not None:
                client.close()
            raise
        await _close(client)
        return outcomes


async def _close(client: aiosmtplib.SMTP | None) -> None:
    if client is not None and client.is_connected:
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            client.close()
