"""Packed candidate forecasts give back exactly what was packed."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from salesflow.forecasting.base import Prediction
from salesflow.forecasting.options import PackedOptions, pack_options, repack

FLOATS = st.floats(-1e6, 1e6, allow_nan=False)
LEVEL_SETS = st.sampled_from([(), (0.5,), (0.1, 0.5, 0.9), (0.9, 0.1)])


@st.composite
def candidates(draw: st.DrawFn) -> dict:
    steps = draw(st.integers(1, 6))
    windows = draw(st.integers(0, 3))

    def prediction() -> Prediction:
        levels = draw(LEVEL_SETS)
        return Prediction(draw(arrays(np.float64, steps, elements=FLOATS)),
                          draw(arrays(np.float64, steps, elements=st.floats(0, 1e3))),
                          {q: draw(arrays(np.float64, steps, elements=FLOATS)) for q in levels})

    names = draw(st.lists(st.sampled_from(["naive", "theta", "sba", "tsb", "gbm"]),
                          unique=True, max_size=5))
    return {n: (prediction(), tuple(prediction() for _ in range(windows)), None) for n in names}


def _same(a: Prediction, b: Prediction) -> bool:
    return (np.array_equal(a.mean, b.mean) and np.array_equal(a.sd, b.sd)
            and list(a.quantiles) == list(b.quantiles)
            and all(np.array_equal(a.quantiles[q], b.quantiles[q]) for q in a.quantiles))


@settings(max_examples=200, deadline=None)
@given(options=candidates())
def test_packing_gives_back_every_prediction(options: dict) -> None:
    packed = pickle.loads(pickle.dumps(pack_options(options)))
    assert list(packed) == list(options) and len(packed) == len(options)
    for name, (final, backtests, model) in options.items():
        assert name in packed
        got_final, got_backtests, got_model = packed[name]
        assert _same(got_final, final) and got_model is model
        assert len(got_backtests) == len(backtests) == packed.backtest_count(name)
        assert all(_same(a, b) for a, b in zip(got_backtests, backtests, strict=True))
        for w, b in enumerate(backtests):
            assert np.array_equal(packed.backtest_mean(name, w), b.mean)
        means, sds = packed.backtest_windows(name)
        assert means.shape == sds.shape == (len(backtests), final.mean.size)
        assert all(np.array_equal(means[w], b.mean) and np.array_equal(sds[w], b.sd)
                   for w, b in enumerate(backtests))
        for levels in ((0.5,), (0.9, 0.1)):
            quantiles = packed.backtest_quantiles(name, levels)
            if not all(q in b.quantiles for b in backtests for q in levels):
                assert quantiles is None
                continue
            assert quantiles is not None
            assert quantiles.shape == (len(backtests), len(levels), final.mean.size)
            assert all(np.array_equal(quantiles[w, k], b.quantiles[q])
                       for w, b in enumerate(backtests) for k, q in enumerate(levels))
    assert "arima" not in packed and packed.backtest_count("arima") == 0


def test_a_final_forecast_is_a_copy_the_caller_may_change() -> None:
    mean = np.array([1.0, 2.0])
    packed = pack_options({"naive": (Prediction(mean, np.ones(2), {0.5: mean}), (), None)})
    final = packed.final("naive")
    final.mean[:] = 9.0
    final.quantiles[0.5][:] = 9.0
    again = packed.final("naive")
    assert np.array_equal(again.mean, mean) and np.array_equal(again.quantiles[0.5], mean)


def test_unknown_candidates_and_windows_are_refused() -> None:
    p = Prediction(np.zeros(3), np.ones(3))
    packed = pack_options({"naive": (p, (p,), None)})
    with pytest.raises(KeyError):
        packed["theta"]
    with pytest.raises(IndexError):
        packed.backtest_mean("naive", 1)
    with pytest.raises(ValueError, match="differ in length"):
        pack_options({"naive": (p, (Prediction(np.zeros(2), np.ones(2)),), None)})
    assert not PackedOptions() and not pack_options({})


def _identical(a: PackedOptions, b: PackedOptions) -> bool:
    return (a.names == b.names and a.counts == b.counts and a.levels == b.levels
            and a.models == b.models and a.data.shape == b.data.shape
            and np.array_equal(a.data, b.data))


@settings(max_examples=200, deadline=None)
@given(options=candidates(), data=st.data())
def test_repacking_from_packed_sources_is_packing_the_options_anew(options: dict,
                                                                   data: st.DataObject) -> None:
    """Some candidates taken from their packed options (as they arrive from a worker), the
    others given as predictions, in any order: the same arrays as packing them all anew."""
    source = pickle.loads(pickle.dumps(pack_options(options)))
    order = data.draw(st.permutations(list(options)))
    from_source = data.draw(st.lists(st.booleans(), min_size=len(order),
                                     max_size=len(order)))
    entries = [(n, source if packed else options[n])
               for n, packed in zip(order, from_source, strict=True)]
    repacked = repack(entries)
    assert _identical(repacked, pack_options({n: options[n] for n in order}))
    if repacked:  # an array of its own, not a view that keeps the source's alive
        assert not np.shares_memory(repacked.data, source.data)


def test_repacking_refuses_predictions_of_another_length() -> None:
    p = Prediction(np.zeros(3), np.ones(3))
    source = pack_options({"naive": (p, (p,), None)})
    other = Prediction(np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match="differ in length"):
        repack([("naive", source), ("theta", (other, (other,), None))])
    assert not repack([])
