"""Quota tables: validating a whole table and picking the rule in force. Pure functions.

A table is published whole. It names some products; for each of them every
effecteur type must have exactly one rule. Errors point at the proto field
(rules[3].max_vials) or, for a table read from CSV, at the cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from services.common.errors import Violations
from services.sessions.domain import (
    ID_PATTERN,
    EffecteurType,
    EffectiveTable,
    Product,
    QuotaKind,
    QuotaRule,
    QuotaTable,
    RuleDraft,
)

INVALID_TABLE = "Le tableau de quotas est invalide : rien n'a été publié."


def _product_id(draft: RuleDraft) -> str | None:
    """Proto rules name products ("products/moderna"); CSV columns give the bare id."""
    raw = draft.product.strip()
    if draft.location is None:
        if not raw.startswith("products/"):
            return None
        raw = raw[len("products/") :]
    return raw if ID_PATTERN.match(raw) else None


def validate_rules(drafts: Sequence[RuleDraft], catalogue: Mapping[str, Product]) -> tuple[QuotaRule, ...]:
    """The rules of a complete, consistent table, or InvalidArgument listing every problem."""
    violations = Violations()

    def report(index: int, draft: RuleDraft, attribute: str, message: str) -> None:
        if draft.location is not None:
            violations.add("csv", f"{draft.location} : {message}")
        else:
            violations.add(f"rules[{index}].{attribute}", message)

    if not drafts:
        violations.add(
            "rules", "Le tableau de quotas est vide : donnez au moins un produit pour chaque type d'effecteur."
        )
    rules: list[QuotaRule] = []
    seen: dict[tuple[EffecteurType, str], int] = {}
    for index, draft in enumerate(drafts):
        effecteur_type = EffecteurType.from_code(draft.effecteur_type)
        if effecteur_type is None:
            report(index, draft, "effecteur_type", f"Type d'effecteur inconnu : « {draft.effecteur_type} ».")
        product_id = _product_id(draft)
        if product_id is None:
            report(
                index,
                draft,
                "product",
                f"Nom de produit invalide : « {draft.product} » (attendu « products/identifiant »).",
            )
        elif product_id not in catalogue:
            report(index, draft, "product", f"Produit inconnu du catalogue : « {product_id} ».")
        kind = QuotaKind.__members__.get(draft.kind)
        if kind is None:
            report(index, draft, "kind", "Indiquez si la commande est illimitée, plafonnée ou non ouverte.")
        elif kind is QuotaKind.CAPPED and draft.max_vials <= 0:
            report(index, draft, "max_vials", "Le plafond doit être un nombre de flacons supérieur à 0.")
        elif kind is not QuotaKind.CAPPED and draft.max_vials != 0:
            report(index, draft, "max_vials", "Un plafond ne s'applique qu'à une règle plafonnée.")
        if draft.soft_threshold < 0:
            report(index, draft, "soft_threshold", "Le seuil d'alerte ne peut pas être négatif.")
        elif draft.soft_threshold > 0 and kind is not QuotaKind.UNLIMITED:
            report(index, draft, "soft_threshold", "Le seuil d'alerte ne s'applique qu'à une règle illimitée.")
        if effecteur_type is None or product_id is None or kind is None:
            continue
        key = (effecteur_type, product_id)
        if key in seen:
            report(
                index,
                draft,
                "effecteur_type",
                f"Règle en double pour {effecteur_type.label} × {product_id} (déjà donnée en rules[{seen[key]}]).",
            )
            continue
        seen[key] = index
        rules.append(QuotaRule(effecteur_type, product_id, kind, draft.max_vials, draft.soft_threshold))

    for product_id in sorted({p for _, p in seen}):
        missing = [t for t in EffecteurType if (t, product_id) not in seen]
        if missing:
            violations.add(
                "rules",
                f"Règles manquantes pour le produit {product_id} : {', '.join(t.name for t in missing)}.",
            )
    violations.raise_if_any(INVALID_TABLE)
    return tuple(sorted(rules, key=lambda r: (r.effecteur_type.value, r.product_id)))


def version_in_force(versions: Sequence[QuotaTable], at: datetime) -> QuotaTable | None:
    """The latest version published at or before `at`; before the first
    publication, the first version (a table prepared ahead of its session)."""
    if not versions:
        return None
    ordered = sorted(versions, key=lambda v: v.version)
    published = [v for v in ordered if v.publish_time is not None and v.publish_time <= at]
    return published[-1] if published else ordered[0]


def effective_rule(rule: QuotaRule | None, effecteur_type: EffecteurType, product: Product, at: datetime) -> QuotaRule:
    """The published rule (None: absent) as effective at `at`: NOT_OPEN, saying
    why, whenever the product itself cannot be ordered then."""
    reason = product.not_orderable_reason(at)
    if reason:
        return QuotaRule(effecteur_type, product.id, QuotaKind.NOT_OPEN, not_open_reason=reason)
    return rule or QuotaRule(effecteur_type, product.id, QuotaKind.NOT_OPEN)


def resolve(table: QuotaTable | None, effecteur_type: EffecteurType, product: Product, at: datetime) -> QuotaRule:
    """The rule for one cell; NOT_OPEN whenever the product cannot be ordered at `at`."""
    return effective_rule(table.rule_for(effecteur_type, product.id) if table else None, effecteur_type, product, at)


def effective_table(
    table: QuotaTable, catalogue: Mapping[str, Product], at: datetime, next_version_at: datetime | None
) -> EffectiveTable:
    """Every rule of the version as effective at `at`, and until when that holds:
    the next orderable date of one of its products or the next version's publication."""
    rules: list[QuotaRule] = []
    changes = [next_version_at]
    for rule in table.rules:
        product = catalogue.get(rule.product_id)
        if product is None:
            rules.append(rule)
            continue
        rules.append(effective_rule(rule, rule.effecteur_type, product, at))
        changes.append(product.next_orderable_change(at))
    valid_until = min((c for c in changes if c is not None), default=None)
    return EffectiveTable(replace(table, rules=tuple(rules)), at, valid_until)
