"""Tests for user distance matrices (salesflow.data.distances.matrix_file) and the OSRM table
client (salesflow.data.distances.osrm), which is tested against a local stand-in HTTP server
started here (no real OSRM server, and no network, is used by the tests)."""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from salesflow.data.distances.matrix_file import read_distance_matrix
from salesflow.data.distances.osrm import osrm_table
from salesflow.data.errors import InvalidInputError, UserError
from salesflow.optimizer.routing.distances import haversine_km


def test_matrix_file_is_read_in_the_requested_order(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("from_id,to_id,km,minutes\n"
                    "A,B,10,12\nB,A,11,\nA,C,3,4\nC,A,3,4\nB,C,7,9\nC,B,8,9\nX,A,1,1\n")
    table = read_distance_matrix(path, ["B", "A", "C"], average_speed_kmh=60.0)
    assert table.ids == ("B", "A", "C")
    assert table.km.tolist() == [[0, 11, 7], [10, 0, 3], [8, 3, 0]]
    assert table.minutes[0, 1] == pytest.approx(11.0)  # blank minutes: km at 60 km/h
    assert table.minutes[1, 0] == 12.0


def test_matrix_file_reports_every_problem_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("from_id,to_id,km\nA,B,ten\nA,B,5\nB,A,-1\n,A,2\n")
    with pytest.raises(InvalidInputError) as err:
        read_distance_matrix(path, ["A", "B"], 30.0)
    found = {(p.row, p.column) for p in err.value.problems}
    assert {(2, "km"), (3, "to_id"), (4, "km"), (5, "from_id")} <= found
    assert all(p.file == str(path) for p in err.value.problems)


def test_matrix_file_lists_missing_pairs_and_columns(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("from_id,to_id,km\nA,B,1\n")
    with pytest.raises(InvalidInputError, match="B -> A"):
        read_distance_matrix(path, ["A", "B"], 30.0)
    path.write_text("from,to,km\nA,B,1\n")
    with pytest.raises(InvalidInputError) as err:
        read_distance_matrix(path, ["A", "B"], 30.0)
    assert {p.column for p in err.value.problems} == {"from_id", "to_id"}
    with pytest.raises(InvalidInputError, match=r"must be \.csv"):
        read_distance_matrix(tmp_path / "m.json", ["A"], 30.0)


class _FakeOsrm(BaseHTTPRequestHandler):
    """Answers /table/v1/driving/... like OSRM: metres and seconds from the haversine
    distance (1.2 x straight line at 36 km/h); a coordinate at lon 0 is unroutable."""

    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        parsed = urllib.parse.urlsplit(self.path)  # urlparse would cut at ';'
        parts = parsed.path.split("/")
        if parts[1:4] != ["table", "v1", "driving"]:
            self.send_response(400)
            self.end_headers()
            self.wfile.write(b'{"code":"InvalidUrl","message":"bad path"}')
            return
        coords = [tuple(map(float, c.split(","))) for c in parts[4].split(";")]
        query = urllib.parse.parse_qs(parsed.query)
        sources = [int(x) for x in query["sources"][0].split(";")]
        targets = [int(x) for x in query["destinations"][0].split(";")]
        assert query["annotations"] == ["distance,duration"]
        dist, dur = [], []
        for s in sources:
            row_d, row_t = [], []
            for t in targets:
                (lon1, lat1), (lon2, lat2) = coords[s], coords[t]
                if 0.0 in (lon1, lon2) and s != t:
                    row_d.append(None)
                    row_t.append(None)
                    continue
                metres = 1200.0 * float(haversine_km(lat1, lon1, lat2, lon2))
                row_d.append(metres)
                row_t.append(metres / 10.0)
            dist.append(row_d)
            dur.append(row_t)
        body = json.dumps({"code": "Ok", "distances": dist, "durations": dur}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def osrm_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOsrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeOsrm.requests = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_osrm_table_in_blocks(osrm_url: str) -> None:
    rng = np.random.default_rng(0)
    lats = rng.uniform(53.4, 53.7, 7)
    lons = rng.uniform(9.8, 10.2, 7)
    km, minutes = osrm_table(osrm_url, lats, lons, block=3)
    assert len(_FakeOsrm.requests) == 9  # 3 x 3 blocks of at most 3 x 3
    expected = 1.2 * haversine_km(lats[:, None], lons[:, None], lats[None, :], lons[None, :])
    np.fill_diagonal(expected, 0.0)
    assert np.allclose(km, expected, rtol=1e-4)  # coordinates travel with 6 decimals
    assert np.allclose(minutes, expected / 36.0 * 60.0, rtol=1e-4)  # 36 km/h


def test_osrm_errors_are_user_errors(osrm_url: str) -> None:
    with pytest.raises(UserError, match="no road"):
        osrm_table(osrm_url, [53.5, 53.6], [10.0, 0.0])
    with pytest.raises(UserError, match="HTTP 400"):
        osrm_table(osrm_url, [53.5, 53.6], [10.0, 10.1], profile="walking")
    with pytest.raises(UserError, match="http"):
        osrm_table("ftp://example", [53.5], [10.0])
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(UserError, match="cannot reach"):
        osrm_table(f"http://127.0.0.1:{port}", [53.5, 53.6], [10.0, 10.1], timeout=2.0)
