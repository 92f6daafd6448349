"""The plan store (DESIGN §6): plan versions with their files in a database (SQLite by
default, any SQLAlchemy URL), applying a plan, and what changed between two plans."""

from __future__ import annotations

from salesflow.data.store.plan_diff import diff_plans
from salesflow.data.store.plan_store import ApplyOutcome, PlanFileInfo, PlanRecord, PlanStore

__all__ = ["ApplyOutcome", "PlanFileInfo", "PlanRecord", "PlanStore", "diff_plans"]
