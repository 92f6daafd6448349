"""Any edit of any cell of a valid dataset gives either a dataset or InvalidInputError."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from dataset_strategies import ODD_VALUES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesflow.data.dataset import load_dataset
from salesflow.data.dataset.schema import TABLES
from salesflow.data.errors import InvalidInputError

WEIRD = st.one_of(
    st.sampled_from(ODD_VALUES),  # Excel-style values, nulls, extremes, bad dates and times
    st.sampled_from(["=1+1", "Mon;Xyz", "a,b", "1,5", "\u00e9\u00e8", "\U0001f600", "-0"]),
    st.text(max_size=20),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**20, 10**20).map(str),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.sampled_from(sorted(n for n in TABLES if n != "deliveries")),
       row=st.integers(0, 5), column=st.integers(0, 12), value=WEIRD)
def test_any_cell_edit_is_accepted_or_reported(tiny_master: Path, tmp_path_factory:
                                               pytest.TempPathFactory, table: str, row: int,
                                               column: int, value: str) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(tiny_master, folder, dirs_exist_ok=True)
    path = folder / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    if len(rows) > 1:
        target = rows[1 + row % (len(rows) - 1)]
        target[column % len(target)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    try:
        load_dataset(folder)
    except InvalidInputError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file and problem.rule
    shutil.rmtree(folder)
