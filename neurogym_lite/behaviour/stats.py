"""Confidence intervals, tests and summaries shared by the behavioural and neural analyses.

Intervals: :func:`binomial_ci` (Wilson, for proportions), :func:`bootstrap_ci` (scipy's BCa
bootstrap, for slopes and differences). Tests: :func:`permutation_test` (within strata, e.g.
within coherence, with the +1 correction), :func:`sign_test` (is a population's effect
consistently signed). :func:`split_trials` chooses units or axes on some trials and tests them on
others; :func:`group_stats` summarises a quantity per condition.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from neurogym_lite.utils.validation import (
    check_array,
    check_counts,
    check_int,
    check_labels,
    check_level,
    check_real,
    check_same_length,
)

__all__ = [
    "MIN_PERMUTATIONS",
    "GroupComparison",
    "PermutationTest",
    "SignTest",
    "binomial_ci",
    "bootstrap_ci",
    "compare_groups",
    "group_stats",
    "permutation_test",
    "sign_test",
    "split_trials",
]


def binomial_ci(n_correct: Any, n_total: Any, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score confidence interval of a proportion ``n_correct / n_total`` (element-wise).

    Returns ``(low, high)``. Unlike the normal approximation it stays inside [0, 1] and is
    sensible at 0 % and 100 % correct. Counts must be finite integers (``TypeError`` for
    strings or booleans, ``ValueError`` for NaN, fractions or ``n_correct > n_total``).
    """
    k = np.atleast_1d(check_array("n_correct", n_correct))
    n = np.atleast_1d(check_array("n_total", n_total))
    if k.shape != n.shape:
        raise ValueError(f"n_correct and n_total must have the same shape, got {k.shape} and {n.shape}")
    check_counts(k.ravel(), n.ravel())
    level = check_level(level)
    z = stats.norm.ppf(0.5 + level / 2)
    p = k / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0, 1))
    high = np.where(k == n, 1.0, np.clip(centre + half, 0, 1))
    return low, high


def group_stats(values: Any, groups: Any) -> dict[float, tuple[float, float, int]]:
    """Mean, standard error of the mean and count of ``values`` for each value of ``groups``.

    NaN values (e.g. the reaction time of a trial without a response) are left out; a group whose
    values are all NaN has ``(nan, nan, 0)``. Returns ``{group: (mean, sem, n)}``, sorted by
    group. Groups are numbers (``1`` and ``1.0`` are one group) or strings, not a mix; a NaN or
    ``None`` group is refused (drop those trials first).
    """
    v = check_array("values", values, ndim=1)
    g = check_labels("groups", groups)
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


# ------------------------------------------------------------------ tests and intervals for populations
#: The fewest permutations or shuffles a null distribution may have: with fewer, p < 0.01 cannot
#: even be reached, and the null's tails are guesswork.
MIN_PERMUTATIONS = 100


@dataclass
class PermutationTest:
    """``observed`` statistic, its ``null`` distribution (one value per permutation) and the
    two-sided ``p`` (with the +1 correction of Phipson & Smyth 2010: never 0)."""

    observed: float
    null: np.ndarray
    p: float


def permutation_test(statistic: Any, labels: Any, *, strata: Any = None, n: int = 1000,
                     seed: int = 0) -> PermutationTest:
    """A permutation test: ``statistic(labels)`` against its values with ``labels`` shuffled
    ``n`` times, within each stratum when ``strata`` is given (so that what differs between strata,
    e.g. coherence, cannot make an effect). Two-sided: the p-value counts null values at least as
    far from the null's centre (its mean) as the observed one."""
    if not callable(statistic):
        raise TypeError(f"statistic must be a function of the labels, got {statistic!r:.80}")
    lab = check_labels("labels", labels)
    n = check_int("n", n, MIN_PERMUTATIONS, 10_000_000)
    seed = check_int("seed", seed, 0)
    groups: list[np.ndarray] = [np.arange(len(lab))]
    if strata is not None:
        st = check_labels("strata", strata)
        if len(st) != len(lab):
            raise ValueError(f"strata must have one entry per label, got {len(st)} and {len(lab)}")
        groups = [np.flatnonzero(st == s) for s in dict.fromkeys(st.tolist())]
    rng = np.random.default_rng(seed)
    observed = float(statistic(lab))
    null = np.empty(n)
    shuffled = lab.copy()
    for i in range(n):
        for idx in groups:
            shuffled[idx] = lab[idx[rng.permutation(len(idx))]]
        null[i] = float(statistic(shuffled))
    centre = float(np.mean(null))
    extreme = np.sum(np.abs(null - centre) >= abs(observed - centre) - 1e-12)
    return PermutationTest(observed, null, float((extreme + 1) / (n + 1)))


