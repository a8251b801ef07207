"""The destruction certificate as a PDF (fpdf2), French, one A4 page.

Core PDF fonts (Helvetica) only: nothing to install in the image, and they
cover French (Latin-1). Characters outside Latin-1 in free text (a typographic
apostrophe in a name) are replaced by their closest Latin-1 form.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from services.common.timefmt import PARIS, as_utc, paris_clock, paris_date

REASON_LABELS = {
    "EXPIRED": "Flacons périmés (date limite d'utilisation dépassée)",
    "BROKEN": "Flacons cassés",
    "COLD_CHAIN": "Rupture de la chaîne du froid (2-8 °C)",
}

_REPLACEMENTS = {"’": "'", "‘": "'", "“": '"', "”": '"', "œ": "oe", "Œ": "OE", "–": "-", "—": "-", "\u202f": " "}


@dataclass(frozen=True)
class CertificateLot:
    product_label: str
    lot_number: str
    expiry_date: date
    vials: int
    doses_per_unit: int


@dataclass(frozen=True)
class CertificateData:
    number: str
    officine_label: str  # "Pharmacie des Lilas" or the FINESS when unknown
    finess: str
    department: str
    reason: str  # EXPIRED, BROKEN, COLD_CHAIN
    destruction_date: date
    declared_by: str  # national id of the pharmacien
    declared_at: datetime
    lots: Sequence[CertificateLot]


def latin1(text: str) -> str:
    text = "".join(_REPLACEMENTS.get(c, c) for c in text)
    text = unicodedata.normalize("NFC", text)
    return text.encode("latin-1", "replace").decode("latin-1")


def render(data: CertificateData) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(f"Certificat de destruction {data.number}"))
    pdf.set_author("Santé publique France - vaxorders")
    pdf.set_creation_date(as_utc(data.declared_at))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.epw

    def line(text: str, size: float = 10, style: str = "", height: float = 6) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, height, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line("Santé publique France - Commande de vaccins COVID-19 en officine", 9, "", 5)
    pdf.ln(4)
    line("Certificat de destruction de vaccins", 18, "B", 10)
    line(f"N° {data.number}", 13, "B", 8)
    pdf.ln(3)
    line(f"Officine : {data.officine_label} (FINESS {data.finess}, département {data.department})")
    line(f"Date de la destruction : {paris_date(data.destruction_date)}")
    declared = as_utc(data.declared_at).astimezone(PARIS)
    line(
        f"Déclarée le {paris_date(declared.date())} à {paris_clock(data.declared_at)} "
        f"par le pharmacien {data.declared_by}"
    )
    line(f"Motif : {REASON_LABELS.get(data.reason, data.reason)}")
    line("Filière d'élimination : CYCLAMED (déchets de médicaments non utilisés)")
    pdf.ln(4)

    columns = (0.52, 0.16, 0.14, 0.09, 0.09)
    headers = ("Produit", "Numéro de lot", "Péremption", "Flacons", "Doses")
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_fill_color(230, 230, 240)
    for share, header in zip(columns, headers, strict=True):
        pdf.cell(width * share, 8, latin1(header), border=1, fill=True)
    pdf.ln()
    pdf.set_font("Helvetica", "", 8.5)
    total_vials = total_doses = 0
    for lot in data.lots:
        doses = lot.vials * lot.doses_per_unit
        total_vials += lot.vials
        total_doses += doses
        cells = (lot.product_label, lot.lot_number, lot.expiry_date.strftime("%d/%m/%Y"), str(lot.vials), str(doses))
        for share, text in zip(columns, cells, strict=True):
            label = latin1(text)
            while pdf.get_string_width(label) > width * share - 2 and len(label) > 3:
                label = label[:-2] + "."  # cut to fit its column
            pdf.cell(width * share, 7, label, border=1)
        pdf.ln()
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(width * (columns[0] + columns[1] + columns[2]), 7, "Total", border=1)
    pdf.cell(width * columns[3], 7, str(total_vials), border=1)
    pdf.cell(width * columns[4], 7, str(total_doses), border=1)
    pdf.ln(14)

    line(
        "Je soussigné(e), pharmacien(ne) de l'officine ci-dessus, certifie que les flacons listés ont été "
        "retirés du stock et remis à la filière CYCLAMED pour destruction.",
        10,
    )
    pdf.ln(6)
    top = pdf.get_y()
    half = width / 2 - 4
    pdf.set_font("Helvetica", "", 10)
    pdf.rect(pdf.l_margin, top, half, 32)
    pdf.rect(pdf.l_margin + half + 8, top, half, 32)
    pdf.set_xy(pdf.l_margin + 2, top + 2)
    pdf.cell(half - 4, 6, latin1("Signature et cachet de l'officine"))
    pdf.set_xy(pdf.l_margin + half + 10, top + 2)
    pdf.cell(half - 4, 6, latin1("Date et lieu"))
    pdf.set_y(top + 40)
    line(
        "Ce certificat est adressé à la cellule qualité de Santé publique France. "
        "Conservez-en une copie avec le bordereau CYCLAMED.",
        8,
        "",
        4,
    )
    return bytes(pdf.output())
