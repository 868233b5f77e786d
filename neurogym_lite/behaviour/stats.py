"""Confidence intervals and summaries shared by the behavioural and neural analyses."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

from neurogym_lite.utils.validation import check_array, check_counts, check_labels, check_level

__all__ = [
    "binomial_ci",
    "group_stats",
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
