"""The psychophysical kernel: how much each stimulus frame weighs on the choice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, stats
from scipy.special import expit

from neurogym_lite.utils.display import compact_repr
from neurogym_lite.utils.validation import check_array, check_binary, check_level, check_same_length

__all__ = [
    "Kernel",
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
    E = check_array("evidence", evidence, ndim=2)
    y = check_binary("chose_1", chose_1).astype(float)
    check_same_length(evidence=E, chose_1=y)
    level = check_level(level)
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
    C = np.column_stack(covariates)
    nf = E.shape[1]
    b, ll, cov = _logistic_fit(np.column_stack([E, C]), y)
    b_flat, ll_flat, _ = _logistic_fit(np.column_stack([E.sum(axis=1), C]), y)
    se = np.sqrt(np.diag(cov)[:nf])
    zq = float(stats.norm.ppf(0.5 + level / 2))
    chi2 = max(0.0, 2 * (ll - ll_flat))
    p = float(stats.chi2.sf(chi2, nf - 1)) if nf > 1 else 1.0
    return Kernel(b[:nf], b[:nf] - zq * se, b[:nf] + zq * se, se, float(b[nf]), float(b_flat[0]), chi2, p,
                  len(y), level)
