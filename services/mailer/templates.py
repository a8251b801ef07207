"""Message templates: French Jinja2 files under templates/<id>/.

Each template has subject.txt and body.txt, and may have body.html (rendered
with autoescape, since parameters come from users). Templates are rendered when
a message is queued, so a message is sent exactly as it was accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, select_autoescape

from services.common.timefmt import clock, paris_clock, paris_date, paris_long

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class TemplateSpec:
    """What a caller of SendMessage must give: exactly these string params."""

    id: str
    params: tuple[str, ...]
    # Internal templates need structured data and are only used by the mailer itself.
    sendable: bool = True


TEMPLATES: dict[str, TemplateSpec] = {
    spec.id: spec
    for spec in (
        TemplateSpec("notice", ("title", "text")),
        TemplateSpec("support-request", (), sendable=False),
        # The support desk (support_desk.py): the requester's acknowledgement and agents' answers.
        TemplateSpec("support-acknowledgement", (), sendable=False),
        TemplateSpec("support-answer", (), sendable=False),
        # Composed by the mailer from orders' deliveries (deliveries.py), never by SendMessage.
        TemplateSpec("delivery-confirmation-officine", (), sendable=False),
        TemplateSpec("delivery-confirmation-effecteur", (), sendable=False),
        TemplateSpec("delivery-date-change", (), sendable=False),
        # Composed by the stock-alert job (stock_alerts.py) from orders' ListStockNotices.
        TemplateSpec("stock-expiry-alert", (), sendable=False),
        TemplateSpec("stock-uncollected", (), sendable=False),
        TemplateSpec("destruction-certificate", (), sendable=False),
    )
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None


class Templates:
    def __init__(self, directory: Path = TEMPLATES_DIR) -> None:
        self._env = Environment(
            loader=FileSystemLoader(directory),
            # Escaping for HTML parts only: the text parts are plain text.
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._env.filters["paris_long"] = paris_long
        self._env.filters["paris_date"] = paris_date
        self._env.filters["paris_clock"] = paris_clock
        self._env.globals["clock"] = clock
        self._env.filters["thousands"] = lambda n: f"{n:,}".replace(",", "\u202f")

    def render(self, template_id: str, context: Mapping[str, Any]) -> Rendered:
        subject = self._env.get_template(f"{template_id}/subject.txt").render(context)
        text = self._env.get_template(f"{template_id}/body.txt").render(context)
        try:
            html = self._env.get_template(f"{template_id}/body.html").render(context)
        except TemplateNotFound:
            html = None
        # A subject is one header line: folding user text into it must not add lines.
        return Rendered(subject=" ".join(subject.split()), text=text, html=html)
