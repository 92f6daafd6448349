"""salesflow: a weekly planning engine for companies that sell goods from a warehouse.

The sub-packages, in the one direction their imports run (DESIGN §2): :mod:`salesflow.cli` →
:mod:`salesflow.optimizer` → :mod:`salesflow.forecasting` → :mod:`salesflow.data`. Importing
``salesflow`` itself loads none of them.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
