"""Road distances and driving times from outside the dataset: a user-supplied matrix file and
an OSRM server's table service.

Importing this package loads neither module until one of its names is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesflow._lazy import lazy_exports

if TYPE_CHECKING:
    from salesflow.data.distances.matrix_file import MatrixTable, read_distance_matrix
    from salesflow.data.distances.osrm import osrm_table
else:
    __getattr__, __dir__ = lazy_exports(__name__, {
        "MatrixTable": "matrix_file",
        "read_distance_matrix": "matrix_file",
        "osrm_table": "osrm",
    })

__all__ = ["MatrixTable", "osrm_table", "read_distance_matrix"]
