"""The dataset contract (DESIGN §3): the tables' schema, reading table files, typing and
validating their cells, ``config.toml``, and the other user-supplied inputs (a demand file, a
requirements file, a long ``unique_id, ds, y`` table).

>>> from salesflow.data.dataset import load_dataset, sample_data_dir
>>> ds = load_dataset(sample_data_dir())          # doctest: +SKIP
"""

from __future__ import annotations

from salesflow.data.dataset.loading import (
    Dataset,
    empty_table,
    load_dataset,
    sample_data_dir,
    with_applied_orders,
)

__all__ = ["Dataset", "empty_table", "load_dataset", "sample_data_dir", "with_applied_orders"]
