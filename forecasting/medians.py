"""The elementwise median of a few arrays, the same numbers as :func:`numpy.median` gives.

Combinations take the median of their members' forecasts (2 to 8 of them) once per series and
per backtest window, and the pooled choice once per subset of candidates over every backtest
row of a pool. :func:`numpy.median` partitions along the stacked axis: 31-45 µs a call on a
series' 12 values, 0.85-1.4 s a subset on a pool of 300,000 x 12 values a member (it partitions
each element's few members on its own). Here the same median comes from a sorting network of
elementwise minima and maxima (Knuth, TAOCP vol. 3, §5.3.4: odd-even transposition sort) for
large arrays and three members or fewer, and from one sort along the stacked axis for a
series' values with more members: 5-14 µs and 0.03-0.30 s for 2 to 8 members (measured on
this machine).

Exactness: the middle element of an odd count is selected, not computed; for an even count
the two middle elements are added and halved, as :func:`numpy.median` (``numpy.mean`` of the
two) does, and addition is commutative. Where any member is NaN the median is NaN, as there.
(Only the sign of a zero median may differ: -0.0 and 0.0 are equal, and either may be
selected.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Elements (members times values) from which the sorting network beats one sort: the sort's
#: cost per call dominates below it.
NETWORK_MIN_ELEMENTS = 256


def median_of(members: Sequence[np.ndarray]) -> np.ndarray:
    """The elementwise median of equally shaped float arrays, the values of
    ``numpy.median(numpy.stack(members), axis=0)``; a new array.

    Raises
    ------
    ValueError
        Without any member.
    """
    n = len(members)
    if n == 0:
        raise ValueError("the median of no arrays")
    if n == 1:
        return np.array(members[0], dtype=np.float64)
    if n <= 3 or n * np.size(members[0]) >= NETWORK_MIN_ELEMENTS:
        return _network_median(members)
    ordered = np.sort(np.stack(members), axis=0)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    missing = np.isnan(ordered[-1])  # a sort puts NaN last
    if missing.any():
        median[missing] = np.nan
    return median


def _network_median(members: Sequence[np.ndarray]) -> np.ndarray:
    """Odd-even transposition sort of ``members`` (n rounds of compare-exchange between
    neighbours: sorted after n rounds), then the middle."""
    ordered = [np.asarray(m, dtype=np.float64) for m in members]
    n = len(ordered)
    for round_ in range(n):
        for i in range(round_ % 2, n - 1, 2):
            low, high = ordered[i], ordered[i + 1]
            ordered[i], ordered[i + 1] = np.minimum(low, high), np.maximum(low, high)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    # NaN spreads through minimum and maximum, but not always to the middle within n rounds
    missing = np.isnan(members[0])
    for member in members[1:]:
        missing |= np.isnan(member)
    if missing.any():
        median[missing] = np.nan
    return np.asarray(median, dtype=np.float64)
