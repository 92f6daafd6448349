"""``staffed_rows``: the staffed side of ``coverage`` built directly, for any roster."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.optimizer.staffing.coverage import coverage, staffed_rows
from salesflow.optimizer.staffing.requirements import empty_requirements
from salesflow.optimizer.staffing.roster import Assignment, Roster

MONDAY = dt.date(2026, 11, 23)


@st.composite
def rosters(draw: st.DrawFn) -> tuple[Roster, list[dt.date]]:
    dates = [MONDAY + dt.timedelta(days=i) for i in range(draw(st.integers(1, 7)))]
    shifts = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, 1439))
        end = start + draw(st.integers(1, 16 * 60))  # past midnight: hours of the next date
        day = draw(st.sampled_from([*dates, dates[-1] + dt.timedelta(days=1)]))
        shifts.append(Assignment("e1", day, "s", start, end, (end - start) / 60,
                                 draw(st.sampled_from(["picker", "packer"]))))
    return Roster(tuple(shifts), "drawn"), dates


@settings(max_examples=150, deadline=None)
@given(drawn=rosters())
def test_staffed_rows_are_the_staffed_side_of_coverage(
        drawn: tuple[Roster, list[dt.date]]) -> None:
    roster, dates = drawn
    full = coverage(roster, empty_requirements())
    expected = full.loc[full["date"].dt.date.isin(set(dates)),
                        ["date", "hour", "skill", "staffed"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(staffed_rows(roster, dates), expected)


def test_a_shift_over_midnight_counts_partial_hours_on_both_dates() -> None:
    shift = Assignment("e1", MONDAY, "night", 22 * 60 + 30, 25 * 60, 2.5, "packer")
    rows = staffed_rows(Roster((shift,), "one"), [MONDAY, MONDAY + dt.timedelta(days=1)])
    assert rows["hour"].tolist() == [22, 23, 0]
    assert rows["staffed"].tolist() == [0.5, 1.0, 1.0]
    assert rows["date"].dt.date.tolist() == [MONDAY, MONDAY, MONDAY + dt.timedelta(days=1)]
    assert staffed_rows(Roster((shift,), "one"), [MONDAY])["hour"].tolist() == [22, 23]
