"""Attachments: who an officine orders for. Attach, detach, list, look up, history.

An effecteur has at most one current officine. The database guarantees it
(partial unique index); the checks here only turn the refusal into a message
the officine understands. Detaching keeps the row (with who and when) and
every attach and detach is also an event, for the history pages.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.clock import Clock
from services.common.context import Principal
from services.common.db import Database
from services.common.errors import (
    Aborted,
    FailedPrecondition,
    InvalidArgument,
    PermissionDenied,
    Violations,
)
from services.common.idempotency import Idempotency, check_request_id, fingerprint
from services.common.numbers import check_stored_int
from services.common.pagination import clamp_page_size, decode_token, encode_token
from services.effecteurs import access, errors, identifiers, repository
from services.effecteurs.clients import ChangeGate
from services.effecteurs.fields import check_email, require_text
from services.effecteurs.identifiers import Identifier, IdKind
from services.effecteurs.models import (
    Attachment,
    AttachmentEvent,
    AttachmentRecord,
    Effecteur,
    EffecteurRecord,
    IdempotencyKeys,
    Officine,
)
from services.effecteurs.service import Page
from services.effecteurs.vocabulary import (
    EffecteurKind,
    check_type_matches_identifier,
    kind_for_type,
    search_text,
)

_ATTACHMENT_NAME = re.compile(r"officines/([0-9A-Za-z]{9})/attachments/([0-9]{1,18})")


@dataclass(frozen=True)
class NewEffecteur:
    """What the officine typed for an effecteur that may not be known yet."""

    type_code: str = ""
    display_name: str = ""
    email: str = ""


@dataclass(frozen=True)
class AttachmentView:
    """ORM instances from a write, plain records from the list (a read, see repository)."""

    attachment: Attachment | AttachmentRecord
    effecteur: Effecteur | EffecteurRecord


def attachment_name(attachment: Attachment | AttachmentRecord) -> str:
    return f"officines/{attachment.officine_finess}/attachments/{attachment.id}"


def parse_attachment_name(name: str, field: str) -> tuple[str, int]:
    match = _ATTACHMENT_NAME.fullmatch(name.strip())
    if match is None:
        raise InvalidArgument.field(
            field, f"Nom de rattachement « {name} » invalide : attendu officines/<FINESS>/attachments/<numéro>."
        )
    return identifiers.check_finess(match.group(1), field), int(match.group(2))


class AttachmentService:
    def __init__(self, db: Database, clock: Clock, gate: ChangeGate) -> None:
        self.db, self.clock, self.gate = db, clock, gate
        self.once = Idempotency(db, IdempotencyKeys, clock)

    # ------------------------------------------------------------------ read

    async def list_attachments(
        self,
        principal: Principal | None,
        parent: str,
        *,
        type_code: str = "",
        name_contains: str = "",
        identifier_prefix: str = "",
        include_ended: bool = False,
        page_size: int = 0,
        page_token: str = "",
    ) -> Page[AttachmentView]:
        finess = identifiers.parse_officine_name(parent, "parent")
        size = clamp_page_size(page_size, 50, 500)
        key_prefix, number_prefix = _prefix_filters(identifier_prefix)
        filters = repository.AttachmentFilter(
            officine_finess=finess,
            type_code=type_code,
            name_contains=search_text(name_contains.strip()),
            key_prefix=key_prefix,
            identifier_prefix=number_prefix,
            include_ended=include_ended,
        )
        bound = {"list": "attachments", **filters.__dict__}
        after = decode_token(page_token, bound)
        if not access.reads_officine(principal, finess):
            raise errors.officine_not_found(finess)
        position = tuple(after) if after else None

        def read(db: Connection) -> tuple[list[tuple[AttachmentRecord, EffecteurRecord]], int]:
            if not repository.officine_exists(db, finess):
                raise errors.officine_not_found(finess)
            rows = repository.list_attachments(db, filters, after=position, limit=size + 1)
            return rows, repository.count_attachments(db, filters)

        # Every officine lists its attachments at 08:00 on Monday: one read transaction, one
        # thread hand-off on SQLite.
        rows, total = await self.db.run_read(read)
        more = len(rows) > size
        views = [AttachmentView(a, e) for a, e in rows[:size]]
        token = encode_token([views[-1].attachment.effecteur_key, views[-1].attachment.id], bound) if more else ""
        return Page(views, token, total)

    async def lookup(self, principal: Principal | None, effecteur_name: str) -> tuple[Effecteur, Attachment | None]:
        """The effecteur and its current attachment: one query on indexed keys
        (the orders service asks on every order write)."""
        identifier = identifiers.parse_effecteur_name(effecteur_name, "effecteur")
        async with self.db.read() as session:
            found = await repository.effecteur_with_current_attachment(session, identifier.key)
        if found is None:
            raise errors.effecteur_not_found(identifier.key)
        effecteur, current = found
        allowed = (
            access.is_operator(principal)
            or access.acts_for_effecteur(principal, effecteur.key)
            or (current is not None and access.acts_for_officine(principal, current.officine_finess))
        )
        if not allowed:
            raise errors.effecteur_not_found(identifier.key)
        return effecteur, current

    async def list_events(
        self, principal: Principal | None, parent: str, *, page_size: int = 0, page_token: str = ""
    ) -> Page[AttachmentEvent]:
        size = clamp_page_size(page_size, 50, 500)
        bound = {"list": "events", "parent": parent}
        before = decode_token(page_token, bound)
        async with self.db.read() as session:
            if parent.startswith("officines/"):
                finess = identifiers.parse_officine_name(parent, "parent")
                allowed = access.reads_officine(principal, finess)
                if not allowed or await repository.get_officine(session, finess) is None:
                    raise errors.officine_not_found(finess)
                events = await repository.list_events(session, officine_finess=finess, before=before, limit=size + 1)
            else:
                key = identifiers.parse_effecteur_name(parent, "parent").key
                allowed = access.is_operator(principal) or access.acts_for_effecteur(principal, key)
                if not allowed or await repository.get_effecteur(session, key) is None:
                    raise errors.effecteur_not_found(key)
                events = await repository.list_events(session, effecteur_key=key, before=before, limit=size + 1)
        more = len(events) > size
        events = events[:size]
        return Page(events, encode_token(events[-1].id, bound) if more else "")

    async def list_changes(
        self, principal: Principal | None, after_id: int, page_size: int
    ) -> list[tuple[AttachmentEvent, Effecteur, Officine]]:
        """The attachment feed after a consumer's position, oldest first (orders' mirror)."""
        access.require_reads_everything(principal)
        check_stored_int(after_id, "after_id")  # also refuses a negative position
        size = clamp_page_size(page_size, 500, 1000)
        async with self.db.read() as session:
            return await repository.list_changes(session, after_id, size)

    # ----------------------------------------------------------------- write

    async def attach(
        self,
        principal: Principal | None,
        parent: str,
        kind: IdKind | None,
        identifier_text: str,
        new: NewEffecteur,
        *,
        request_id: str = "",
    ) -> AttachmentView:
        finess = identifiers.parse_officine_name(parent, "parent")
        if kind is None:
            raise InvalidArgument.field("identifier_kind", "Précisez le type de numéro : RPPS, ADELI, FINESS ou SIRET.")
        identifier = identifiers.check(kind, identifier_text, "identifier")
        request_id = check_request_id(request_id)
        self._require_officine_member(principal, finess)
        actor = access.actor_of(principal)
        await self.gate.ensure_changes_allowed()
        digest = fingerprint(actor, {"officine": finess, "effecteur": identifier.key, "new": new.__dict__})

        async def write(session: AsyncSession, now: datetime) -> AttachmentView:
            officine = await repository.get_officine(session, finess)
            if officine is None:
                raise errors.officine_not_found(finess)
            found = await repository.effecteur_with_current_attachment(session, identifier.key)
            if found is None:
                effecteur = _new_effecteur(identifier, new, officine, now)
                await repository.insert_effecteurs_if_absent(session, [_row(effecteur)])
                found = await repository.effecteur_with_current_attachment(session, identifier.key)
                assert found is not None  # inserted, or created concurrently: it exists now
            effecteur, current = found
            _refuse_if_attached(effecteur, current, finess)
            try:
                attachment = await repository.insert_attachment(
                    session, officine_finess=finess, effecteur_key=effecteur.key, at=now, by=actor
                )
            except repository.CurrentAttachmentExists:
                # Lost a race with another attach: say where it went, as if we had been second.
                _, current = await repository.effecteur_with_current_attachment(session, effecteur.key) or (None, None)
                _refuse_if_attached(effecteur, current, finess)
                raise Aborted(
                    "Le rattachement a changé entre-temps : recommencez.", reason="CONCURRENT_CHANGE"
                ) from None
            await repository.add_event(
                session, attachment, action="ATTACHED", actor=actor, at=now, psc_grace=_under_grace(principal)
            )
            return AttachmentView(attachment, effecteur)

        return await self._once(request_id, "AttachEffecteur", digest, write, finess)

    async def detach(self, principal: Principal | None, name: str, *, request_id: str = "") -> AttachmentView:
        finess, attachment_id = parse_attachment_name(name, "name")
        request_id = check_request_id(request_id)
        async with self.db.read() as session:
            found = await repository.get_attachment(session, attachment_id)
        if found is None or found[0].officine_finess != finess:
            raise errors.attachment_not_found(name)
        attachment, effecteur = found
        by_officine = access.acts_for_officine(principal, finess)
        # The effecteur may leave its officine itself (while attached: its past is the officines' business).
        by_itself = access.acts_for_effecteur(principal, effecteur.key) and attachment.is_current
        if not (by_officine or by_itself):
            if access.is_support_agent(principal):
                raise access.support_read_only()
            if access.is_operator(principal):
                raise PermissionDenied(
                    "Les rattachements sont gérés par les officines et les effecteurs eux-mêmes.",
                    reason="NOT_ATTACHMENT_PARTY",
                )
            raise errors.attachment_not_found(name)
        if effecteur.kind == EffecteurKind.OFFICINE:
            raise FailedPrecondition(
                "Une officine commande toujours pour ses propres besoins : elle ne peut pas être détachée d'elle-même.",
                reason="OFFICINE_CANNOT_BE_DETACHED",
            )
        await self.gate.ensure_changes_allowed()
        actor = access.actor_of(principal)
        digest = fingerprint(actor, {"attachment": name})

        async def write(session: AsyncSession, now: datetime) -> AttachmentView:
            if not await repository.end_attachment(session, attachment_id, at=now, by=actor):
                raise FailedPrecondition(
                    f"Ce rattachement est déjà terminé : effecteurs/{effecteur.key} "
                    "n'est plus rattaché à cette officine.",
                    reason="ALREADY_DETACHED",
                )
            await repository.add_event(
                session, attachment, action="DETACHED", actor=actor, at=now, psc_grace=_under_grace(principal)
            )
            return await self._view(session, attachment_id, finess)

        return await self._once(request_id, "DetachEffecteur", digest, write, finess)

    def _once(
        self,
        request_id: str,
        operation: str,
        digest: str,
        write: Callable[[AsyncSession, datetime], Awaitable[AttachmentView]],
        finess: str,
    ) -> Awaitable[AttachmentView]:
        """Once per request_id; a retry gets the attachment as it is now."""

        async def replay(outcome: dict[str, Any]) -> AttachmentView:
            async with self.db.read() as session:
                return await self._view(session, outcome["attachment_id"], finess)

        return self.once.run(
            request_id=request_id,
            operation=operation,
            digest=digest,
            work=write,
            dump=lambda view: {"attachment_id": view.attachment.id},
            load=replay,
        )

    # --------------------------------------------------------------- helpers

    @staticmethod
    def _require_officine_member(principal: Principal | None, finess: str) -> None:
        if access.acts_for_officine(principal, finess):
            return
        if access.is_support_agent(principal):
            raise access.support_read_only()
        if access.is_operator(principal):
            raise PermissionDenied(
                "Les rattachements sont gérés par les officines : un opérateur ne peut pas rattacher un effecteur.",
                reason="NOT_ATTACHMENT_PARTY",
            )
        raise errors.officine_not_found(finess)

    @staticmethod
    async def _view(session: Any, attachment_id: int, finess: str) -> AttachmentView:
        found = await repository.get_attachment(session, attachment_id)
        if found is None:
            raise errors.attachment_not_found(f"officines/{finess}/attachments/{attachment_id}")
        return AttachmentView(*found)


def _refuse_if_attached(effecteur: Effecteur, current: Attachment | None, finess: str) -> None:
    if effecteur.kind == EffecteurKind.OFFICINE:
        raise errors.officine_itself(effecteur.key)
    if current is None:
        return
    if current.officine_finess == finess:
        raise errors.already_attached_here(effecteur.key)
    raise errors.attached_elsewhere(effecteur.key)


def _prefix_filters(raw: str) -> tuple[str, str]:
    """ "rpps:997" filters on the resource key; "997" on the number of any kind."""
    text = raw.strip()
    if not text:
        return "", ""
    kind, sep, number = text.partition(":")
    if sep:
        return f"{kind.strip().lower()}:{identifiers.normalise(number)}", ""
    return "", identifiers.normalise(text)


def _new_effecteur(identifier: Identifier, new: NewEffecteur, officine: Officine, now: datetime) -> Effecteur:
    """An effecteur first met when an officine attaches it: type and name are then required.
    Its département is the officine's until someone changes it."""
    violations = Violations()
    type_code = ""
    if not new.type_code:
        violations.add("type", "Cet effecteur n'est pas encore connu : précisez son type (médecin, EHPAD…).")
    else:
        type_code = new.type_code
        try:
            check_type_matches_identifier(type_code, identifier.is_professional, "type")
        except InvalidArgument as error:
            violations.items.extend(error.violations)
    name = email = ""
    try:
        name = require_text(new.display_name, "display_name", "Cet effecteur n'est pas encore connu : son nom")
    except InvalidArgument as error:
        violations.items.extend(error.violations)
    try:
        email = check_email(new.email, "email")
    except InvalidArgument as error:
        violations.items.extend(error.violations)
    violations.raise_if_any()
    return Effecteur(
        key=identifier.key,
        identifier_kind=identifier.kind.value,
        identifier=identifier.value,
        kind=kind_for_type(type_code).value,
        type=type_code,
        display_name=name,
        search_name=search_text(name),
        email=email,
        department=officine.department,
        version=1,
        create_time=now,
        update_time=now,
    )


def _row(effecteur: Effecteur) -> dict[str, object]:
    return {column: getattr(effecteur, column) for column in Effecteur.__table__.columns.keys()}


def _under_grace(principal: Principal | None) -> bool:
    """Made while PSC was unreachable, under the outage grace: marked in the history (docs/psc-outage.md)."""
    return principal is not None and principal.under_psc_grace
