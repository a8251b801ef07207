"""The vocabulary of the sessions service: plain values, no database, no protobuf.

Effecteur types and quota kinds are Python enums whose names are the codes of
the dataset and the CSV files ("MEDECIN", "UNLIMITED"); the servicer maps them
to the proto enums by name.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from services.common import vocabulary
from services.common.errors import InvalidArgument
from services.common.numbers import MAX_STORED_INT
from services.common.text import is_ascii_digits
from services.common.timefmt import in_paris, paris_date, paris_long


class EffecteurType(enum.Enum):
    """Rows of a quota table, in the order of the proto enum (also the CSV order)."""

    MEDECIN = 1
    PHARMACIEN = 2
    INFIRMIER = 3
    SAGE_FEMME = 4
    CHIRURGIEN_DENTISTE = 5
    MSP = 6
    CDS = 7
    LBM = 8
    FAM = 9
    MAS = 10
    EHPAD = 11
    USLD = 12
    RESIDENCE_AUTONOMIE = 13
    SST = 14
    SSU = 15
    PMI = 16

    @classmethod
    def from_code(cls, code: str) -> EffecteurType | None:
        return cls.__members__.get(code)

    @property
    def label(self) -> str:
        """French name, for messages."""
        return TYPE_LABELS[self]


# The shared labels, but institutions known by their acronym are named by it (quota tables are dense).
_BY_ACRONYM = frozenset({"MSP", "FAM", "MAS", "USLD", "PMI"})
TYPE_LABELS = {t: t.name if t.name in _BY_ACRONYM else vocabulary.TYPE_LABELS[t.name] for t in EffecteurType}


class QuotaKind(enum.Enum):
    UNLIMITED = "UNLIMITED"
    CAPPED = "CAPPED"
    NOT_OPEN = "NOT_OPEN"


class SessionState(enum.Enum):
    SCHEDULED = "SCHEDULED"
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class WindowKind(enum.Enum):
    PREVIEW = "PREVIEW"
    MAINTENANCE = "MAINTENANCE"


class ServiceState(enum.Enum):
    OPEN_FOR_ORDERS = "OPEN_FOR_ORDERS"
    PREVIEW = "PREVIEW"
    MAINTENANCE = "MAINTENANCE"
    CLOSED = "CLOSED"


# ---------------------------------------------------------------- products


@dataclass(frozen=True)
class Product:
    id: str
    display_name: str
    unit: str
    doses_per_unit: int
    shelf_life_days: int | None
    paediatric: bool
    redistributable_to: tuple[EffecteurType, ...]
    orderable_from: datetime | None
    orderable_until: datetime | None
    active: bool
    display_order: int
    revision: int = 1

    @property
    def name(self) -> str:
        return f"products/{self.id}"

    @property
    def etag(self) -> str:
        return str(self.revision)

    def orderable_at(self, at: datetime) -> bool:
        """Active and inside its orderable dates (from inclusive, until exclusive)."""
        return not self.not_orderable_reason(at)

    def not_orderable_reason(self, at: datetime) -> str:
        """Why the product cannot be ordered at `at`, in French; "" when it can.
        The one statement of the rule: quota tables and ResolveQuota fold it in."""
        if not self.active:
            return "Ce produit n'est plus proposé à la commande."
        if self.orderable_from is not None and at < self.orderable_from:
            return f"Commandable à partir du {_paris_day(self.orderable_from)}"
        if self.orderable_until is not None and at >= self.orderable_until:
            return f"Commandable jusqu'au {_paris_day(self.orderable_until)} seulement"
        return ""

    def next_orderable_change(self, at: datetime) -> datetime | None:
        """The next orderable date after `at` (when orderable_at may flip), None when none."""
        return min((d for d in (self.orderable_from, self.orderable_until) if d is not None and d > at), default=None)


def _paris_day(at: datetime) -> str:
    """'lundi 14 mars 2022'; with the time when the boundary is not at midnight in Paris."""
    local = in_paris(at)
    return paris_date(local.date()) if local.time() == time(0) else paris_long(at)


@dataclass(frozen=True)
class ProductDraft:
    """What a caller sends to create or change a product; types are still codes."""

    display_name: str = ""
    unit: str = ""
    doses_per_unit: int = 0
    shelf_life_days: int | None = None
    paediatric: bool = False
    redistributable_to: tuple[str, ...] = ()
    orderable_from: datetime | None = None
    orderable_until: datetime | None = None
    active: bool = True
    display_order: int = 0


PRODUCT_FIELDS = frozenset(ProductDraft.__dataclass_fields__)


# ---------------------------------------------------------------- sessions


@dataclass(frozen=True)
class WindowChange:
    changed_by: str
    change_time: datetime
    old_open_time: datetime
    old_close_time: datetime
    new_open_time: datetime
    new_close_time: datetime


@dataclass(frozen=True)
class Session:
    id: str
    label: str
    open_time: datetime
    close_time: datetime
    confirmation_email_date: date | None
    delivery_from_date: date | None
    delivery_to_date: date | None
    create_time: datetime
    update_time: datetime
    revision: int = 1
    window_changes: tuple[WindowChange, ...] = ()

    @property
    def name(self) -> str:
        return f"sessions/{self.id}"

    @property
    def etag(self) -> str:
        return str(self.revision)

    def state_at(self, at: datetime) -> SessionState:
        """Open means open_time <= at < close_time; never stored, always derived."""
        if at < self.open_time:
            return SessionState.SCHEDULED
        if at < self.close_time:
            return SessionState.OPEN
        return SessionState.CLOSED

    def is_open_at(self, at: datetime) -> bool:
        return self.open_time <= at < self.close_time

    def overlaps(self, open_time: datetime, close_time: datetime) -> bool:
        return self.open_time < close_time and open_time < self.close_time


@dataclass(frozen=True)
class SessionDraft:
    """Writable fields of a session; dates are still "YYYY-MM-DD" strings."""

    label: str = ""
    open_time: datetime | None = None
    close_time: datetime | None = None
    confirmation_email_date: str = ""
    delivery_from_date: str = ""
    delivery_to_date: str = ""


SESSION_FIELDS = frozenset(SessionDraft.__dataclass_fields__)


# ---------------------------------------------------------------- calendar


@dataclass(frozen=True)
class CalendarWindow:
    id: str
    kind: WindowKind
    start_time: datetime
    end_time: datetime
    message: str

    @property
    def name(self) -> str:
        return f"calendarWindows/{self.id}"

    def contains(self, at: datetime) -> bool:
        return self.start_time <= at < self.end_time


@dataclass(frozen=True)
class ServiceStatus:
    """What GetServiceState answers."""

    state: ServiceState
    session: Session | None
    next_change_time: datetime | None
    message: str


# ---------------------------------------------------------------- quotas


@dataclass(frozen=True)
class QuotaRule:
    effecteur_type: EffecteurType
    product_id: str
    kind: QuotaKind
    max_vials: int = 0
    soft_threshold: int = 0
    # Set only on a rule made NOT_OPEN by the product's own state (Product.not_orderable_reason).
    not_open_reason: str = ""

    @property
    def key(self) -> tuple[EffecteurType, str]:
        return (self.effecteur_type, self.product_id)


@dataclass(frozen=True)
class RuleDraft:
    """One cell as a caller sent it, before validation. `location` is set for
    cells read from a CSV file ("ligne 4, colonne pfizer-adult") so errors
    point at the cell; otherwise errors name the proto field rules[i]."""

    effecteur_type: str
    product: str  # "products/{id}" (proto) or a bare id (CSV)
    kind: str
    max_vials: int = 0
    soft_threshold: int = 0
    location: str | None = None


@dataclass(frozen=True)
class QuotaTable:
    session_id: str
    version: int  # 0 for a table parsed but not published (validate_only)
    publish_time: datetime | None
    published_by: str
    rules: tuple[QuotaRule, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return f"sessions/{self.session_id}/quotaTables/{self.version}"

    def rule_for(self, effecteur_type: EffecteurType, product_id: str) -> QuotaRule | None:
        return next((r for r in self.rules if r.key == (effecteur_type, product_id)), None)

    def product_ids(self) -> list[str]:
        return sorted({r.product_id for r in self.rules})


@dataclass(frozen=True)
class EffectiveTable:
    """A table version's rules as effective at `at` (product state folded in),
    the same answer until `valid_until` as far as known now (None: no known change)."""

    table: QuotaTable
    at: datetime
    valid_until: datetime | None


@dataclass(frozen=True)
class ResolvedQuota:
    rule: QuotaRule
    table: QuotaTable | None  # None when no table is published for the session


# ---------------------------------------------------------------- names

ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
CURRENT = "current"


def parse_name(name: str, collection: str, field_name: str, what: str) -> str:
    """'products/moderna' -> 'moderna'; a malformed name is a field violation."""
    prefix = f"{collection}/"
    if not name.startswith(prefix) or not ID_PATTERN.match(name[len(prefix) :]):
        raise InvalidArgument.field(
            field_name, f"Nom de {what} invalide : « {name} » (attendu « {collection}/identifiant »)."
        )
    return name[len(prefix) :]


def parse_quota_table_name(name: str, field_name: str = "name") -> tuple[str, int | None]:
    """'sessions/x/quotaTables/3' -> ('x', 3); '.../current' -> ('x', None)."""
    parts = name.split("/")
    bad = InvalidArgument.field(
        field_name,
        f"Nom de tableau de quotas invalide : « {name} » "
        "(attendu « sessions/{session}/quotaTables/{version} » ou « …/current »).",
    )
    if len(parts) != 4 or parts[0] != "sessions" or parts[2] != "quotaTables" or not ID_PATTERN.match(parts[1]):
        raise bad
    if parts[3] == CURRENT:
        return parts[1], None
    if not is_ascii_digits(parts[3]) or not 1 <= int(parts[3]) <= MAX_STORED_INT:
        raise bad
    return parts[1], int(parts[3])
