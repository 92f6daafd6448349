"""Reader of the M3 competition data (3,003 series; Makridakis & Hibon 2000, the official
``M3C.xls`` of the International Institute of Forecasters) converted to tidy long files.

Per group (yearly, quarterly, monthly, other) the folder holds ``m3_<group>_train.csv.gz`` and
``m3_<group>_test.csv.gz`` with columns ``unique_id, ds, y`` (``ds`` a whole-number index, the
test part continuing the train index) and ``m3_spec.json`` with each group's horizon and season
length. The split is the official one: the test part is the last ``h`` points of each series.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from salesflow.data.errors import InvalidInputError, Problem, UserError
from salesflow.data.i18n import _

GROUPS = ("yearly", "quarterly", "monthly", "other")
_SPEC_FALLBACK = {"yearly": (6, 1), "quarterly": (8, 4), "monthly": (18, 12), "other": (8, 1)}


@dataclass(frozen=True)
class M3Group:
    """One M3 group, split into train and test.

    Attributes
    ----------
    group:
        ``yearly``, ``quarterly``, ``monthly`` or ``other``.
    train, test:
        Long frames ``unique_id, ds, y`` (``ds`` int64, ``y`` float64), sorted.
    horizon:
        Test points per series.
    season_length:
        Observations per season.
    """

    group: str
    train: pd.DataFrame
    test: pd.DataFrame
    horizon: int
    season_length: int

    @property
    def n_series(self) -> int:
        return int(self.train["unique_id"].nunique())

    def head(self, n_series: int) -> M3Group:
        """The first ``n_series`` series (by id), for quick runs."""
        keep = sorted(self.train["unique_id"].unique())[:n_series]
        return M3Group(self.group, self.train[self.train["unique_id"].isin(keep)],
                       self.test[self.test["unique_id"].isin(keep)], self.horizon,
                       self.season_length)


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise UserError(_("{file}: file not found; --data-dir must be the folder with the M3 "
                          "files (m3_<group>_train.csv.gz, m3_<group>_test.csv.gz)").format(
                              file=path))
    frame = pd.read_csv(path)
    missing = [c for c in ("unique_id", "ds", "y") if c not in frame.columns]
    if missing:
        raise InvalidInputError([Problem(str(path), None, c, None,
                                         _("required column is missing"))
                                 for c in missing])
    bad = frame["y"].isna() | frame["ds"].isna()
    if bad.any():
        rows = bad[bad].index[:20]
        raise InvalidInputError([Problem(str(path), int(r) + 2, "y", None,
                                         _("ds and y must be present")) for r in rows])
    return pd.DataFrame({"unique_id": frame["unique_id"].astype(str),
                         "ds": frame["ds"].astype("int64"),
                         "y": frame["y"].astype("float64")}).sort_values(
        ["unique_id", "ds"], ignore_index=True)


def read_m3(data_dir: str | Path, group: str) -> M3Group:
    """Read one M3 group.

    Raises
    ------
    UserError
        If ``group`` is unknown or a file is missing.
    InvalidInputError
        If a file lacks a column or a value, or test and train disagree (a series in one but
        not the other, a test part not continuing its train part, a test part of the wrong
        length).
    """
    if group not in GROUPS:
        raise UserError(_("group must be one of {choices}; got {value}").format(
            choices=", ".join(GROUPS), value=repr(group)))
    folder = Path(data_dir)
    horizon, season = _SPEC_FALLBACK[group]
    spec_path = folder / "m3_spec.json"
    if spec_path.is_file():
        try:
            spec = json.loads(spec_path.read_text(encoding="utf-8")).get("groups", {})
        except (json.JSONDecodeError, AttributeError) as exc:
            raise UserError(_("{file}: not a valid M3 spec file ({error})").format(
                file=spec_path, error=exc)) from None
        if group in spec:
            horizon, season = int(spec[group]["h"]), int(spec[group]["season_length"])
    train_path = folder / f"m3_{group}_train.csv.gz"
    test_path = folder / f"m3_{group}_test.csv.gz"
    train, test = _read(train_path), _read(test_path)
    problems = []
    train_ids, test_ids = set(train["unique_id"]), set(test["unique_id"])
    for uid in sorted(train_ids ^ test_ids)[:20]:
        where = test_path if uid in train_ids else train_path
        problems.append(Problem(str(where), None, "unique_id", uid,
                                _("every series must be in both the train and the test "
                                  "file")))
    counts = test.groupby("unique_id").size()
    for uid in counts[counts != horizon].index[:20]:
        problems.append(Problem(str(test_path), None, "unique_id", uid,
                                _("the test part must have {count} points").format(
                                    count=horizon)))
    last = train.groupby("unique_id")["ds"].max()
    first = test.groupby("unique_id")["ds"].min()
    joined = pd.concat([last.rename("last"), first.rename("first")], axis=1).dropna()
    for uid in joined.index[joined["first"] != joined["last"] + 1][:20]:
        problems.append(Problem(str(test_path), None, "ds", uid,
                                _("the test part must continue the train index")))
    if problems:
        raise InvalidInputError(problems)
    return M3Group(group, train, test, horizon, season)
