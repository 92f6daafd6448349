"""salesflow: a weekly planning engine for companies that sell goods from a warehouse."""

from __future__ import annotations

__version__ = "0.1.0"
