"""Officines and effecteurs: registration, reading, contact details, identifier checks.

Attachments live in attachments.py and the migration import in importer.py;
all three share the Runtime's database, clock and change gate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.clock import Clock
from services.common.context import Principal
from services.common.db import Database
from services.common.errors import AlreadyExists, FailedPrecondition, InvalidArgument, Violations
from services.common.idempotency import Idempotency, check_request_id, fingerprint
from services.common.masks import check_mask
from services.common.pagination import clamp_page_size, decode_token, encode_token
from services.effecteurs import access, errors, identifiers, repository
from services.effecteurs.clients import ChangeGate
from services.effecteurs.fields import check_department, check_email, check_etag, optional_text, require_text
from services.effecteurs.identifiers import Identifier, IdKind
from services.effecteurs.models import Effecteur, IdempotencyKeys, Officine
from services.effecteurs.vocabulary import OFFICINE_TYPE, EffecteurKind, search_text

T = TypeVar("T")
# BatchGetOfficines / BatchGetEffecteurs: names per request.
MAX_BATCH_NAMES = 1000


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_page_token: str = ""
    total_size: int = 0


@dataclass
class OfficineInput:
    finess: str
    display_name: str
    postal_code: str
    address: str = ""
    city: str = ""
    email: str = ""
    titulaires: Sequence[str] = field(default_factory=list)


# Effecteurs' Updates name the fields they change: an empty update_mask is refused.
_OFFICINE_FIELDS = frozenset({"display_name", "address", "postal_code", "city", "email", "titulaires"})
_EFFECTEUR_FIELDS = frozenset({"display_name", "email", "department"})


def check_titulaires(values: Sequence[str], field_name: str) -> list[str]:
    checked = []
    for index, national_id in enumerate(values):
        identifier = identifiers.from_national_id(national_id, f"{field_name}[{index}]")
        checked.append(("8" if identifier.kind is IdKind.RPPS else "0") + identifier.value)
    return list(dict.fromkeys(checked))


class DirectoryService:
    """Officines and effecteurs."""

    def __init__(self, db: Database, clock: Clock, gate: ChangeGate) -> None:
        self.db, self.clock, self.gate = db, clock, gate
        # Every write of the directory runs once per request_id.
        self.once = Idempotency(db, IdempotencyKeys, clock)

    async def _gate(self, principal: Principal | None) -> None:
        # Operators prepare sessions during maintenance windows: only users' changes wait.
        if not access.is_operator(principal):
            await self.gate.ensure_changes_allowed()

    # ------------------------------------------------------------ officines

    async def get_officine(self, principal: Principal | None, name: str) -> Officine:
        finess = identifiers.parse_officine_name(name, "name")
        async with self.db.read() as session:
            officine = await repository.get_officine(session, finess)
            if officine is None or not await self._may_read_officine(session, principal, finess):
                raise errors.officine_not_found(finess)
            return officine

    async def _may_read_officine(self, session: Any, principal: Principal | None, finess: str) -> bool:
        if access.reads_officine(principal, finess):
            return True
        # A professional reads the officines that order or ordered for them: their history
        # names the one they left (an officine's name and address are public anyway).
        own = access.own_effecteur_keys(principal)
        return bool(own) and finess in await repository.officines_ever_of(session, own)

    async def list_officines(
        self, principal: Principal | None, *, department: str, page_size: int, page_token: str
    ) -> Page[Officine]:
        access.require_operator(principal)
        department = check_department(department, "department") if department else ""
        size = clamp_page_size(page_size, 100, 1000)
        filters = {"list": "officines", "department": department}
        after = decode_token(page_token, filters)
        async with self.db.read() as session:
            rows = await repository.list_officines(session, department=department, after=after, limit=size + 1)
        more = len(rows) > size
        rows = rows[:size]
        return Page(rows, encode_token(rows[-1].finess, filters) if more else "")

    async def count_officines(self, principal: Principal | None) -> list[tuple[str, int]]:
        """Registered officines per département, for the operators' cockpit."""
        access.require_operator(principal)
        async with self.db.read() as session:
            return await repository.count_officines(session)

    def _check_officine(self, data: OfficineInput) -> tuple[OfficineInput, str]:
        violations = Violations()
        checked: dict[str, Any] = {}
        for name, check in (
            ("finess", lambda: identifiers.check_finess(data.finess, "officine.finess")),
            ("display_name", lambda: require_text(data.display_name, "officine.display_name", "Le nom de l'officine")),
            ("address", lambda: optional_text(data.address, "officine.address", "L'adresse")),
            ("city", lambda: optional_text(data.city, "officine.city", "La commune", max_length=100)),
            ("email", lambda: check_email(data.email, "officine.email")),
            ("department", lambda: identifiers.department_from_postal_code(data.postal_code, "officine.postal_code")),
            ("titulaires", lambda: check_titulaires(data.titulaires, "officine.titulaires")),
        ):
            try:
                checked[name] = check()
            except InvalidArgument as error:
                violations.items.extend(error.violations)
        violations.raise_if_any()
        department = checked.pop("department")
        return OfficineInput(postal_code=data.postal_code.strip(), **checked), department

    async def create_officine(
        self, principal: Principal | None, data: OfficineInput, *, request_id: str = ""
    ) -> Officine:
        access.require_operator(principal)
        officine, _ = await self.register_officine(data, actor=access.actor_of(principal), request_id=request_id)
        return officine

    async def register_officine(
        self, data: OfficineInput, *, actor: str, request_id: str = "", if_absent: bool = False
    ) -> tuple[Officine, bool]:
        """Creates the officine, its own PHARMACIEN effecteur and the permanent attachment
        between them, in one transaction. Returns (officine, created)."""
        request_id = check_request_id(request_id)
        data, department = self._check_officine(data)
        digest = fingerprint(actor, {"officine": data.__dict__})

        async def write(session: AsyncSession, now: datetime) -> tuple[Officine, bool]:
            if (existing := await repository.get_officine(session, data.finess)) is not None:
                if if_absent:
                    return existing, False
                raise AlreadyExists(f"L'officine officines/{data.finess} existe déjà.", reason="OFFICINE_EXISTS")
            if await repository.get_effecteur(session, f"finess:{data.finess}") is not None:
                raise AlreadyExists(
                    f"Le numéro FINESS {data.finess} est déjà celui d'un établissement effecteur : "
                    "il ne peut pas être aussi celui d'une officine.",
                    reason="FINESS_USED_BY_EFFECTEUR",
                )
            officine = Officine(
                finess=data.finess,
                display_name=data.display_name,
                address=data.address,
                postal_code=data.postal_code,
                city=data.city,
                department=department,
                email=data.email,
                titulaires=list(data.titulaires),
                version=1,
                create_time=now,
                update_time=now,
            )
            own = Effecteur(
                key=f"finess:{data.finess}",
                identifier_kind=IdKind.FINESS.value,
                identifier=data.finess,
                kind=EffecteurKind.OFFICINE.value,
                type=OFFICINE_TYPE,
                display_name=data.display_name,
                search_name=search_text(data.display_name),
                email=data.email,
                department=department,
                version=1,
                create_time=now,
                update_time=now,
            )
            try:
                await repository.add_new(session, officine, own)
            except repository.Duplicate:
                if if_absent and (found := await repository.get_officine(session, data.finess)) is not None:
                    return found, False
                raise AlreadyExists(
                    f"L'officine officines/{data.finess} existe déjà.", reason="OFFICINE_EXISTS"
                ) from None
            attachment = await repository.insert_attachment(
                session, officine_finess=data.finess, effecteur_key=own.key, at=now, by=actor
            )
            await repository.add_event(session, attachment, action="ATTACHED", actor=actor, at=now)
            return officine, True

        async def replay(outcome: dict[str, Any]) -> tuple[Officine, bool]:
            # A retry of a creation that went through: the officine exists, not created by this call.
            return await self._officine_written(outcome["finess"]), False

        return await self.once.run(
            request_id=request_id,
            operation="CreateOfficine",
            digest=digest,
            work=write,
            dump=lambda done: {"finess": done[0].finess},
            load=replay,
        )

    async def update_officine(
        self,
        principal: Principal | None,
        name: str,
        changes: OfficineInput,
        paths: Sequence[str],
        *,
        etag: str = "",
        request_id: str = "",
    ) -> Officine:
        finess = identifiers.parse_officine_name(name, "officine.name")
        request_id = check_request_id(request_id)
        if not (access.is_operator(principal) or access.acts_for_officine(principal, finess)):
            if access.is_support_agent(principal):
                raise access.support_read_only()
            raise errors.officine_not_found(finess)
        check_mask(paths, _OFFICINE_FIELDS, empty_refused=True)
        paths = list(dict.fromkeys(paths))  # in the order asked: so are the violations
        if "titulaires" in paths:
            access.require_operator(principal)
        values = self._officine_changes(changes, paths)
        await self._gate(principal)
        digest = fingerprint(access.actor_of(principal), {"officine": finess, "values": values, "etag": etag})

        async def write(session: AsyncSession, now: datetime) -> Officine:
            officine = await repository.get_officine(session, finess, for_update=True)
            if officine is None:
                raise errors.officine_not_found(finess)
            check_etag(etag, officine.version)
            for key, value in values.items():
                setattr(officine, key, value)
            officine.version += 1
            officine.update_time = now
            # The officine's own effecteur carries its name, e-mail and département.
            own = await repository.get_effecteur(session, officine.self_effecteur_key, for_update=True)
            if own is not None:
                own.display_name, own.search_name = officine.display_name, search_text(officine.display_name)
                own.email, own.department = officine.email, officine.department
                own.version += 1
                own.update_time = now
            await session.flush()
            return officine

        # A retry gets the officine as it is now (the one the first call wrote, or later).
        return await self.once.run(
            request_id=request_id,
            operation="UpdateOfficine",
            digest=digest,
            work=write,
            dump=lambda officine: {"finess": officine.finess},
            load=lambda outcome: self._officine_written(outcome["finess"]),
        )

    @staticmethod
    def _officine_changes(changes: OfficineInput, paths: Sequence[str]) -> dict[str, Any]:
        violations = Violations()
        values: dict[str, Any] = {}
        checks: dict[str, Callable[[], Any]] = {
            "display_name": lambda: require_text(changes.display_name, "officine.display_name", "Le nom de l'officine"),
            "address": lambda: optional_text(changes.address, "officine.address", "L'adresse"),
            "city": lambda: optional_text(changes.city, "officine.city", "La commune", max_length=100),
            "email": lambda: check_email(changes.email, "officine.email"),
            "postal_code": lambda: changes.postal_code.strip(),
            "titulaires": lambda: check_titulaires(changes.titulaires, "officine.titulaires"),
        }
        for path in paths:
            try:
                values[path] = checks[path]()
                if path == "postal_code":
                    values["department"] = identifiers.department_from_postal_code(
                        changes.postal_code, "officine.postal_code"
                    )
            except InvalidArgument as error:
                violations.items.extend(error.violations)
        violations.raise_if_any()
        return values

    # ----------------------------------------------------------- effecteurs

    async def get_effecteur(self, principal: Principal | None, name: str) -> Effecteur:
        identifier = identifiers.parse_effecteur_name(name, "name")
        async with self.db.read() as session:
            found = await repository.effecteur_with_current_attachment(session, identifier.key)
        if found is None or not may_read_effecteur(principal, *found):
            raise errors.effecteur_not_found(identifier.key)
        return found[0]

    async def list_effecteurs(
        self, principal: Principal | None, *, type_code: str, page_size: int, page_token: str
    ) -> Page[Effecteur]:
        access.require_operator(principal)
        size = clamp_page_size(page_size, 100, 1000)
        filters = {"list": "effecteurs", "type": type_code}
        after = decode_token(page_token, filters)
        async with self.db.read() as session:
            rows = await repository.list_effecteurs(session, type_code=type_code, after=after, limit=size + 1)
        more = len(rows) > size
        rows = rows[:size]
        return Page(rows, encode_token(rows[-1].key, filters) if more else "")

    # ---------------------------------------------------------- batch reads

    async def batch_get_officines(self, principal: Principal | None, names: Sequence[str]) -> list[Officine]:
        """The officines named, in the order asked; unknown ones left out. One query."""
        access.require_reads_everything(principal)
        finesses = _parse_names(names, lambda name, field: identifiers.parse_officine_name(name, field))
        async with self.db.read() as session:
            found = await repository.existing_officines(session, finesses)
        return [found[finess] for finess in finesses if finess in found]

    async def batch_get_effecteurs(self, principal: Principal | None, names: Sequence[str]) -> list[Effecteur]:
        """The effecteurs named, in the order asked; unknown ones left out. One query."""
        access.require_reads_everything(principal)
        keys = _parse_names(names, lambda name, field: identifiers.parse_effecteur_name(name, field).key)
        async with self.db.read() as session:
            found = await repository.existing_effecteurs(session, keys)
        return [found[key] for key in keys if key in found]

    async def update_effecteur(
        self,
        principal: Principal | None,
        name: str,
        *,
        display_name: str,
        email: str,
        department: str,
        paths: Sequence[str],
        etag: str = "",
        request_id: str = "",
    ) -> Effecteur:
        identifier = identifiers.parse_effecteur_name(name, "effecteur.name")
        request_id = check_request_id(request_id)
        async with self.db.read() as session:
            found = await repository.effecteur_with_current_attachment(session, identifier.key)
        if found is None or not may_change_effecteur(principal, *found):
            raise errors.effecteur_not_found(identifier.key)
        if found[0].kind == EffecteurKind.OFFICINE:
            raise FailedPrecondition(
                "C'est l'effecteur de l'officine elle-même : modifiez le nom ou l'e-mail de l'officine.",
                reason="OFFICINE_OWN_EFFECTEUR",
            )
        check_mask(paths, _EFFECTEUR_FIELDS, empty_refused=True)
        paths = list(dict.fromkeys(paths))  # in the order asked: so are the violations
        violations = Violations()
        values: dict[str, str] = {}
        checks: dict[str, Callable[[], str]] = {
            "display_name": lambda: require_text(display_name, "effecteur.display_name", "Le nom"),
            "email": lambda: check_email(email, "effecteur.email"),
            "department": lambda: check_department(department, "effecteur.department"),
        }
        for path in paths:
            try:
                values[path] = checks[path]()
            except InvalidArgument as error:
                violations.items.extend(error.violations)
        violations.raise_if_any()
        await self._gate(principal)
        digest = fingerprint(access.actor_of(principal), {"effecteur": identifier.key, "values": values, "etag": etag})

        async def write(session: AsyncSession, now: datetime) -> Effecteur:
            effecteur = await repository.get_effecteur(session, identifier.key, for_update=True)
            if effecteur is None:
                raise errors.effecteur_not_found(identifier.key)
            check_etag(etag, effecteur.version)
            for key, value in values.items():
                setattr(effecteur, key, value)
            if "display_name" in values:
                effecteur.search_name = search_text(values["display_name"])
            effecteur.version += 1
            effecteur.update_time = now
            await session.flush()
            return effecteur

        async def replay(outcome: dict[str, Any]) -> Effecteur:
            # A retry gets the effecteur as it is now (the one the first call wrote, or later).
            async with self.db.read() as session:
                effecteur = await repository.get_effecteur(session, outcome["key"])
            if effecteur is None:
                raise errors.effecteur_not_found(identifier.key)
            return effecteur

        return await self.once.run(
            request_id=request_id,
            operation="UpdateEffecteur",
            digest=digest,
            work=write,
            dump=lambda effecteur: {"key": effecteur.key},
            load=replay,
        )

    async def _officine_written(self, finess: str) -> Officine:
        async with self.db.read() as session:
            officine = await repository.get_officine(session, finess)
        if officine is None:
            raise errors.officine_not_found(finess)
        return officine

    @staticmethod
    def check_identifier(kind: IdKind | None, raw: str) -> Identifier:
        if kind is None:
            raise InvalidArgument.field("identifier_kind", "Précisez le type de numéro : RPPS, ADELI, FINESS ou SIRET.")
        return identifiers.check(kind, raw, "identifier")


def _parse_names(names: Sequence[str], parse: Callable[[str, str], str]) -> list[str]:
    """Every name checked (all violations at once, field `names[i]`), at most MAX_BATCH_NAMES."""
    if len(names) > MAX_BATCH_NAMES:
        raise InvalidArgument.field(
            "names", f"Au plus {MAX_BATCH_NAMES} noms par demande : {len(names)} reçus. Découpez la demande."
        )
    violations = Violations()
    keys: list[str] = []
    for index, name in enumerate(names):
        try:
            keys.append(parse(name, f"names[{index}]"))
        except InvalidArgument as error:
            violations.items.extend(error.violations)
    violations.raise_if_any()
    return keys


def may_read_effecteur(principal: Principal | None, effecteur: Effecteur, current: Any) -> bool:
    """Operators, the effecteur itself, and the officine it is attached to now."""
    return (
        access.is_operator(principal)
        or access.acts_for_effecteur(principal, effecteur.key)
        or (current is not None and access.acts_for_officine(principal, current.officine_finess))
    )


def may_change_effecteur(principal: Principal | None, effecteur: Effecteur, current: Any) -> bool:
    return may_read_effecteur(principal, effecteur, current)
