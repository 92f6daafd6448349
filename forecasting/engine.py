"""The forecasting engine over the long frame ``unique_id, ds, y``.

:class:`Forecaster` follows scikit-learn's estimator rules and statsforecast's long-frame
conventions: ``fit(df)`` then ``predict(horizon)``, or ``forecast(df)`` in one go, and
``cross_validation(df)`` with a ``cutoff`` column. Per series it classifies the demand, backtests
the candidate models of that class on rolling origins, selects or combines them (per series,
or one combination chosen on the backtests of all series with the same candidates;
:mod:`salesflow.forecasting.series_fit`), and forecasts with quantiles: the intermittent
models' own, the others calibrated on the pooled backtest errors
(:mod:`salesflow.forecasting.calibration`). Series are independent and are mapped over worker
processes; the same input and seed give the same numbers with any number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from salesflow.data.errors import InvalidInputError, NotFittedError, Problem
from salesflow.data.i18n import N_, _
from salesflow.forecasting.base import (
    Prediction,
    check_horizon,
    check_levels,
    check_season_length,
)
from salesflow.forecasting.baseline import quantile_column
from salesflow.forecasting.calibration import IntervalCalibration, calibrate
from salesflow.forecasting.candidates import resolve_candidates
from salesflow.forecasting.frame import SeriesSet, split_series
from salesflow.forecasting.gbm import EXOG_COLUMNS, GlobalGBM
from salesflow.forecasting.gbm_windows import global_forecasts
from salesflow.forecasting.parallel import MIN_PARALLEL_ITEMS, map_chunks, resolve_jobs, runs_here
from salesflow.forecasting.pooled_choice import apply_choices, pool_choices
from salesflow.forecasting.pooled_run import (
    CHOICE_SAMPLE,
    GlobalInBackground,
    fit_pooled_map,
    fit_sampled,
    pool_table,
    sample_pools,
)
from salesflow.forecasting.series_fit import (
    STRATEGIES,
    ExternalForecast,
    FitSettings,
    SeriesFit,
    SeriesTask,
    clip_at_zero,
    combine,
    fit_many,
)

ProgressCallback = Callable[[int, int], None]


class Forecaster(BaseEstimator):
    """Automatic forecasting of many series (see the module docstring).

    Parameters
    ----------
    horizon:
        Steps to forecast, and the backtest horizon.
    season_length:
        Observations per season (12 for monthly data, 52 for weekly, 1 for none).
    quantiles:
        Quantile levels to forecast (columns ``p10``, ``p50``, ...).
    candidates:
        Models to try per demand class, overriding
        :func:`~salesflow.forecasting.candidates.default_candidates` for the classes given.
    strategy:
        ``"select"`` the best backtested candidate per series, ``"combine"`` the median of
        the ``top_k`` best per series, ``"pooled"`` the median of the subset of candidates
        with the lowest backtest sMAPE over all regular series with the same candidates (for
        intermittent and lumpy series: the lowest backtest MASE, with the quantiles of the
        candidate with the lowest pinball loss, per demand class where a class has
        :data:`~salesflow.forecasting.pooling.MIN_CLASS_SERIES` series), or ``"auto"`` (the
        same as pooled).
    top_k:
        Candidates combined (``None``: all that could be fitted).
    n_windows:
        Rolling-origin backtest windows per series (0: no backtest, no calibration).
    step:
        Periods between backtest cut-offs (default: the horizon).
    global_model:
        Also try the global gradient-boosting model (:class:`GlobalGBM`) on regular series;
        ``price`` and ``promo`` columns of the frame are used as its features.
    nonnegative:
        Clip forecasts and quantiles at zero: ``True``, ``False`` or ``"auto"`` (when the
        history has no negative value).
    freq:
        pandas offset between dates (inferred when ``None``; unused for whole-number ``ds``).
    n_jobs:
        Worker processes (``-1``: every core).
    random_state:
        Seed of the global model (the local models are deterministic).
    progress:
        Called as ``progress(done, total)`` as series finish.
    source:
        What to call the input in error messages (a file name).
    choice_sample:
        Series of one pool the pooled choice is learnt on: a larger pool chooses on a seeded
        random sample of this many and fits its other series with the chosen candidates only
        (:mod:`salesflow.forecasting.pooled_run`); ``None``: every series.
    """

    def __init__(self, horizon: int = 1, season_length: int = 1,
                 quantiles: Sequence[float] = (0.1, 0.5, 0.9),
                 candidates: Mapping[str, Sequence[str]] | None = None,
                 strategy: str = "auto", top_k: int | None = None, n_windows: int = 1,
                 step: int | None = None, global_model: bool = False,
                 nonnegative: bool | str = "auto", freq: str | None = None, n_jobs: int = 1,
                 random_state: int = 0, progress: ProgressCallback | None = None,
                 source: str = "series", choice_sample: int | None = CHOICE_SAMPLE) -> None:
        self.horizon = horizon
        self.season_length = season_length
        self.quantiles = quantiles
        self.candidates = candidates
        self.strategy = strategy
        self.top_k = top_k
        self.n_windows = n_windows
        self.step = step
        self.global_model = global_model
        self.nonnegative = nonnegative
        self.freq = freq
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.progress = progress
        self.source = source
        self.choice_sample = choice_sample

    # -- settings and checks -------------------------------------------------------------

    def _settings(self, series: SeriesSet, keep_models: bool,
                  horizon: int | None = None) -> FitSettings:
        horizon = check_horizon(self.horizon if horizon is None else horizon)
        m = check_season_length(self.season_length)
        levels = tuple(sorted(set(check_levels(self.quantiles))))
        if self.strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}; "
                             f"got {self.strategy!r}")
        if self.top_k is not None and (not isinstance(self.top_k, int) or self.top_k < 1):
            raise ValueError(f"top_k must be a positive integer or None; got {self.top_k!r}")
        if not isinstance(self.n_windows, int) or self.n_windows < 0:
            raise ValueError(f"n_windows must be a non-negative integer; got {self.n_windows!r}")
        step = horizon if self.step is None else self.step
        if not isinstance(step, int) or step < 1:
            raise ValueError(f"step must be a positive integer; got {self.step!r}")
        if self.choice_sample is not None and (
                not isinstance(self.choice_sample, int) or self.choice_sample < 1):
            raise ValueError(f"choice_sample must be a positive integer or None; "
                             f"got {self.choice_sample!r}")
        if self.nonnegative not in (True, False, "auto"):
            raise ValueError(f"nonnegative must be True, False or 'auto'; "
                             f"got {self.nonnegative!r}")
        resolve_jobs(self.n_jobs)
        nonnegative = bool(self.nonnegative) if self.nonnegative != "auto" else \
            all(bool(np.all(v >= 0)) for v in series.values)
        candidates = resolve_candidates(
            {k: tuple(v) for k, v in (self.candidates or {}).items()}, bool(self.global_model),
            m)
        return FitSettings(horizon, m, levels, candidates, self.strategy, self.top_k,
                           self.n_windows, step, nonnegative, keep_models)

    def _check_lengths(self, series: SeriesSet, horizon: int, m: int,
                       extra: int = 0) -> None:
        """Every series long enough for ``horizon`` and two seasons of ``m`` once ``extra``
        points are held out before the earliest cut-off."""
        problems = []
        if extra:
            short = N_("series {series} has {count} observations before the earliest cut-off "
                       "({held_out} held out), fewer than the horizon {horizon}; remove it or "
                       "lower the horizon")
            unseasoned = N_("series {series} has {count} observations before the earliest "
                            "cut-off ({held_out} held out), fewer than two seasons ({needed} "
                            "with season length {season}); remove it or use season length 1")
        else:
            short = N_("series {series} has {count} observations, fewer than the horizon "
                       "{horizon}; remove it or lower the horizon")
            unseasoned = N_("series {series} has {count} observations, fewer than two seasons "
                            "({needed} with season length {season}); remove it or use season "
                            "length 1")
        for uid, values in zip(series.ids, series.values, strict=True):
            n = values.size - extra
            if n < horizon:
                problems.append(Problem(
                    self.source, None, "y", str(uid), _(short).format(
                        series=repr(uid), count=n, held_out=extra, horizon=horizon)))
            elif m > 1 and n < 2 * m:
                problems.append(Problem(
                    self.source, None, "y", str(uid), _(unseasoned).format(
                        series=repr(uid), count=n, held_out=extra, needed=2 * m, season=m)))
        if problems:
            head = _("{count} series too short for the cross-validation settings") if extra \
                else _("{count} series too short")
            raise InvalidInputError(problems, head.format(count=len(problems)))

    # -- the work ------------------------------------------------------------------------

    def _global(self, series: SeriesSet, settings: FitSettings) \
            -> tuple[dict[int, dict[str, ExternalForecast]], GlobalGBM | None]:
        """Backtest and final forecasts of the global model for the series that try it (the
        fits run as parallel tasks: :mod:`salesflow.forecasting.gbm_windows`)."""
        if not self.global_model:
            return {}, None
        return global_forecasts(series, settings, self.random_state, self.n_jobs)

    def _run(self, series: SeriesSet, settings: FitSettings) \
            -> tuple[list[SeriesFit], IntervalCalibration, GlobalGBM | None]:
        sample = sample_pools(series.values, settings, self.choice_sample, self.random_state)
        alongside = self._global_alongside(series, settings)
        if sample is not None or alongside:
            external = GlobalInBackground(lambda: self._global(series, settings), alongside)
            if sample is None:
                fits = fit_pooled_map(series, range(len(series.ids)), settings, external,
                                      self.n_jobs, self.progress)
                choices = pool_choices(fits, series.values, settings)
            else:
                fits, choices = fit_sampled(series, settings, sample, external, self.n_jobs,
                                            self.progress)
            gbm = external.result()[1]
        else:
            given, gbm = self._global(series, settings)
            tasks = [SeriesTask(uid, values, given.get(i, {}))
                     for i, (uid, values) in enumerate(zip(series.ids, series.values,
                                                           strict=True))]
            fits = map_chunks(fit_many, tasks, settings, n_jobs=self.n_jobs,
                              progress=self.progress)
            choices = pool_choices(fits, series.values, settings)
        self.pools_ = pool_table(fits, settings, choices, sample)
        fits = apply_choices(fits, series.values, settings, choices)
        errors = [(f.backtest.actual, f.backtest.forecast, f.backtest.sd)
                  for f in fits if f.backtest is not None and not f.prediction.quantiles]
        calibration = calibrate(errors, settings.levels, settings.horizon)
        return fits, calibration, gbm

    def _global_alongside(self, series: SeriesSet, settings: FitSettings) -> bool:
        """Whether the global model's fits run beside the per-series map rather than before
        it: with the pooled strategy (every candidate is fitted whatever the global model
        forecasts) when the map runs on workers. One after the other, a worker idles while
        the other does the global model's last fit."""
        return bool(self.global_model) and settings.strategy in ("auto", "pooled") and \
            not runs_here(len(series.ids), self.n_jobs, MIN_PARALLEL_ITEMS)

    def _frame(self, series: SeriesSet, fits: Sequence[SeriesFit],
               calibration: IntervalCalibration, settings: FitSettings) -> pd.DataFrame:
        """The long frame of every series' forecast and quantiles, built once from arrays
        (a frame per series cost about a minute on 100,000 series)."""
        levels = settings.levels
        names = [quantile_column(q) for q in levels]
        columns = ["unique_id", "ds", "forecast", "model", *names]
        if not fits:
            return pd.DataFrame(columns=columns)
        sizes, days, means, tables = [], [], [], []
        for i, fit in enumerate(fits):
            p = fit.prediction
            own = p.quantiles if p.quantiles and all(q in p.quantiles for q in levels) \
                else calibration.quantiles(p.mean, p.sd)
            table = np.vstack([own[q] for q in levels]) if levels else np.empty((0, p.mean.size))
            table = np.sort(table, axis=0)
            if settings.nonnegative:
                table = np.maximum(table, 0.0)
            sizes.append(p.mean.size)
            days.append(series.future(i, p.mean.size).to_numpy())
            means.append(np.asarray(p.mean, dtype=np.float64))
            tables.append(table)
        frame = {"unique_id": np.repeat(np.array([f.unique_id for f in fits], dtype=object),
                                        sizes),
                 "ds": np.concatenate(days),
                 "forecast": np.concatenate(means),
                 "model": np.repeat(np.array([f.model for f in fits]), sizes)}
        for k, name in enumerate(names):
            frame[name] = np.concatenate([table[k] for table in tables])
        return pd.DataFrame(frame)[columns]

    def _summary(self, fits: Sequence[SeriesFit]) -> pd.DataFrame:
        return pd.DataFrame({
            "unique_id": [f.unique_id for f in fits],
            "n_obs": [f.n_obs for f in fits],
            "demand_class": [f.demand.label for f in fits],
            "adi": [f.demand.adi for f in fits],
            "cv2": [f.demand.cv2 for f in fits],
            "model": [f.model for f in fits],
            "backtest_mase": [f.backtest_mase for f in fits],
            "backtest_wape": [f.backtest_wape for f in fits],
        })

    def _split(self, df: pd.DataFrame) -> SeriesSet:
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"df must be a pandas DataFrame; got {type(df).__name__}")
        return split_series(df, self.source, self.freq,
                            EXOG_COLUMNS if self.global_model else ())

    # -- public API ----------------------------------------------------------------------

    def fit(self, df: pd.DataFrame) -> Forecaster:
        """Choose and fit a model per series, and calibrate the quantiles.

        Learns ``series_`` (per series: demand class, ADI, CV², chosen model, backtest
        MASE and WAPE), ``pools_`` (per pool of the pooled choice: its classes, candidates,
        series, the series it chose on and its choice), ``calibration_`` and what
        :meth:`predict` needs.

        Raises
        ------
        InvalidInputError
            If the frame is malformed (see :func:`~salesflow.forecasting.frame.split_series`)
            or a series is shorter than the horizon or, with a season, than two seasons.
        ValueError
            If a setting is invalid.
        """
        series = self._split(df)
        settings = self._settings(series, keep_models=True)
        self._check_lengths(series, settings.horizon, settings.season_length)
        fits, calibration, gbm = self._run(series, settings)
        self.series_set_ = series
        self.settings_ = settings
        self.fits_ = fits
        self.calibration_ = calibration
        self.global_model_ = gbm
        self.series_ = self._summary(fits)
        return self

    def predict(self, horizon: int | None = None) -> pd.DataFrame:
        """Forecasts ``horizon`` steps (default: the fitted horizon) after each series.

        Returns
        -------
        Long frame ``unique_id, ds, forecast, model`` and one column per quantile.

        Raises
        ------
        NotFittedError
            If :meth:`fit` has not been called.
        ValueError
            If ``horizon`` is not a positive integer.
        """
        if not hasattr(self, "fits_"):
            raise NotFittedError("Forecaster is not fitted yet; call fit(df) before predict")
        settings = self.settings_
        steps = settings.horizon if horizon is None else check_horizon(horizon)
        fits = self.fits_
        if steps != settings.horizon:
            gbm = self.global_model_.predict(steps) if self.global_model_ is not None else None
            fits = [self._repredict(i, fit, steps, gbm) for i, fit in enumerate(fits)]
        return self._frame(self.series_set_, fits, self.calibration_, settings)

    def _repredict(self, index: int, fit: SeriesFit, horizon: int,
                   gbm: tuple[np.ndarray, np.ndarray] | None) -> SeriesFit:
        predictions = [m.predict(horizon, self.settings_.levels) for m in fit.fitted or ()]
        if "gbm" in fit.members and gbm is not None:
            predictions.append(Prediction(gbm[0][index], gbm[1][index]))
        prediction = combine(predictions)
        if self.settings_.nonnegative:
            prediction = clip_at_zero(prediction)
        return replace(fit, prediction=prediction)

    def forecast(self, df: pd.DataFrame, horizon: int | None = None) -> pd.DataFrame:
        """Fit on ``df`` and forecast ``horizon`` steps (default: ``self.horizon``) in one
        pass, without keeping the fitted models; ``series_``, ``pools_`` and
        ``calibration_`` are set.

        Raises
        ------
        InvalidInputError
            As :meth:`fit`.
        """
        series = self._split(df)
        settings = self._settings(series, keep_models=False, horizon=horizon)
        self._check_lengths(series, settings.horizon, settings.season_length)
        fits, calibration, _ = self._run(series, settings)
        self.series_ = self._summary(fits)
        self.calibration_ = calibration
        return self._frame(series, fits, calibration, settings)

    def cross_validation(self, df: pd.DataFrame, n_windows: int = 1,
                         step: int | None = None) -> pd.DataFrame:
        """Forecast from ``n_windows`` past cut-offs with the whole procedure (classification,
        inner backtest, choice, calibration) run on the data before each cut-off.

        Returns
        -------
        Long frame ``unique_id, ds, cutoff, y, forecast, model`` and the quantile columns;
        ``cutoff`` is the last ``ds`` the forecast saw.

        Raises
        ------
        InvalidInputError
            As :meth:`fit`, and when a series is too short for the windows ("remove them or
            lower n_windows").
        """
        series = self._split(df)
        settings = self._settings(series, keep_models=False)
        h = settings.horizon
        outer = settings.step if step is None else check_horizon(step)
        if not isinstance(n_windows, int) or n_windows < 1:
            raise ValueError(f"n_windows must be a positive integer; got {n_windows!r}")
        longest = h + outer * (n_windows - 1)
        self._check_lengths(series, h, settings.season_length, extra=longest)
        frames = []
        for w in range(n_windows):
            offset = h + outer * (n_windows - 1 - w)
            cut = series.truncated(offset)
            fits, calibration, _ = self._run(cut, settings)
            out = self._frame(cut, fits, calibration, settings)
            actual, cutoff = [], []
            for i, values in enumerate(series.values):
                n_cut = values.size - offset
                actual.append(values[n_cut:n_cut + h])
                cutoff.append(np.repeat(cut.ds_at(i, np.array([n_cut - 1])), h))
            out.insert(2, "cutoff", np.concatenate(cutoff))
            out.insert(3, "y", np.concatenate(actual))
            frames.append(out)
        return pd.concat(frames, ignore_index=True)
