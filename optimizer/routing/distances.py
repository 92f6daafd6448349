"""Road distances and travel times from coordinates (DESIGN §5, Routing).

The default distance model: the great-circle (haversine) distance times a road circuity factor,
driven at a constant average speed. Both factors come from ``config.toml`` ``[routing]``.

>>> import numpy as np
>>> model = DistanceModel(circuity_factor=1.3, average_speed_kmh=30.0)
>>> km, minutes = model.matrices(np.array([53.55, 53.56]), np.array([10.0, 10.0]))
>>> round(float(km[0, 1]), 3), round(float(minutes[0, 1]), 2)
(1.446, 2.89)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from salesflow.data.dataset.config import RoutingSection

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), in km."""


def haversine_km(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike,
                 lon2: ArrayLike) -> NDArray[np.float64]:
    """Great-circle distance in km between points given in degrees.

    The arguments broadcast against each other like any numpy operation, so a column of points
    against a row of points gives a full matrix.

    Parameters
    ----------
    lat1, lon1:
        Latitude and longitude of the first points, in degrees.
    lat2, lon2:
        Latitude and longitude of the second points, in degrees.

    Returns
    -------
    numpy.ndarray
        Distances in km, of the broadcast shape of the inputs.

    Raises
    ------
    ValueError
        If the inputs do not broadcast together.
    """
    phi1, lam1, phi2, lam2 = (np.radians(np.asarray(a, dtype=np.float64))
                              for a in (lat1, lon1, lat2, lon2))
    h = (np.sin((phi2 - phi1) / 2.0) ** 2
         + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2.0) ** 2)
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def pairwise_haversine_km(lats: ArrayLike, lons: ArrayLike) -> NDArray[np.float64]:
    """Square matrix of great-circle km between every pair of points.

    The result is exactly symmetric with a zero diagonal.

    Parameters
    ----------
    lats, lons:
        One-dimensional latitude and longitude arrays of equal length, in degrees.

    Returns
    -------
    numpy.ndarray
        ``(n, n)`` distances in km.

    Raises
    ------
    ValueError
        If ``lats`` and ``lons`` are not one-dimensional arrays of the same length.
    """
    lat = np.asarray(lats, dtype=np.float64)
    lon = np.asarray(lons, dtype=np.float64)
    if lat.ndim != 1 or lat.shape != lon.shape:
        raise ValueError(f"lats and lons must be 1-d arrays of equal length; "
                         f"got shapes {lat.shape} and {lon.shape}")
    km = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    km = (km + km.T) / 2.0
    np.fill_diagonal(km, 0.0)
    return km


@dataclass(frozen=True)
class DistanceModel:
    """Road km = haversine km × circuity factor; minutes = road km ÷ average speed × 60.

    Parameters
    ----------
    circuity_factor:
        Road km per straight-line km (>= 1).
    average_speed_kmh:
        Average road speed in km/h (> 0).

    Raises
    ------
    ValueError
        If a factor is out of range.
    """

    circuity_factor: float = 1.3
    average_speed_kmh: float = 30.0

    def __post_init__(self) -> None:
        if not np.isfinite(self.circuity_factor) or self.circuity_factor < 1.0:
            raise ValueError(f"circuity_factor must be >= 1; got {self.circuity_factor!r}")
        if not np.isfinite(self.average_speed_kmh) or self.average_speed_kmh <= 0.0:
            raise ValueError(f"average_speed_kmh must be > 0; got {self.average_speed_kmh!r}")

    @classmethod
    def from_config(cls, routing: RoutingSection) -> DistanceModel:
        """The model of a dataset's ``[routing]`` settings."""
        return cls(circuity_factor=float(routing.circuity_factor),
                   average_speed_kmh=float(routing.average_speed_kmh))

    def location_matrices(self, ids: Sequence[str], lats: ArrayLike,
                          lons: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """:meth:`matrices` of the coordinates; the ids are not needed (DistanceSource)."""
        return self.matrices(lats, lons)

    def matrices(self, lats: ArrayLike,
                 lons: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Road km and driving minutes between every pair of points.

        Parameters
        ----------
        lats, lons:
            One-dimensional latitude and longitude arrays of equal length, in degrees.

        Returns
        -------
        km, minutes:
            Two ``(n, n)`` symmetric matrices with zero diagonals.

        Raises
        ------
        ValueError
            If ``lats`` and ``lons`` are not one-dimensional arrays of the same length.
        """
        km = pairwise_haversine_km(lats, lons) * self.circuity_factor
        minutes = km / self.average_speed_kmh * 60.0
        return km, minutes


class DistanceSource(Protocol):
    """Anything that gives road km and minutes between locations named by id."""

    def location_matrices(self, ids: Sequence[str], lats: ArrayLike,
                          lons: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(km, minutes)``, both ``(n, n)``, for the locations in this order.

        Raises
        ------
        KeyError
            If the source has no figures for one of the ids.
        """
        ...


@dataclass(frozen=True, eq=False)
class TableDistances:
    """Distances looked up in a fixed table (a user matrix file, an OSRM answer).

    Parameters
    ----------
    ids:
        Location ids (depot ids and customer ids), one per row and column.
    km, minutes:
        ``(n, n)`` road km and driving minutes, finite and >= 0.

    Raises
    ------
    ValueError
        If shapes disagree, ids repeat or a value is negative or not finite.
    """

    ids: tuple[str, ...]
    km: NDArray[np.float64] = field(repr=False)
    minutes: NDArray[np.float64] = field(repr=False)

    def __post_init__(self) -> None:
        ids = tuple(str(i) for i in self.ids)
        object.__setattr__(self, "ids", ids)
        if len(set(ids)) != len(ids):
            raise ValueError("location ids must be unique")
        for name in ("km", "minutes"):
            matrix = np.array(getattr(self, name), dtype=np.float64, copy=True)
            if matrix.shape != (len(ids), len(ids)):
                raise ValueError(f"{name} must be ({len(ids)}, {len(ids)}); got {matrix.shape}")
            if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
                raise ValueError(f"{name} must hold finite values >= 0")
            matrix.setflags(write=False)
            object.__setattr__(self, name, matrix)

    def location_matrices(self, ids: Sequence[str], lats: ArrayLike,
                          lons: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The rows and columns of ``ids``, in that order (coordinates unused).

        Raises
        ------
        KeyError
            If an id is not in the table.
        """
        where = {loc: k for k, loc in enumerate(self.ids)}
        missing = [i for i in ids if i not in where]
        if missing:
            raise KeyError(f"no distances for location(s) {', '.join(missing[:10])}")
        index = np.array([where[i] for i in ids], dtype=np.int64)
        return (self.km[np.ix_(index, index)].copy(),
                self.minutes[np.ix_(index, index)].copy())
