"""Analyses of behaviour and of a recurrent network's activity, as a physiologist would run them.

Behaviour: :func:`fit_psychometric` fits a psychometric function by maximum likelihood (a
Weibull in coherence, as Britten et al. 1992 and Roitman & Shadlen 2002 did, or a logistic in
signed coherence); :func:`binomial_ci` and :func:`bootstrap_threshold` give confidence
intervals; :func:`group_stats` gives the mean and standard error of a quantity (a reaction time)
for each condition.

Network: :func:`align_states` cuts a :class:`~neurogym_lite.rollout.Rollout`'s hidden (or cell)
states into a trials x time x units tensor aligned to the onset of a period (the stimulus);
:func:`pca_fit` projects it on its principal components; :func:`decode_over_time` decodes a
trial label (the upcoming choice) from the population at each time step, cross-validated; and
:func:`condition_means` and :func:`choice_selectivity` summarise single units.

Every function checks its inputs and raises a ``ValueError`` or ``TypeError`` saying what is
wrong. scikit-learn (in the ``notebooks`` extra) is needed by :func:`decode_over_time` only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize, stats

from neurogym_lite.evaluation import _check_int  # one integer check for the package
from neurogym_lite.rollout import Rollout

__all__ = [
    "AlignedStates",
    "Decoding",
    "PCAResult",
    "PsychometricFit",
    "align_states",
    "binomial_ci",
    "bootstrap_threshold",
    "choice_selectivity",
    "condition_means",
    "decode_over_time",
    "fit_psychometric",
    "group_stats",
    "pca_fit",
]

PSYCHOMETRIC_KINDS = ("weibull", "logistic")


# ---------------------------------------------------------------------------------- helpers
def _as_1d(name: str, x: Any, *, dtype: Any = float) -> np.ndarray:
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a 1-D array of numbers, got {x!r}")
    if dtype is float:
        return _numeric(name, x, ndim=1)
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a 1-D array of numbers, got {x!r}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    return arr


def _numeric(name: str, x: Any, *, ndim: int | None = None) -> np.ndarray:
    """``x`` as a float array, refusing strings, booleans and other non-numbers (which numpy
    would silently convert) with a ``TypeError`` naming ``name``."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be numbers, got {x!r}")
    arr = np.asarray(x) if isinstance(x, np.ndarray) else np.asarray(x, dtype=object)
    if arr.dtype == object:
        flat = arr.ravel().tolist()
        if not all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
                   for v in flat):
            raise TypeError(f"{name} must be numbers (not strings, booleans or None), got {x!r}")
    elif arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be numbers, got an array of dtype {arr.dtype}")
    arr = arr.astype(float)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    return arr


