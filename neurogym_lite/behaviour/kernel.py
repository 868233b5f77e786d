"""The psychophysical kernel: how much each stimulus frame weighs on the choice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, stats
from scipy.special import expit

from neurogym_lite.utils.display import compact_repr
from neurogym_lite.utils.validation import (
    check_array,
    check_binary,
    check_level,
    check_real,
    check_same_length,
)

__all__ = [
    "Kernel",
    "Leak",
    "fit_leak",
    "psychophysical_kernel",
]


# ------------------------------------------------------------------- psychophysical kernel
@dataclass
class Kernel:
    """Logistic regression of choice 1 on per-frame evidence: ``weights[f]`` (per unit of evidence
    difference), their ``(low, high)`` Wald intervals, the intercept, and a likelihood-ratio test
    of the flat kernel (all weights equal, the ideal observer's): ``flat_p_value``."""

    __repr__ = compact_repr  # arrays by shape: the default repr prints them in full

    weights: np.ndarray
    low: np.ndarray
    high: np.ndarray
    se: np.ndarray
    intercept: float
    flat_weight: float
    flat_chi2: float
    flat_p_value: float
    n_trials: int
    level: float

    @property
    def n_frames(self) -> int:
        return int(self.weights.size)

    @property
    def relative(self) -> np.ndarray:
        """Weights over their mean (1 everywhere for a flat kernel)."""
        return self.weights / self.weights.mean()


def _logistic_fit(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    """Maximum-likelihood logistic regression; returns (coefficients, log-likelihood, covariance)."""

    def nll(b: np.ndarray) -> tuple[float, np.ndarray]:
        eta = X @ b
        ll = np.sum(y * eta - np.logaddexp(0, eta))
        p = expit(eta)
        return float(-ll), -(X.T @ (y - p))

    res = optimize.minimize(nll, np.zeros(X.shape[1]), jac=True, method="BFGS", options={"gtol": 1e-8})
    b = res.x
    p = expit(X @ b)
    hess = X.T @ (X * (p * (1 - p))[:, None])
    try:
        cov = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        raise ValueError("the choices are perfectly predictable from the evidence (the regression "
                         "diverges); use weaker-motion trials or an observer with internal noise") from None
    if np.any(np.abs(b) > 1e3) or (not res.success and np.linalg.norm(res.jac) > 1e-3):
        raise ValueError("the logistic regression did not converge (choices perfectly separated?)")
    return b, float(-res.fun), cov


def _design(evidence: Any, chose_1: Any, signed_coh: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Checked evidence (each signed coherence's mean removed when ``signed_coh`` is given), choices,
    and the covariates (intercept, and the scaled signed coherence)."""
    E = check_array("evidence", evidence, ndim=2)
    y = check_binary("chose_1", chose_1).astype(float)
    check_same_length(evidence=E, chose_1=y)
    if not np.all(np.isfinite(E)):
        raise ValueError("evidence has NaN (aborted or shorter trials?): keep trials with every frame")
    if E.shape[1] < 1 or E.shape[0] < 10 * (E.shape[1] + 1):
        raise ValueError(f"need at least 10 trials per regression weight, got {E.shape[0]} trials for "
                         f"{E.shape[1]} frames")
    if y.min() == y.max():
        raise ValueError("chose_1 is constant: a kernel needs both choices")
    covariates = [np.ones(len(y))]
    if signed_coh is not None:
        x = check_array("signed_coh", signed_coh, ndim=1)
        check_same_length(evidence=E, signed_coh=x)
        E = E.copy()
        for c in np.unique(x):
            E[x == c] -= E[x == c].mean(axis=0)
        if np.unique(x).size > 1:
            covariates.append(x / np.abs(x).max())
    return E, y, np.column_stack(covariates)


def psychophysical_kernel(
    evidence: Any, chose_1: Any, *, signed_coh: Any = None, level: float = 0.95
) -> Kernel:
    """The psychophysical kernel: the weight of each stimulus frame on the choice.

    ``evidence[k, f]`` is the evidence for choice 1 on frame ``f`` of trial ``k`` (stimulus 1 minus
    stimulus 2), ``chose_1[k]`` whether the choice was 1. Use trials with a choice and weak motion
    (0 % and the lowest coherences), as Kiani, Hanks & Shadlen (2008) did. With ``signed_coh``,
    the mean evidence of each signed coherence is removed and the signed coherence is a covariate,
    so the weights measure the effect of the frame-to-frame noise only. Intervals are Wald
    (coefficient +- z * standard error from the Hessian). ``flat_p_value`` tests the flat kernel
    (one weight on the summed evidence) against free weights (likelihood ratio, chi-square with
    ``n_frames - 1`` degrees of freedom): small values mean the observer does not weigh the frames
    equally, as an ideal integrator would.
    """
    E, y, C = _design(evidence, chose_1, signed_coh)
    level = check_level(level)
    nf = E.shape[1]
    b, ll, cov = _logistic_fit(np.column_stack([E, C]), y)
    b_flat, ll_flat, _ = _logistic_fit(np.column_stack([E.sum(axis=1), C]), y)
    se = np.sqrt(np.diag(cov)[:nf])
    zq = float(stats.norm.ppf(0.5 + level / 2))
    chi2 = max(0.0, 2 * (ll - ll_flat))
    p = float(stats.chi2.sf(chi2, nf - 1)) if nf > 1 else 1.0
    return Kernel(b[:nf], b[:nf] - zq * se, b[:nf] + zq * se, se, float(b[nf]), float(b_flat[0]), chi2, p,
                  len(y), level)


# ------------------------------------------------------------------- leaky accumulator
@dataclass
class Leak:
    """A leaky accumulator fitted to choices: frame ``f`` of ``n`` weighs ``exp(-rate * (n - 1 - f))``
    (``rate`` per frame; 0 is perfect integration, > 0 forgets early frames, < 0 favours them),
    ``rate_low``/``rate_high`` its profile-likelihood interval (``-inf``/``inf`` where it reaches the
    end of the rates searched: not identified on that side), ``p_no_leak`` the likelihood-ratio test
    of ``rate = 0``, and ``tau`` = ``dt / rate`` (``inf`` for no forgetting) with its interval."""

    __repr__ = compact_repr

    rate: float
    rate_low: float
    rate_high: float
    p_no_leak: float
    dt: float
    n_trials: int
    level: float

    @property
    def tau(self) -> float:
        return self.dt / self.rate if self.rate > 0 else float("inf")

    @property
    def tau_interval(self) -> tuple[float, float]:
        low = self.dt / self.rate_high if self.rate_high > 0 else float("inf")
        high = self.dt / self.rate_low if self.rate_low > 0 else float("inf")
        return (low, high)


def fit_leak(evidence: Any, chose_1: Any, *, signed_coh: Any = None, dt: float = 1.0, level: float = 0.95,
             max_rate: float = 3.0) -> Leak:
    """The leak of an accumulator fitted to the choices: logistic regression of ``chose_1`` on the
    exponentially weighted sum of the frames' evidence, the rate found by maximum likelihood in
    ``[-max_rate, max_rate]`` per frame. Same data conventions as :func:`psychophysical_kernel`
    (with ``signed_coh`` the frame-to-frame noise only is read); ``dt`` converts per-frame rates to
    a time constant in the caller's units."""
    E, y, C = _design(evidence, chose_1, signed_coh)
    level = check_level(level)
    dt = check_real("dt", dt, low=0.0, low_open=True)
    max_rate = check_real("max_rate", max_rate, low=0.0, low_open=True)
    age = np.arange(E.shape[1])[::-1]

    def loglik(rate: float) -> float:
        w = np.exp(-rate * age)
        return _logistic_fit(np.column_stack([E @ (w / w.max()), C]), y)[1]  # scaled: the fit is well posed

    grid = np.linspace(-max_rate, max_rate, 121)
    ll = np.array([loglik(r) for r in grid])
    i = int(np.argmax(ll))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    best = optimize.minimize_scalar(lambda r: -loglik(r), bounds=(lo, hi), method="bounded",
                                    options={"xatol": 1e-6})
    rate, ll_max = float(best.x), float(-best.fun)
    cut = float(stats.chi2.ppf(level, 1)) / 2

    def edge(side: int) -> float:
        outer = grid[grid > rate] if side > 0 else grid[grid < rate][::-1]
        inside = rate
        for r in outer:
            if ll_max - loglik(r) > cut:
                return float(optimize.brentq(lambda x: ll_max - loglik(x) - cut, inside, r) if side > 0
                             else optimize.brentq(lambda x: ll_max - loglik(x) - cut, r, inside))
            inside = r
        return float("inf") * side

    p = float(stats.chi2.sf(max(0.0, 2 * (ll_max - loglik(0.0))), 1))
    return Leak(rate, edge(-1), edge(+1), p, dt, len(y), level)