def bootstrap_ci(data: Any, statistic: Any, *, n_resamples: int = 2000, level: float = 0.95,
                 seed: int = 0) -> tuple[float, float, float]:
    """``(value, low, high)``: ``statistic(*data)`` with a bootstrap interval from
    :func:`scipy.stats.bootstrap` (BCa; the percentile interval where BCa is undefined, e.g. a
    statistic constant across resamples). ``data`` is a sequence of arrays resampled together
    (paired), trial by trial."""
    from scipy import stats as _stats

    if not callable(statistic):
        raise TypeError(f"statistic must be a function of the data arrays, got {statistic!r:.80}")
    if isinstance(data, np.ndarray) or not isinstance(data, (list, tuple)) or not data:
        raise TypeError("data must be a list of arrays (resampled together), e.g. [x] or [x, y]")
    arrays = [check_array(f"data[{i}]", d, ndim=1, min_size=2) for i, d in enumerate(data)]
    check_same_length(**{f"data[{i}]": a for i, a in enumerate(arrays)})
    n_resamples = check_int("n_resamples", n_resamples, MIN_PERMUTATIONS, 10_000_000)
    level = check_level(level)
    value = float(statistic(*arrays))
    for method in ("BCa", "percentile"):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # BCa's "degenerate distribution": the percentile method is next
            res = _stats.bootstrap(arrays, statistic, paired=True, vectorized=False, n_resamples=n_resamples,
                                   confidence_level=level, method=method, random_state=np.random.default_rng(seed))
        lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
        if np.isfinite(lo) and np.isfinite(hi):
            return value, lo, hi
    return value, math.nan, math.nan


@dataclass
class GroupComparison:
    """``statistic(a) - statistic(b)`` for two independent groups (``difference``), its bootstrap
    interval (each group resampled on its own), and a two-sided permutation ``p`` (group labels
    shuffled)."""

    difference: float
    low: float
    high: float
    p: float
    n_a: int
    n_b: int


def compare_groups(a: Any, b: Any, *, statistic: Any = np.median, n_resamples: int = 2000,
                   n_permutations: int = 2000, level: float = 0.95, seed: int = 0) -> GroupComparison:
    """Do two independent groups (e.g. two populations of networks) differ in ``statistic`` (the
    median by default)? The difference with a bootstrap interval (:func:`scipy.stats.bootstrap`,
    unpaired, percentile) and a label-permutation p-value (:func:`permutation_test`)."""
    from scipy import stats as _stats

    if not callable(statistic):
        raise TypeError(f"statistic must be a function of one array, got {statistic!r:.80}")
    x = check_array("a", a, ndim=1, finite=True, min_size=2)
    y = check_array("b", b, ndim=1, finite=True, min_size=2)
    n_resamples = check_int("n_resamples", n_resamples, MIN_PERMUTATIONS, 10_000_000)
    level = check_level(level)
    seed = check_int("seed", seed, 0)
    res = _stats.bootstrap((x, y), lambda u, v: statistic(u) - statistic(v), paired=False, vectorized=False,
                           n_resamples=n_resamples, confidence_level=level, method="percentile",
                           random_state=np.random.default_rng(seed))
    values = np.concatenate([x, y])
    perm = permutation_test(lambda lab: statistic(values[lab == 0]) - statistic(values[lab == 1]),
                            np.r_[np.zeros(x.size, int), np.ones(y.size, int)], n=n_permutations, seed=seed)
    return GroupComparison(float(statistic(x) - statistic(y)), float(res.confidence_interval.low),
                           float(res.confidence_interval.high), perm.p, int(x.size), int(y.size))


@dataclass
class SignTest:
    """How many of ``n`` values are positive (``k``; zeros left out), the proportion's Wilson
    interval, and the two-sided binomial ``p`` against 1/2."""

    k: int
    n: int
    proportion: float
    low: float
    high: float
    p: float


def sign_test(values: Any, *, level: float = 0.95) -> SignTest:
    """Is a population's effect consistently signed (e.g. do the networks' biases point to one
    side)? A binomial test (:func:`scipy.stats.binomtest`) of the positive values among the
    non-zero ones."""
    from scipy import stats as _stats

    v = check_array("values", values, ndim=1, finite=True, min_size=1)
    level = check_level(level)
    nz = v[v != 0]
    if nz.size == 0:
        raise ValueError("values are all 0: no sign to test")
    k, n = int(np.sum(nz > 0)), int(nz.size)
    lo, hi = binomial_ci(k, n, level)
    return SignTest(k, n, k / n, float(lo[0]), float(hi[0]), float(_stats.binomtest(k, n, 0.5).pvalue))


def split_trials(labels: Any, *, fraction: float = 0.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two disjoint index sets, ``(select, test)``: ``fraction`` of the trials of each label
    (e.g. a coherence x choice condition) to choose units, axes or decoders on, the rest to test
    them on. Every label with at least two trials has trials on both sides."""
    lab = check_labels("labels", labels)
    fraction = check_real("fraction", fraction, low=0.0, high=1.0, low_open=True, high_open=True)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    select, test = [], []
    for value in dict.fromkeys(lab.tolist()):
        idx = rng.permutation(np.flatnonzero(lab == value))
        k = round(fraction * len(idx))
        if len(idx) >= 2:
            k = min(max(k, 1), len(idx) - 1)
        select.append(idx[:k])
        test.append(idx[k:])
    return np.sort(np.concatenate(select)), np.sort(np.concatenate(test))
