"""Schema 1: plans and their files, and the store's meta data.

Revision ID: 0001
Revises: none
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("week", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.Text, nullable=False),
        sa.Column("config", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("data_dir", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("applied_at", sa.Text, nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'applied', 'superseded')", name="plans_status_check"
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "plan_files",
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "name"),
    )