def _check_prob(name: str, value: Any, *, low: float = 0.0, high: float = 1.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number between {low} and {high}, got {value!r}")
    if not (low < value < high):
        raise ValueError(f"{name} must be strictly between {low} and {high}, got {value!r}")
    return float(value)


def _check_counts(x: Any, n_correct: Any, n_total: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs = _as_1d("x", x)
    k = _as_1d("n_correct", n_correct)
    n = _as_1d("n_total", n_total)
    if not (xs.shape == k.shape == n.shape):
        raise ValueError(f"x, n_correct and n_total must have the same length, got {xs.size}, {k.size}, {n.size}")
    if xs.size == 0:
        raise ValueError("need at least one condition (x is empty)")
    if not np.all(np.isfinite(xs)):
        raise ValueError("x must be finite")
    _check_count_values(k, n)
    return xs, k, n


def _check_count_values(k: np.ndarray, n: np.ndarray) -> None:
    if not (np.all(np.isfinite(n)) and np.all(np.isfinite(k))):
        raise ValueError("n_correct and n_total must be finite trial counts (no NaN or inf)")
    if np.any(n <= 0) or np.any(k < 0) or np.any(k > n) or np.any(k != np.round(k)) or np.any(n != np.round(n)):
        raise ValueError("n_total must be positive integers and n_correct integers between 0 and n_total")


# ---------------------------------------------------------------------------------- behaviour
@dataclass(frozen=True)
class PsychometricFit:
    """A psychometric function fitted by maximum likelihood.

    ``kind='weibull'`` (proportion correct against unsigned coherence ``c``)::

        p(c) = chance + (1 - chance - lapse) * (1 - exp(-(c / alpha) ** beta))

    ``kind='logistic'`` (proportion of one choice against signed coherence ``c``)::

        p(c) = lapse + (1 - 2 * lapse) / (1 + exp(-(c - bias) / scale))

    ``threshold`` is the coherence at which the curve reaches ``criterion`` (for the logistic:
    the distance from its 50 % point, ``bias``, to the ``criterion`` point). Without lapses the
    Weibull's default criterion, ``1 - (1 - chance) / e`` (81.6 % for two choices), makes the
    threshold equal ``alpha``. ``criterion`` must lie above the floor (``chance``, or 50 % for
    the logistic); the threshold is NaN only when a fitted lapse rate keeps the curve below
    ``criterion`` (its ceiling ``1 - lapse`` is under it).
    """

    kind: str
    params: dict[str, float]
    threshold: float
    criterion: float
    chance: float
    log_likelihood: float

    def __call__(self, x: Any) -> np.ndarray:
        """The fitted curve at ``x``."""
        return _psychometric(self.kind, np.asarray(x, dtype=float), self.params, self.chance)


def _psychometric(kind: str, x: np.ndarray, p: dict[str, float], chance: float) -> np.ndarray:
    lapse = p.get("lapse", 0.0)
    if kind == "weibull":
        xx = np.clip(x, 0.0, None)
        return chance + (1 - chance - lapse) * (1 - np.exp(-((xx / p["alpha"]) ** p["beta"])))
    z = np.clip((x - p["bias"]) / p["scale"], -500, 500)
    return lapse + (1 - 2 * lapse) / (1 + np.exp(-z))


def _threshold(kind: str, p: dict[str, float], chance: float, criterion: float) -> float:
    lapse = p.get("lapse", 0.0)
    if kind == "weibull":
        frac = (criterion - chance) / (1 - chance - lapse)
        if not 0 < frac < 1:
            return math.nan
        return float(p["alpha"] * (-math.log1p(-frac)) ** (1 / p["beta"]))
    frac = (criterion - lapse) / (1 - 2 * lapse)
    if not 0.5 < frac < 1:
        return math.nan
    return float(p["scale"] * math.log(frac / (1 - frac)))


def fit_psychometric(
    x: Any,
    n_correct: Any,
    n_total: Any,
    *,
    kind: str = "weibull",
    chance: float = 0.5,
    fit_lapse: bool = False,
    criterion: float | None = None,
    start: PsychometricFit | None = None,
) -> PsychometricFit:
    """Fit a psychometric function to binomial counts by maximum likelihood.

    ``x`` is the stimulus strength of each condition (coherence in %; signed for
    ``kind='logistic'``), ``n_correct`` the number of correct (or, for the logistic, of
    "positive") responses out of ``n_total`` trials. ``chance`` is the Weibull's floor (1 / number
    of choices). ``fit_lapse`` adds a lapse rate (at most 0.2). ``criterion`` defaults to
    ``1 - (1 - chance) / e`` for the Weibull and 0.75 for the logistic. See
    :class:`PsychometricFit` for the formulas. ``start`` (a previous fit of the same kind) starts
    the optimiser from its parameters only, instead of from a grid of guesses: much faster, for
    refitting resampled data (:func:`bootstrap_threshold` does).
    """
    xs, k, n = _check_counts(x, n_correct, n_total)
    if kind not in PSYCHOMETRIC_KINDS:
        raise ValueError(f"kind must be one of {PSYCHOMETRIC_KINDS}, got {kind!r}")
    chance = _check_prob("chance", chance, low=0.0, high=1.0)
    if not isinstance(fit_lapse, (bool, np.bool_)):
        raise TypeError(f"fit_lapse must be True or False, got {fit_lapse!r}")
    if criterion is None:
        criterion = 1 - (1 - chance) / math.e if kind == "weibull" else 0.75
    criterion = _check_prob("criterion", criterion)
    # a criterion the curve cannot reach would give a NaN threshold: refuse it up front
    floor = chance if kind == "weibull" else 0.5
    if criterion <= floor:
        raise ValueError(
            f"criterion={criterion:g} must be above the curve's floor ({'chance' if kind == 'weibull' else '50 %'}"
            f" = {floor:g}) for {kind!r}"
        )
    if kind == "weibull":
        if np.any(xs < 0):
            raise ValueError("the Weibull is a function of unsigned coherence: x must be >= 0")
        if np.all(xs == 0):
            raise ValueError("need at least one condition with x > 0 to fit a Weibull")
    elif np.unique(xs).size < 2:
        raise ValueError("need at least two distinct x values to fit a logistic")

    def unpack(theta: np.ndarray) -> dict[str, float]:
        if kind == "weibull":
            p = {"alpha": float(np.exp(theta[0])), "beta": float(np.exp(theta[1]))}
        else:
            p = {"bias": float(theta[0]), "scale": float(np.exp(theta[1]))}
        if fit_lapse:
            p["lapse"] = float(0.2 / (1 + np.exp(-theta[2])))
        return p

    def nll(theta: np.ndarray) -> float:
        prob = np.clip(_psychometric(kind, xs, unpack(theta), chance), 1e-9, 1 - 1e-9)
        return float(-np.sum(k * np.log(prob) + (n - k) * np.log1p(-prob)))

    span = float(np.ptp(xs)) or float(np.abs(xs).max()) or 1.0
    positive = xs[xs > 0]
    if kind == "weibull":
        starts = [[math.log(a), math.log(b)] for a in (np.median(positive), positive.min(), positive.max())
                  for b in (0.8, 1.5, 3.0)]
    else:
        starts = [[float(np.average(xs, weights=n)), math.log(s)] for s in (span / 20, span / 5, span)]
    if fit_lapse:
        starts = [[*s, lp] for s in starts for lp in (-3.0, 0.0)]
    if start is not None:
        if not isinstance(start, PsychometricFit) or start.kind != kind or ("lapse" in start.params) != fit_lapse:
            raise TypeError("start must be a PsychometricFit of the same kind (and lapse setting)")
        sp = start.params
        theta0 = [math.log(sp["alpha"]), math.log(sp["beta"])] if kind == "weibull" else [sp["bias"], math.log(sp["scale"])]
        if fit_lapse:
            lp = min(max(sp["lapse"], 1e-6), 0.2 - 1e-6)
            theta0.append(math.log(lp / (0.2 - lp)))
        starts = [theta0]
    best = None
    for s in starts:
        res = optimize.minimize(nll, np.array(s, dtype=float), method="Nelder-Mead",
                                options={"xatol": 1e-6, "fatol": 1e-9, "maxiter": 4000})
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    params = unpack(best.x)
    # The binomial coefficients do not depend on the parameters; add them for the full log-likelihood.
    log_binom = float(np.sum(stats.binom.logpmf(k, n, 0.5) - n * np.log(0.5)))
    loglik = float(-best.fun + log_binom)
    return PsychometricFit(kind, params, _threshold(kind, params, chance, criterion), criterion, chance, loglik)


def binomial_ci(n_correct: Any, n_total: Any, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score confidence interval of a proportion ``n_correct / n_total`` (element-wise).

    Returns ``(low, high)``. Unlike the normal approximation it stays inside [0, 1] and is
    sensible at 0 % and 100 % correct. Counts must be finite integers (``TypeError`` for
    strings or booleans, ``ValueError`` for NaN, fractions or ``n_correct > n_total``).
    """
    k = np.atleast_1d(_numeric("n_correct", n_correct))
    n = np.atleast_1d(_numeric("n_total", n_total))
    if k.shape != n.shape:
        raise ValueError(f"n_correct and n_total must have the same shape, got {k.shape} and {n.shape}")
    _check_count_values(k, n)
    level = _check_prob("level", level)
    z = stats.norm.ppf(0.5 + level / 2)
    p = k / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0, 1))
    high = np.where(k == n, 1.0, np.clip(centre + half, 0, 1))
    return low, high


def bootstrap_threshold(
    x: Any,
    n_correct: Any,
    n_total: Any,
    *,
    n_boot: int = 200,
    level: float = 0.95,
    seed: int = 0,
    **fit_kwargs: Any,
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of the psychometric threshold.

    Each bootstrap data set redraws every condition's correct count from a binomial with the
    observed proportion and the same number of trials, and is refitted with
    :func:`fit_psychometric` (``fit_kwargs`` passed on). Returns ``(low, high)``.

    Raises ``ValueError`` when every condition is at 0 % or 100 % (all correct, say): every
    resampled data set is then identical to the data, and the interval would have zero width
    although the threshold is not pinned down. Resamples whose fitted curve never reaches the
    criterion (a NaN threshold, possible with ``fit_lapse=True``) are left out; when all are,
    ``(nan, nan)`` is returned.
    """
    xs, k, n = _check_counts(x, n_correct, n_total)
    n_boot = _check_int("n_boot", n_boot, 10)
    level = _check_prob("level", level)
    if np.all((k == 0) | (k == n)):
        raise ValueError(
            "every condition is at 0 % or 100 % correct, so a parametric bootstrap redraws the same "
            "data every time and its interval would have zero width; the threshold is not "
            "constrained by these data (collect more trials at intermediate coherences)"
        )
    rng = np.random.default_rng(seed)
    point = fit_psychometric(xs, k, n, **fit_kwargs)
    thresholds = []
    for _ in range(n_boot):
        kb = rng.binomial(n.astype(int), k / n)
        thresholds.append(fit_psychometric(xs, kb, n, start=point, **fit_kwargs).threshold)
    th = np.asarray(thresholds)
    th = th[np.isfinite(th)]
    if th.size == 0:
        return (math.nan, math.nan)
    lo, hi = np.percentile(th, [50 * (1 - level), 50 * (1 + level)])
    return float(lo), float(hi)


def group_stats(values: Any, groups: Any) -> dict[float, tuple[float, float, int]]:
    """Mean, standard error of the mean and count of ``values`` for each value of ``groups``.

    NaN values (e.g. the reaction time of a trial without a response) are left out; a group whose
    values are all NaN has ``(nan, nan, 0)``. Returns ``{group: (mean, sem, n)}``, sorted by
    group. Groups are numbers (``1`` and ``1.0`` are one group) or strings, not a mix; a NaN or
    ``None`` group is refused (drop those trials first).
    """
    v = _as_1d("values", values)
    g = _as_1d("groups", groups, dtype=object)
    if v.shape != g.shape:
        raise ValueError(f"values and groups must have the same length, got {v.size} and {g.size}")
    items = g.tolist()
    numeric = [isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))
               for x in items]
    if all(numeric):
        gf = np.asarray(items, dtype=float)
        if not np.all(np.isfinite(gf)):
            raise ValueError("groups must not contain NaN or inf: drop those trials first")
        g = gf
    elif not all(isinstance(x, str) for x in items):
        raise TypeError("groups must be all numbers or all strings (no mix, no None or booleans)")
    out: dict[float, tuple[float, float, int]] = {}
    for key in sorted(set(g.tolist())):
        sel = v[(g == key) & np.isfinite(v)]
        if sel.size == 0:
            out[key] = (math.nan, math.nan, 0)
            continue
        sem = float(sel.std(ddof=1) / math.sqrt(sel.size)) if sel.size > 1 else math.nan
        out[key] = (float(sel.mean()), sem, int(sel.size))
    return out


# ---------------------------------------------------------------------------------- network states
@dataclass
class AlignedStates:
    """Network states cut into trials and aligned to the onset of a period.

    ``data[k, i, u]`` is unit ``u`` of trial ``k`` at ``times[i]`` steps from the onset (0 = the
    first step of the period), NaN where trial ``k`` has no such step (it had ended, or had not
    started). ``trials[k]``, ``choices[k]`` and ``performance[k]`` describe the trial, and
    ``trial_ids[k]`` is its index among the rollout's completed trials.
    """

    data: np.ndarray
    times: np.ndarray
    trials: list[dict[str, Any]]
    choices: np.ndarray
    performance: np.ndarray
    trial_ids: np.ndarray
    period: str
    dt: float | None = None

    @property
    def n_trials(self) -> int:
        return int(self.data.shape[0])

    @property
    def n_units(self) -> int:
        return int(self.data.shape[2])

    def param(self, key: str) -> np.ndarray:
        """One trial parameter (e.g. ``'coh'``) for every trial."""
        return np.array([t[key] for t in self.trials])

    def select(self, mask: Any) -> AlignedStates:
        """The trials where ``mask`` is True."""
        m = np.asarray(mask, dtype=bool)
        if m.shape != (self.n_trials,):
            raise ValueError(f"mask must have one entry per trial ({self.n_trials}), got shape {m.shape}")
        idx = np.flatnonzero(m)
        return AlignedStates(self.data[idx], self.times, [self.trials[i] for i in idx], self.choices[idx],
                             self.performance[idx], self.trial_ids[idx], self.period, self.dt)


def _lstm_states(rollout: Any, states: str) -> np.ndarray:
    """A rollout's recorded ``'hidden'`` or ``'cell'`` states, steps x units, checked."""
    if not isinstance(rollout, Rollout):
        raise TypeError(f"rollout must be a neurogym_lite Rollout (from run_env), got {type(rollout).__name__}")
    if states not in ("hidden", "cell"):
        raise ValueError(f"states must be 'hidden' or 'cell', got {states!r}")
    x = rollout.hidden if states == "hidden" else rollout.cell
    if x is None:
        raise ValueError("the rollout has no LSTM states: run run_env with a recurrent model (RecurrentPPO)")
    return x


def align_states(
    rollout: Rollout,
    period: str = "stimulus",
    *,
    before: int = 0,
    after: int | None = None,
    states: str = "hidden",
) -> AlignedStates:
    """Cut a rollout's LSTM states into trials, aligned to the first step of ``period``.

    Keeps the completed trials that contain ``period``; the window runs from ``before`` steps
    before its onset to ``after`` steps after it (default: the longest trial's end). ``states``
    is ``'hidden'`` or ``'cell'``. The rollout must come from a recurrent model and record
    periods (``run_env`` on a trial-based task does both).
    """
    x = _lstm_states(rollout, states)
    if rollout.periods is None:
        raise ValueError("the rollout has no period labels: run it on a trial-based (TrialEnv) task")
    if not isinstance(period, str):
        raise TypeError(f"period must be a period name, got {period!r}")
    # a Rollout edited or assembled by hand: say which field disagrees instead of an IndexError
    n_steps = rollout.num_steps
    for name, length in ((states, len(x)), ("periods", len(rollout.periods)), ("new_trial", len(rollout.new_trial))):
        if length != n_steps:
            raise ValueError(f"inconsistent rollout: {name} has {length} steps but actions has {n_steps}")
    ended = int(np.count_nonzero(rollout.new_trial))
    if not (ended == rollout.num_trials == len(rollout.trials)):
        raise ValueError(
            f"inconsistent rollout: {ended} trial ends in new_trial, {rollout.num_trials} in performance, "
            f"{len(rollout.trials)} in trials"
        )
    before = _check_int("before", before, 0)
    if after is not None:
        after = _check_int("after", after, 1)
    periods = np.asarray(rollout.periods)
    if period not in set(rollout.periods):
        raise ValueError(f"period {period!r} never occurs in the rollout; periods are {sorted(set(rollout.periods))}")
    onsets, spans, ids = [], [], []
    for k in range(rollout.num_trials):
        sl = rollout.trial_steps(k)
        hit = np.flatnonzero(periods[sl] == period)
        if hit.size:
            onsets.append(sl.start + int(hit[0]))
            spans.append((sl.start, sl.stop))
            ids.append(k)
    if not ids:
        raise ValueError(f"no completed trial contains period {period!r}")
    if after is None:
        after = max(stop - onset for onset, (_, stop) in zip(onsets, spans, strict=True))
    times = np.arange(-before, after)
    data = np.full((len(ids), times.size, x.shape[1]), np.nan, dtype=float)
    for row, (onset, (start, stop)) in enumerate(zip(onsets, spans, strict=True)):
        steps = onset + times
        ok = (steps >= start) & (steps < stop)
        data[row, ok] = x[steps[ok]]
    idx = np.asarray(ids)
    return AlignedStates(
        data=data, times=times, trials=[rollout.trials[i] for i in ids], choices=rollout.choices[idx],
        performance=rollout.performance[idx], trial_ids=idx, period=period, dt=rollout.dt,
    )


def _states_array(states: Any) -> np.ndarray:
    data = states.data if isinstance(states, AlignedStates) else states
    if isinstance(data, (str, bytes)) or data is None:
        raise TypeError(f"states must be an AlignedStates or a (trials, time, units) array, got {data!r}")
    try:
        arr = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("states must be an AlignedStates or a (trials, time, units) array of numbers") from None
    if arr.ndim != 3:
        raise ValueError(f"states must have shape (trials, time, units), got shape {arr.shape}")
    return arr


@dataclass
class PCAResult:
    """Principal components of network states: ``projection[..., j]`` is the activity along
    component ``j`` (NaN where the input was), ``explained_variance_ratio[j]`` its share of the
    variance, ``components[j]`` its unit weights and ``mean`` the activity subtracted first;
    ``time_mean`` the (time, units) average trajectory removed first, when it was."""

    projection: np.ndarray
    components: np.ndarray
    explained_variance_ratio: np.ndarray
    mean: np.ndarray
    time_mean: np.ndarray | None = None

    def transform(self, states: Any) -> np.ndarray:
        """Project other states (an :class:`AlignedStates` or any array whose last axis is the units)
        on the same components. ``time_mean`` is not subtracted: subtract it yourself from
        states aligned the same way."""
        data = states.data if isinstance(states, AlignedStates) else states
        try:
            arr = np.asarray(data, dtype=float)
        except (TypeError, ValueError):
            raise TypeError("states must be an AlignedStates or an array of numbers") from None
        if arr.ndim == 0 or arr.shape[-1] != self.mean.size:
            raise ValueError(f"states must end with {self.mean.size} units (the PCA's), got shape {arr.shape}")
        return (arr - self.mean) @ self.components.T


def pca_fit(states: Any, n_components: int = 3, *, remove_time_mean: bool = False) -> PCAResult:
    """Principal component analysis of a (trials, time, units) tensor (or :class:`AlignedStates`).

    Every finite (trial, time) point is one sample; NaN points (outside a trial) are skipped in
    the fit and stay NaN in the projection. With ``remove_time_mean`` the average trajectory
    over all trials (what every trial does at that moment, whatever its stimulus: the trial's
    clock) is subtracted first, so the components describe how trials *differ*.
    """
    arr = _states_array(states)
    n_components = _check_int("n_components", n_components, 1)
    if not isinstance(remove_time_mean, (bool, np.bool_)):
        raise TypeError(f"remove_time_mean must be True or False, got {remove_time_mean!r}")
    time_mean = None
    if remove_time_mean:
        counts = np.isfinite(arr).sum(axis=0)
        time_mean = np.where(counts > 0, np.nansum(arr, axis=0) / np.maximum(counts, 1), np.nan)
        arr = arr - time_mean
    if n_components > arr.shape[2]:
        raise ValueError(f"n_components={n_components} exceeds the number of units ({arr.shape[2]})")
    flat = arr.reshape(-1, arr.shape[2])
    ok = np.all(np.isfinite(flat), axis=1)
    if ok.sum() < 2:
        raise ValueError("need at least two finite (trial, time) points for a PCA")
    mean = flat[ok].mean(axis=0)
    _, s, vt = np.linalg.svd(flat[ok] - mean, full_matrices=False)
    var = s**2
    ratio = var / var.sum() if var.sum() > 0 else np.zeros_like(var)
    comps = vt[:n_components]
    proj = np.full((flat.shape[0], n_components), np.nan)
    proj[ok] = (flat[ok] - mean) @ comps.T
    return PCAResult(proj.reshape(*arr.shape[:2], n_components), comps, ratio[:n_components], mean, time_mean)


@dataclass
class Decoding:
    """Cross-validated decoding of a trial label at each time step.

    ``predictions[k, i]`` is the label predicted for trial ``k`` at time ``times[i]`` by a
    decoder that never saw trial ``k`` (NaN where it could not be decoded); ``accuracy[i]`` the
    fraction of trials decoded correctly at time ``i``; ``chance`` the accuracy of always
    guessing the most frequent label.
    """

    predictions: np.ndarray
    labels: np.ndarray
    accuracy: np.ndarray
    chance: float
    times: np.ndarray | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def accuracy_by(self, groups: Any) -> dict[Any, np.ndarray]:
        """Decoding accuracy over time for each value of ``groups`` (e.g. the coherences)."""
        g = _as_1d("groups", groups, dtype=object)
        if g.size != self.labels.size:
            raise ValueError(f"groups must have one entry per trial ({self.labels.size}), got {g.size}")
        return {key: _accuracy(self.predictions[g == key], self.labels[g == key]) for key in sorted(set(g.tolist()))}


def _accuracy(pred: np.ndarray, labels: np.ndarray) -> np.ndarray:
    valid = np.isfinite(pred)
    hits = (pred == labels[:, None]) & valid
    with np.errstate(invalid="ignore", divide="ignore"):
        return hits.sum(axis=0) / np.where(valid.sum(axis=0) > 0, valid.sum(axis=0), np.nan)


def decode_over_time(
    states: Any,
    labels: Any,
    *,
    n_splits: int = 5,
    C: float = 1.0,
    seed: int = 0,
) -> Decoding:
    """Decode ``labels`` (one per trial, e.g. the upcoming choice) from the population state at
    each time step, with ``n_splits``-fold stratified cross-validation.

    At each time step a standardised L2-regularised logistic regression (inverse strength ``C``)
    is trained on the other folds' trials and tested on the held-out fold; trials with NaN at
    that step are left out. Needs scikit-learn.
    """
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError(
            "decode_over_time needs scikit-learn: pip install scikit-learn "
            "(or pip install 'neurogym_lite[notebooks]')"
        ) from exc
    arr = _states_array(states)
    y = _as_1d("labels", labels, dtype=float)
    if y.size != arr.shape[0]:
        raise ValueError(f"labels must have one entry per trial ({arr.shape[0]}), got {y.size}")
    if not np.all(np.isfinite(y)):
        raise ValueError("labels must be finite")
    n_splits = _check_int("n_splits", n_splits, 2)
    if isinstance(C, bool) or not isinstance(C, (int, float, np.number)) or not C > 0:
        raise ValueError(f"C must be a positive number, got {C!r}")
    classes, counts = np.unique(y, return_counts=True)
    if classes.size < 2:
        raise ValueError("labels must contain at least two classes to decode")
    if counts.min() < n_splits:
        raise ValueError(f"every label needs at least n_splits={n_splits} trials; counts are "
                         f"{dict(zip(classes.tolist(), counts.tolist(), strict=True))}")
    preds = np.full((arr.shape[0], arr.shape[1]), np.nan)
    for i in range(arr.shape[1]):
        x_t = arr[:, i]
        ok = np.all(np.isfinite(x_t), axis=1)
        y_ok = y[ok]
        cls, cnt = np.unique(y_ok, return_counts=True)
        if cls.size < 2 or cnt.min() < n_splits:
            continue
        rows = np.flatnonzero(ok)
        folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        for train, test in folds.split(x_t[rows], y_ok):
            clf = make_pipeline(StandardScaler(), LogisticRegression(C=float(C), max_iter=1000))
            clf.fit(x_t[rows[train]], y_ok[train])
            preds[rows[test], i] = clf.predict(x_t[rows[test]])
    times = states.times if isinstance(states, AlignedStates) else None
    return Decoding(preds, y, _accuracy(preds, y), float(counts.max() / counts.sum()), times)


def condition_means(states: Any, labels: Any) -> dict[Any, np.ndarray]:
    """Mean activity over the trials of each condition: ``{label: (time, units) array}``.

    Time points where no trial of the condition has data are NaN.
    """
    arr = _states_array(states)
    g = _as_1d("labels", labels, dtype=object)
    if g.size != arr.shape[0]:
        raise ValueError(f"labels must have one entry per trial ({arr.shape[0]}), got {g.size}")
    out = {}
    for key in sorted(set(g.tolist())):
        block = arr[g == key]
        with np.errstate(invalid="ignore"):
            counts = np.isfinite(block).sum(axis=0)
            out[key] = np.where(counts > 0, np.nansum(block, axis=0) / np.maximum(counts, 1), np.nan)
    return out


def choice_selectivity(states: Any, choices: Any) -> np.ndarray:
    """Each unit's choice preference over time, as d' between the two choices' trials.

    Returns a (time, units) array: ``(mean_b - mean_a) / pooled_sd`` where ``a < b`` are the two
    choice labels; positive for units more active before choice ``b``. NaN where either choice
    has fewer than two trials or the unit does not vary.
    """
    arr = _states_array(states)
    c = _as_1d("choices", choices)
    if c.size != arr.shape[0]:
        raise ValueError(f"choices must have one entry per trial ({arr.shape[0]}), got {c.size}")
    labels = np.unique(c[np.isfinite(c)])
    if labels.size != 2:
        raise ValueError(f"choice_selectivity needs exactly two choice labels, got {labels.tolist()}")
    a, b = arr[c == labels[0]], arr[c == labels[1]]
    na, nb = np.isfinite(a).sum(axis=0), np.isfinite(b).sum(axis=0)
    ma = np.nansum(a, axis=0) / np.maximum(na, 1)
    mb = np.nansum(b, axis=0) / np.maximum(nb, 1)
    va = np.nansum((a - ma) ** 2, axis=0) / np.maximum(na - 1, 1)
    vb = np.nansum((b - mb) ** 2, axis=0) / np.maximum(nb - 1, 1)
    pooled = np.sqrt((np.maximum(na - 1, 0) * va + np.maximum(nb - 1, 0) * vb) / np.maximum(na + nb - 2, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        d = (mb - ma) / pooled
    d = np.where((na >= 2) & (nb >= 2) & (pooled > 0), d, np.nan)
    return np.asarray(d, dtype=float)

