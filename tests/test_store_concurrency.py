"""Two planners at once: concurrent ``salesflow weekly`` processes writing into one store.

Five rounds of two CLI processes started together, on SQLite and on PostgreSQL (see
``store_backends.py``). Afterwards the store holds ten plans with distinct ids, each the plan a
process reported; every plan's files on disk are exactly its rows in the database (names and
SHA-256 digests, recomputed here from both sides); no process printed a traceback or
"database is locked"; no temporary folder is left.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from store_backends import Backend

from salesflow.data.atomic import TMP_PREFIX
from salesflow.data.store.plan_store import PlanStore

ROUNDS = 5
AT_ONCE = 2
CLI = [sys.executable, "-c", "from salesflow.cli.main import main; main()"]


@pytest.fixture(scope="module")
def tiny7(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``salesflow init DIR --size tiny --seed 7``, made once."""
    folder = tmp_path_factory.mktemp("tiny7") / "shop"
    done = subprocess.run([*CLI, "init", str(folder), "--size", "tiny", "--seed", "7"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return folder


def _weekly(data: Path, backend: Backend) -> subprocess.Popen[str]:
    # --store is the folder (SQLite) or the URL (PostgreSQL: plan files go to ./.salesflow).
    return subprocess.Popen(
        [*CLI, "weekly", "--data", str(data), "--store", backend.location,
         "--time-limit", "0.2", "--json"],
        cwd=backend.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=os.environ | {"PYTHONHASHSEED": "0"},
    )


def test_two_planners_at_once(backend: Backend, tiny7: Path) -> None:
    backend.root.mkdir(parents=True, exist_ok=True)
    reported: list[int] = []
    for _ in range(ROUNDS):
        runs = [_weekly(tiny7, backend) for _ in range(AT_ONCE)]
        for run in runs:
            out, err = run.communicate(timeout=600)
            assert "Traceback" not in err and "database is locked" not in err, err
            assert run.returncode == 0, err
            reported.append(json.loads(out)["plan"]["id"])
    assert len(set(reported)) == ROUNDS * AT_ONCE

    # The CLI ran in root: on PostgreSQL the plan files went to ./.salesflow/plans.
    plans_dir = backend.root / ("plans" if backend.name == "sqlite" else ".salesflow/plans")
    store = PlanStore(backend.location, plans_dir=plans_dir)
    plans = store.list_plans()
    assert sorted(p.id for p in plans) == sorted(reported)
    for plan in plans:
        folder = store.plan_path(plan.id)
        on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
        in_rows = {f.name: f.sha256 for f in plan.files}
        assert on_disk == in_rows, plan.id
        for info in plan.files:
            content = store.read_file(plan.id, info.name)
            assert hashlib.sha256(content).hexdigest() == info.sha256
            assert len(content) == info.size
        assert {"forecast.csv", "purchase_orders.csv", "kpis.json"} <= set(in_rows)
    names = sorted(p.name for p in store.plans_dir.iterdir())
    assert not [n for n in names if n.startswith(TMP_PREFIX)]
    assert names == sorted(str(i) for i in reported)
    store.close()
