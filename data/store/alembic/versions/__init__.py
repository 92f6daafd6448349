"""Alembic revisions of the plan store, one per schema version (``0001`` is schema 1)."""
