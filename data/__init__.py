"""The data layer (DESIGN §2): one sub-package per concern, and the exception tree.

- :mod:`~salesflow.data.dataset`: the dataset contract (schema, reading, validation, config);
- :mod:`~salesflow.data.importing`: company exports turned into a dataset folder;
- :mod:`~salesflow.data.generator`: seeded, realistic planning datasets;
- :mod:`~salesflow.data.store`: the plan store;
- :mod:`~salesflow.data.outputs`: what salesflow writes (tables, report, map, workbooks);
- :mod:`~salesflow.data.instances`: readers of public benchmark formats;
- :mod:`~salesflow.data.distances`: road distances from a matrix file or an OSRM server;
- :mod:`~salesflow.data.errors`: the exceptions every layer raises, re-exported here.

The sub-packages are loaded on first use: importing this package costs no more than the
exception tree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesflow._lazy import lazy_exports
from salesflow.data.errors import (
    InvalidInputError,
    NotFittedError,
    PlanNotFoundError,
    Problem,
    SalesflowError,
    StoreError,
    UserError,
)

if TYPE_CHECKING:
    from salesflow.data import (
        dataset,
        distances,
        errors,
        generator,
        importing,
        instances,
        outputs,
        store,
    )
else:
    __getattr__, __dir__ = lazy_exports(__name__, {}, submodules=(
        "dataset", "distances", "errors", "generator", "importing", "instances", "outputs",
        "store",
    ))

__all__ = [
    "InvalidInputError",
    "NotFittedError",
    "PlanNotFoundError",
    "Problem",
    "SalesflowError",
    "StoreError",
    "UserError",
    "dataset",
    "distances",
    "errors",
    "generator",
    "importing",
    "instances",
    "outputs",
    "store",
]
