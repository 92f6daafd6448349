"""The plan store's Alembic environment (``env.py``) and revisions (``versions/``).

:mod:`salesflow.data.store.migrations` runs them programmatically on the store's own
connection, inside its write transaction; users need no ``alembic.ini``. A change to the
tables of :mod:`salesflow.data.store.schema` comes with a new revision here, numbered on
(``0004`` follows ``0003``): its number is the store's ``meta.schema_version`` after it.
"""
