"""After delivery: receipts, lots, reservations, offers, claims, stock moves,
destruction certificates (services/orders/stock_models.py).

Compatible with the previous release: new tables only.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Instant = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "stock_receipts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("department", sa.String(length=3), nullable=False),
        sa.Column("receipt_date", sa.String(length=10), nullable=False),
        sa.Column("create_by", sa.String(length=32), nullable=False),
        sa.Column("create_time", Instant, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_receipts")),
        sa.UniqueConstraint("finess", "session_id", name=op.f("uq_stock_receipts_finess_session_id")),
    )
    op.create_table(
        "stock_receipt_products",
        sa.Column("receipt_id", sa.String(length=32), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("confirmed_vials", sa.Integer(), nullable=False),
        sa.Column("received_vials", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("receipt_id", "product", name=op.f("pk_stock_receipt_products")),
    )
    op.create_table(
        "stock_lots",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("department", sa.String(length=3), nullable=False),
        sa.Column("receipt_id", sa.String(length=32), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("lot_number", sa.String(length=40), nullable=False),
        sa.Column("expiry_date", sa.String(length=10), nullable=False),
        sa.Column("receipt_date", sa.String(length=10), nullable=False),
        sa.Column("usable_until", sa.String(length=10), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("picked_up", sa.Integer(), nullable=False),
        sa.Column("handed_over", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("destroyed", sa.Integer(), nullable=False),
        sa.Column("in_stock", sa.Integer(), nullable=False),
        sa.Column("offered", sa.Integer(), nullable=False),
        sa.CheckConstraint("received > 0", name=op.f("ck_stock_lots_received_positive")),
        sa.CheckConstraint(
            "picked_up >= 0 AND handed_over >= 0 AND used >= 0 AND destroyed >= 0 AND offered >= 0",
            name=op.f("ck_stock_lots_counts_not_negative"),
        ),
        sa.CheckConstraint(
            "in_stock = received - picked_up - handed_over - used - destroyed", name=op.f("ck_stock_lots_reconciled")
        ),
        sa.CheckConstraint("in_stock >= offered", name=op.f("ck_stock_lots_offered_in_stock")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_lots")),
        sa.UniqueConstraint(
            "receipt_id", "product", "lot_number", name=op.f("uq_stock_lots_receipt_id_product_lot_number")
        ),
    )
    op.create_index("ix_stock_lots_officine", "stock_lots", ["finess", "product"])
    op.create_index("ix_stock_lots_usable", "stock_lots", ["usable_until"])
    op.create_table(
        "stock_reservations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("department", sa.String(length=3), nullable=False),
        sa.Column("receipt_id", sa.String(length=32), nullable=False),
        sa.Column("receipt_date", sa.String(length=10), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("effecteur", sa.String(length=80), nullable=False),
        sa.Column("assigned", sa.Integer(), nullable=False),
        sa.Column("picked_up", sa.Integer(), nullable=False),
        sa.Column("released", sa.Integer(), nullable=False),
        sa.CheckConstraint("picked_up >= 0 AND released >= 0", name=op.f("ck_stock_reservations_counts_not_negative")),
        sa.CheckConstraint("picked_up + released <= assigned", name=op.f("ck_stock_reservations_within_assigned")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_reservations")),
        sa.UniqueConstraint(
            "receipt_id", "product", "effecteur", name=op.f("uq_stock_reservations_receipt_id_product_effecteur")
        ),
    )
    op.create_index("ix_stock_reservations_officine", "stock_reservations", ["finess", "product"])
    op.create_index("ix_stock_reservations_effecteur", "stock_reservations", ["effecteur"])
    op.create_table(
        "stock_heads",
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("finess", "product", name=op.f("pk_stock_heads")),
    )
    op.create_table(
        "stock_offers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("department", sa.String(length=3), nullable=False),
        sa.Column("lot_id", sa.String(length=32), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("offered", sa.Integer(), nullable=False),
        sa.Column("available", sa.Integer(), nullable=False),
        sa.Column("eligible_types", sa.Text(), nullable=False),
        sa.Column("officine_name", sa.String(length=200), nullable=False),
        sa.Column("create_by", sa.String(length=32), nullable=False),
        sa.Column("create_time", Instant, nullable=False),
        sa.CheckConstraint(
            "available >= 0 AND available <= offered", name=op.f("ck_stock_offers_available_within_offered")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_offers")),
    )
    op.create_index("ix_stock_offers_department", "stock_offers", ["department", "create_time"])
    op.create_index("ix_stock_offers_officine", "stock_offers", ["finess", "create_time"])
    op.create_table(
        "stock_claims",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("offer_id", sa.String(length=32), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("effecteur", sa.String(length=80), nullable=False),
        sa.Column("effecteur_name", sa.String(length=200), nullable=False),
        sa.Column("effecteur_type", sa.String(length=32), nullable=False),
        sa.Column("vials", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("claim_by", sa.String(length=32), nullable=False),
        sa.Column("claim_time", Instant, nullable=False),
        sa.Column("hand_over_by", sa.String(length=32), nullable=True),
        sa.Column("hand_over_time", Instant, nullable=True),
        sa.CheckConstraint("vials > 0", name=op.f("ck_stock_claims_vials_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_claims")),
    )
    op.create_index("ix_stock_claims_offer", "stock_claims", ["offer_id"])
    op.create_table(
        "stock_moves",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("lot_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("vials", sa.Integer(), nullable=False),
        sa.Column("effecteur", sa.String(length=80), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("move_time", Instant, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_moves")),
    )
    op.create_index("ix_stock_moves_officine", "stock_moves", ["finess", "id"])
    op.create_table(
        "destruction_certificates",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("department", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("destruction_date", sa.String(length=10), nullable=False),
        sa.Column("lots", sa.Text(), nullable=False),
        sa.Column("create_by", sa.String(length=32), nullable=False),
        sa.Column("create_time", Instant, nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_destruction_certificates")),
        sa.UniqueConstraint("year", "seq", name=op.f("uq_destruction_certificates_year_seq")),
    )
    op.create_index("ix_destruction_certificates_officine", "destruction_certificates", ["finess", "create_time"])
    op.create_index("ix_destruction_certificates_time", "destruction_certificates", ["create_time"])


def downgrade() -> None:
    for table in (
        "destruction_certificates",
        "stock_moves",
        "stock_claims",
        "stock_offers",
        "stock_heads",
        "stock_reservations",
        "stock_lots",
        "stock_receipt_products",
        "stock_receipts",
    ):
        op.drop_table(table)
