"""How a parallel map cuts its items into chunks for the workers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from salesflow.forecasting.parallel import (
    MAX_CHUNK_ITEMS,
    MIN_CHUNK_ITEMS,
    chunked,
    worker_chunk_count,
)


def test_the_forecasts_maps_are_cut_as_documented() -> None:
    # 2,000 series (medium): 32 chunks per worker, 31 or 32 series each
    assert worker_chunk_count(2_000, 2) == 64
    # 100,000 series (xlarge): not 64 chunks of 1,563 but chunks of at most 256
    assert worker_chunk_count(100_000, 2) == 391
    # a small map: no chunk under 16 items
    assert worker_chunk_count(200, 2) == 12
    assert worker_chunk_count(5, 2) == 1


@given(n_items=st.integers(1, 300_000), workers=st.integers(1, 64),
       per_worker=st.integers(1, 64))
def test_chunks_hold_between_the_fewest_and_the_most_items(n_items: int, workers: int,
                                                          per_worker: int) -> None:
    count = worker_chunk_count(n_items, workers, per_worker)
    sizes = [len(chunk) for chunk in chunked(range(n_items), count)]
    assert sum(sizes) == n_items and len(sizes) == count
    assert max(sizes) <= MAX_CHUNK_ITEMS
    assert min(sizes) >= min(n_items, MIN_CHUNK_ITEMS)
    if n_items >= workers * per_worker * MIN_CHUNK_ITEMS:
        assert count >= workers * per_worker  # every worker gets its share of chunks
