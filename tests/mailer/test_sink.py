"""The dev SMTP sink keeps every mail as a file and shows them in the browser."""

from __future__ import annotations

from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import httpx
import pytest

from services.mailer.sink import MailSink, create_app, start_smtp


@pytest.fixture
async def sink(tmp_path: Path) -> AsyncIterator[tuple[Path, int]]:
    directory = tmp_path / "mail-sink"
    server = await start_smtp(MailSink(directory), "127.0.0.1", 0)
    yield directory, server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


async def test_a_received_mail_is_stored_listed_and_readable_in_french(sink: tuple[Path, int]) -> None:
    directory, port = sink
    mail = EmailMessage()
    mail["From"] = "ne-pas-repondre@vaxorders.localhost"
    mail["To"] = "pharmacie.lilas@example.test"
    mail["Subject"] = "Confirmation de livraison <test>"
    mail["Date"] = "Fri, 11 Mar 2022 09:00:00 +0100"
    mail.set_content("Livraison prévue le vendredi 18 mars 2022.")
    mail.add_alternative("<p>Livraison <script>alert(1)</script></p>", subtype="html")
    await aiosmtplib.send(mail, hostname="127.0.0.1", port=port, timeout=5)

    [stored] = list(directory.glob("*.eml"))
    assert b"Livraison pr" in stored.read_bytes()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(directory)), base_url="http://sink"
    ) as client:
        listing = await client.get("/")
        assert listing.status_code == 200
        assert "Courriels reçus" in listing.text
        assert "Confirmation de livraison &lt;test&gt;" in listing.text
        assert "vendredi 11 mars 2022 à 9\u00a0h\u00a000" in listing.text

        page = await client.get(f"/mails/{stored.name}")
        assert page.status_code == 200
        assert "Livraison prévue le vendredi 18 mars 2022." in page.text
        assert f'src="/mails/{stored.name}/html"' in page.text

        html = await client.get(f"/mails/{stored.name}/html")
        assert html.headers["content-security-policy"].startswith("sandbox")

        raw = await client.get(f"/mails/{stored.name}/raw")
        assert raw.content == stored.read_bytes()


async def test_only_stored_mails_can_be_opened(sink: tuple[Path, int], tmp_path: Path) -> None:
    directory, _ = sink
    (tmp_path / "secret.eml").write_text("Subject: secret\n\nsecret")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(directory)), base_url="http://sink"
    ) as client:
        for path in ("/mails/20220311T090000000000-deadbeef.eml", "/mails/..%2Fsecret.eml", "/mails/../secret.eml/raw"):
            response = await client.get(path)
            assert response.status_code == 404
            assert "secret" not in response.text
        empty = await client.get("/")
        assert "Aucun courriel reçu pour le moment." in empty.text
