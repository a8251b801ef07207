"""The destruction certificate reads, as text, like the document a person expects:
its number, the officine, the date, each lot and quantity, the reason, CYCLAMED,
the signature block — in French (pdftotext from poppler-utils, when installed)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from services.orders.certificate_pdf import CertificateData, CertificateLot, latin1, render

CERTIFICATE = CertificateData(
    number="DES-2022-000042",
    officine_label="Pharmacie des Lilas",
    finess="759900111",
    department="75",
    reason="COLD_CHAIN",
    destruction_date=date(2022, 3, 27),
    declared_by="Claire Moreau (RPPS 99700000013)",
    declared_at=datetime(2022, 3, 27, 8, 15, tzinfo=UTC),  # 10h15 in Paris, summer time since that night
    lots=[
        CertificateLot(
            "Comirnaty 12 ans et plus (Pfizer-BioNTech), capuchon violet", "FK8891", date(2022, 5, 31), 3, 6
        ),
        CertificateLot("Spikevax (Moderna)", "3004217", date(2022, 3, 25), 2, 10),
    ],
)


def test_the_certificate_is_a_one_page_pdf() -> None:
    pdf = render(CERTIFICATE)
    assert pdf.startswith(b"%PDF-") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 1


def test_text_outside_latin1_is_replaced_not_dropped() -> None:
    assert latin1("L’officine œuvre – ok") == "L'officine oeuvre - ok"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_certificate_says_what_a_person_must_read(tmp_path: Path) -> None:
    path = tmp_path / "certificat.pdf"
    path.write_bytes(render(CERTIFICATE))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in (
        "Certificat de destruction de vaccins",
        "N° DES-2022-000042",
        "Pharmacie des Lilas (FINESS 759900111, département 75)",
        "Date de la destruction : dimanche 27 mars 2022",
        "à 10\u00a0h\u00a015 par le pharmacien Claire Moreau (RPPS 99700000013)",
        "Rupture de la chaîne du froid",
        "CYCLAMED",
        "FK8891",
        "3004217",
        "25/03/2022",
        "Signature et cachet de l'officine",
    ):
        assert expected in text, expected
    assert " 5 " in text.split("Total", 1)[1] and "38" in text.split("Total", 1)[1]  # 3 + 2 vials, 18 + 20 doses
