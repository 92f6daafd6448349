"""Road distances and driving times from an OSRM server's table service
(``salesflow routes --osrm URL``).

One ``GET {url}/table/v1/{profile}/{lon,lat;...}?sources=...&destinations=...&annotations=
distance,duration`` per block of at most ``block`` sources × ``block`` destinations (OSRM's
``--max-table-size`` is 100 locations by default, so blocks of 50 stay under it). OSRM
answers metres and seconds; the result is km and minutes. Only the standard library is used.
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING

import numpy as np

from salesflow.data.errors import UserError
from salesflow.data.i18n import _

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

DEFAULT_BLOCK = 50
DEFAULT_TIMEOUT = 30.0


def _check_url(url: str) -> str:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise UserError(_("--osrm must be an http(s) URL such as http://localhost:5000; got "
                          "{value}").format(value=repr(url)))
    return url.rstrip("/")


def _request(url: str, timeout: float) -> dict[str, object]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", errors="replace")[:300]
        raise UserError(_("the OSRM server answered HTTP {code}: {detail}").format(
            code=exc.code, detail=detail)) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UserError(_("cannot reach the OSRM server: {error}").format(error=reason)) \
            from None
    try:
        answer = json.loads(body)
    except json.JSONDecodeError:
        raise UserError(_("the OSRM server's answer is not JSON")) from None
    if not isinstance(answer, dict) or answer.get("code") != "Ok":
        code = answer.get("code") if isinstance(answer, dict) else None
        message = answer.get("message", "") if isinstance(answer, dict) else ""
        raise UserError(_("the OSRM server refused the table request: {code} {message}").format(
            code=code, message=message).strip())
    return answer


def _block(answer: dict[str, object], key: str, rows: int, cols: int) -> NDArray[np.float64]:
    values = answer.get(key)
    if not isinstance(values, list) or len(values) != rows:
        raise UserError(_("the OSRM answer has no {rows}x{cols} '{key}' table (is the server "
                          "new enough for annotations=distance,duration?)").format(
                              rows=rows, cols=cols, key=key))
    out = np.empty((rows, cols))
    for i, row in enumerate(values):
        if not isinstance(row, list) or len(row) != cols:
            raise UserError(_("the OSRM '{key}' table has a row of the wrong length").format(
                key=key))
        for j, value in enumerate(row):
            if value is None or not isinstance(value, int | float) or not math.isfinite(value):
                raise UserError(_("OSRM found no road between two locations ('{key}' is null); "
                                  "check the coordinates").format(key=key))
            out[i, j] = float(value)
    return out


def osrm_table(url: str, lats: Sequence[float], lons: Sequence[float], *,
               profile: str = "driving", block: int = DEFAULT_BLOCK,
               timeout: float = DEFAULT_TIMEOUT) -> tuple[NDArray[np.float64],
                                                          NDArray[np.float64]]:
    """Road km and driving minutes between every pair of points, from OSRM.

    Parameters
    ----------
    url:
        Base URL of the server, e.g. ``http://localhost:5000``.
    lats, lons:
        The points, in degrees.
    profile:
        OSRM profile in the path.
    block:
        Largest number of sources (and of destinations) per request.
    timeout:
        Seconds per request.

    Returns
    -------
    km, minutes:
        ``(n, n)`` matrices with zero diagonals.

    Raises
    ------
    UserError
        If the URL is not http(s), the server cannot be reached, refuses the request, or
        finds no road between two points.
    """
    base = _check_url(url)
    n = len(lats)
    km = np.zeros((n, n))
    minutes = np.zeros((n, n))
    if n == 0:
        return km, minutes
    coords = [f"{float(lon):.6f},{float(lat):.6f}" for lat, lon in zip(lats, lons, strict=True)]
    chunks = [list(range(s, min(n, s + block))) for s in range(0, n, block)]
    for sources in chunks:
        for targets in chunks:
            points = sorted(set(sources) | set(targets))
            local = {p: k for k, p in enumerate(points)}
            query = urllib.parse.urlencode({
                "sources": ";".join(str(local[p]) for p in sources),
                "destinations": ";".join(str(local[p]) for p in targets),
                "annotations": "distance,duration"}, safe=";,")
            answer = _request(f"{base}/table/v1/{urllib.parse.quote(profile)}/"
                              f"{';'.join(coords[p] for p in points)}?{query}", timeout)
            rows, cols = np.ix_(sources, targets)
            km[rows, cols] = _block(answer, "distances", len(sources), len(targets)) / 1000.0
            minutes[rows, cols] = _block(answer, "durations", len(sources), len(targets)) / 60.0
    np.fill_diagonal(km, 0.0)
    np.fill_diagonal(minutes, 0.0)
    return km, minutes
