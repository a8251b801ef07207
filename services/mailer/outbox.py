"""The columns of a new outbox message: queued now, rendered as accepted."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from services.mailer.models import QUEUED
from services.mailer.templates import Rendered


def new_message_values(
    rendered: Rendered,
    *,
    recipients: Sequence[str],
    reply_to: str,
    template: str,
    params: Mapping[str, str],
    created_by: str,
    now: datetime,
    trace_request_id: str,
    dedupe_key: str | None,
    headers: Mapping[str, str] | None = None,
    attachments: Sequence[Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "recipients": list(recipients),
        "reply_to": reply_to,
        "template": template,
        "params": dict(params),
        "subject": rendered.subject,
        "text_body": rendered.text,
        "html_body": rendered.html,
        "state": QUEUED,
        "attempts": 0,
        "last_error": "",
        "next_attempt_at": now,
        "claimed_until": None,
        "created_by": created_by,
        "trace_request_id": trace_request_id,  # the RPC that queued it, for the logs
        "dedupe_key": dedupe_key,
        "create_time": now,
        "send_time": None,
        "headers": dict(headers) if headers else None,
        "attachments": None if attachments is None else [dict(a) for a in attachments],
    }
