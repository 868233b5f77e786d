"""The psychometric function, fitted as the field does: one fitter, one convention.

:func:`fit_psychometric` fits P(choice 1) against **signed** coherence (+ = motion towards
choice 1), a cumulative Gaussian (or logistic) with a bias (the point of subjective equality), a
slope and two lapse rates, by maximum likelihood with parametric-bootstrap confidence intervals
(Wichmann & Hill 2001a, b). The unsigned view, P(correct) against coherence, comes from the same
fit (:meth:`PsychometricFit.p_correct`): a bias that an unsigned curve would hide stays visible.

:func:`efficiency` and :func:`dprime_efficiency` give sensitivity against the ideal observer, as
the squared ratio of thresholds and coherence by coherence as (d'_agent / d'_ideal)^2 (the
statistical efficiency of psychophysics, e.g. Barlow 1980).

psignifit (Schütt et al. 2016) is the field's Bayesian fitting library; its version 4.3 took
about 20 s per fit here, too slow for notebooks that refit hundreds of bootstrap data sets, so
the fit is a plain maximum-likelihood one with scipy and Wichmann & Hill's parametric bootstrap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize
from scipy.special import expit, gammaln, ndtr, ndtri

from neurogym_lite.utils.validation import (
    check_array,
    check_binary,
    check_bool,
    check_choice,
    check_int,
    check_level,
    check_positive,
    check_same_length,
)

__all__ = [
    "LINKS",
    "MAX_LAPSE",
    "Efficiency",
    "PsychometricFit",
    "dprime_efficiency",
    "efficiency",
    "fit_psychometric",
]

LINKS = ("probit", "logit")


#: Lapse rates are bounded, as in Wichmann & Hill (2001a), so that the slope stays identifiable.
MAX_LAPSE = 0.2


# ------------------------------------------------------------------ psychometric function
@dataclass
class PsychometricFit:
    """P(choice 1) against signed coherence ``x`` (in %)::

        p(x) = gamma + (1 - gamma - lambda) * F((x - bias) / sigma)

    ``F`` is the standard normal CDF (``link='probit'``) or the logistic (``'logit'``);
    ``bias`` is the point of subjective equality (negative: the observer prefers choice 1),
    ``gamma`` and ``lambda_`` are the lapse rates towards choice 2 and choice 1.
    ``threshold`` is the distance from the bias to the point where ``F`` = 0.75 (coherence %).
    ``ci`` maps each parameter name (and ``'threshold'``) to its ``(low, high)`` parametric-
    bootstrap percentile interval; ``boot`` holds the bootstrap estimates (one row per data set).
    """

    link: str
    bias: float
    sigma: float
    gamma: float
    lambda_: float
    log_likelihood: float
    x: np.ndarray
    n_chose_1: np.ndarray
    n_total: np.ndarray
    ci: dict[str, tuple[float, float]] = field(default_factory=dict)
    boot: dict[str, np.ndarray] = field(default_factory=dict)
    level: float = 0.95
    _lapses_fitted: bool = True

    @property
    def threshold(self) -> float:
        return self.sigma * _inverse_link(self.link, 0.75)

    @property
    def params(self) -> dict[str, float]:
        return {"bias": self.bias, "sigma": self.sigma, "gamma": self.gamma, "lambda": self.lambda_,
                "threshold": self.threshold}

    def predict(self, x: Any) -> np.ndarray:
        """The fitted P(choice 1) at signed coherence(s) ``x``."""
        return _curve(self.link, np.asarray(x, dtype=float), self.bias, self.sigma, self.gamma, self.lambda_)

    __call__ = predict

    def p_correct(self, coh: Any) -> np.ndarray:
        """The unsigned view: P(correct) at coherence(s) ``coh`` >= 0, both directions equally
        likely, ``(P(choice 1 | +c) + 1 - P(choice 1 | -c)) / 2``. A bias lowers it at weak
        coherences even when the slope is unchanged."""
        c = np.abs(check_array("coh", coh))
        return 0.5 * (self.predict(c) + 1 - self.predict(-c))

    def lapse_interval(self, name: str = "lambda", level: float | None = None) -> tuple[float, float]:
        """Profile-likelihood interval of a lapse rate (``'gamma'``: towards choice 2,
        ``'lambda'``: towards choice 1): the lapse values whose refitted likelihood (the other
        parameters re-optimised) stays within the chi-square(1) quantile of the best (Venzon &
        Moolgavkar 1988; Wichmann & Hill 2001a discuss lapses). When the estimate sits at 0, the
        parametric bootstrap collapses to "0 to 0"; this interval still has an upper end: a
        one-sided bound at ``level`` (the quantile at ``2 level - 1``)."""
        name = check_choice("name", name, ("gamma", "lambda"))
        level = self.level if level is None else check_level(level)
        if not self._lapses_fitted:
            raise ValueError("this fit has no lapse rates (fit_lapses=False): refit with fit_lapses=True")
        estimate = getattr(self, "lambda_" if name == "lambda" else "gamma")
        best = self._nll_fixed(name, estimate)
        at_zero = estimate < 1e-4
        from scipy import stats  # here, not at import: a population worker fits without it (~1 s of imports)

        crit = stats.chi2.ppf(2 * level - 1 if at_zero else level, 1) / 2

        def excess(value: float) -> float:  # > 0 outside the interval
            return self._nll_fixed(name, value) - best - crit

        top = MAX_LAPSE * 0.999
        high = top if excess(top) <= 0 else optimize.brentq(excess, estimate, top, xtol=1e-6)
        if at_zero or excess(0.0) <= 0:
            return 0.0, float(high)
        return float(optimize.brentq(excess, 0.0, estimate, xtol=1e-6)), float(high)

    def _nll_fixed(self, name: str, value: float) -> float:
        """The negative log-likelihood with one lapse fixed at ``value``, the rest refitted."""
        x, k, n = self.x, self.n_chose_1, self.n_total

        def nll(theta: np.ndarray) -> float:
            other = _lapse(theta[2])
            g, lam = (value, other) if name == "gamma" else (other, value)
            p = np.clip(_curve(self.link, x, theta[0], math.exp(theta[1]), g, lam), 1e-12, 1 - 1e-12)
            return float(-np.sum(k * np.log(p) + (n - k) * np.log1p(-p)))

        other = self.lambda_ if name == "gamma" else self.gamma
        start = np.array([self.bias, math.log(self.sigma), _unlapse(other)])
        return float(optimize.minimize(nll, start, method="Nelder-Mead",
                                       options={"xatol": 1e-6, "fatol": 1e-8, "maxiter": 2000}).fun)

    def rule_of_three(self) -> float:
        """Hanley & Lippman-Hand's (1983) 95 % upper bound on a lapse rate when no lapse is seen:
        3 / (trials at the strongest coherence of each sign), a cross-check of :meth:`lapse_interval`."""
        strongest = np.abs(self.x) == np.abs(self.x).max()
        return float(3 / self.n_total[strongest].sum())

    def summary(self) -> str:
        lines = []
        for k, v in self.params.items():
            lo, hi = self.ci.get(k, (math.nan, math.nan))
            lines.append(f"  {k:<9} {v:8.3f}   ({100 * self.level:.0f} % CI {lo:.3f} to {hi:.3f})")
        return f"{self.link} psychometric fit on {int(self.n_total.sum())} trials\n" + "\n".join(lines)


def _link_cdf(link: str, z: np.ndarray) -> np.ndarray:
    return ndtr(z) if link == "probit" else expit(z)


def _link_pdf(link: str, z: np.ndarray) -> np.ndarray:
    if link == "probit":
        return np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    f = expit(z)
    return f * (1 - f)


def _inverse_link(link: str, p: float) -> float:
    return float(ndtri(p)) if link == "probit" else math.log(p / (1 - p))


def _curve(link: str, x: np.ndarray, bias: float, sigma: float, gamma: float, lam: float) -> np.ndarray:
    return gamma + (1 - gamma - lam) * _link_cdf(link, (x - bias) / sigma)


def _lapse(u: float) -> float:
    return MAX_LAPSE * float(expit(u))


def _unlapse(lapse: float) -> float:
    q = min(max(lapse / MAX_LAPSE, 1e-6), 1 - 1e-6)
    return math.log(q / (1 - q))


def _fit_counts(link: str, x: np.ndarray, k: np.ndarray, n: np.ndarray, lapses: bool,
                starts: list[np.ndarray]) -> tuple[np.ndarray, float]:
    """Maximum likelihood in unconstrained coordinates (bias, log sigma, logit of each lapse / MAX_LAPSE);
    returns (bias, log sigma, gamma, lambda) and the negative log-likelihood. BFGS with the exact
    gradient: each bootstrap refit takes milliseconds (scipy's L-BFGS-B was 20x slower here when
    BLAS ran multi-threaded on a busy machine)."""

    def nll(theta: np.ndarray) -> tuple[float, np.ndarray]:
        bias, sigma = theta[0], math.exp(theta[1])
        g, lam = (_lapse(theta[2]), _lapse(theta[3])) if lapses else (0.0, 0.0)
        z = (x - bias) / sigma
        F = _link_cdf(link, z)
        p = np.clip(g + (1 - g - lam) * F, 1e-12, 1 - 1e-12)
        dp = -(k / p - (n - k) / (1 - p))
        f = (1 - g - lam) * _link_pdf(link, z)
        grad = [np.sum(dp * -f / sigma), np.sum(dp * -f * z)]
        if lapses:
            dg = g * (1 - g / MAX_LAPSE)
            dl = lam * (1 - lam / MAX_LAPSE)
            grad += [np.sum(dp * (1 - F)) * dg, np.sum(dp * -F) * dl]
        return float(-np.sum(k * np.log(p) + (n - k) * np.log1p(-p))), np.array(grad)

    best: Any = None
    for s in starts:
        res = optimize.minimize(nll, s, jac=True, method="BFGS")
        if best is None or res.fun < best.fun:
            best = res
    theta = np.array(best.x, dtype=float)
    if lapses:
        theta[2], theta[3] = _lapse(theta[2]), _lapse(theta[3])
    return theta, float(best.fun)


def fit_psychometric(
    signed_coh: Any,
    chose_1: Any,
    *,
    link: str = "probit",
    fit_lapses: bool = True,
    n_boot: int = 500,
    level: float = 0.95,
    seed: int = 0,
) -> PsychometricFit:
    """Fit P(choice 1) against signed coherence, one entry per trial (see :class:`PsychometricFit`).

    ``signed_coh``: coherence in %, positive for motion towards choice 1; ``chose_1``: True when
    the trial's choice was 1 (leave out trials without a choice). Maximum likelihood on the
    binomial counts of each coherence; ``n_boot`` parametric-bootstrap data sets (drawn from the
    fitted curve with the same trial counts, then refitted) give percentile intervals at
    ``level`` (Wichmann & Hill 2001b). ``n_boot=0`` skips the intervals.
    """
    x_all = check_array("signed_coh", signed_coh, ndim=1)
    c_all = check_binary("chose_1", chose_1)
    check_same_length(signed_coh=x_all, chose_1=c_all)
    if not np.all(np.isfinite(x_all)):
        raise ValueError("signed_coh must be finite")
    link = check_choice("link", link, LINKS)
    fit_lapses = check_bool("fit_lapses", fit_lapses)
    n_boot = check_int("n_boot", n_boot, 0)
    level = check_level(level)
    x, inv = np.unique(x_all, return_inverse=True)
    if x.size < 3:
        raise ValueError(f"need at least 3 distinct signed coherences to fit a slope and a bias, got {x.size}")
    n = np.bincount(inv).astype(float)
    k = np.bincount(inv, weights=c_all.astype(float))
    if k.sum() in (0, n.sum()):
        raise ValueError(
            f"chose_1 holds one choice only ({'all True' if k.sum() else 'all False'}): a psychometric "
            "function needs trials of both choices (an observer that always answers the same has no slope)"
        )
    span = float(np.abs(x).max())
    starts = [np.array([0.0, math.log(span * f), _unlapse(0.01), _unlapse(0.01)][: 4 if fit_lapses else 2])
              for f in (0.05, 0.2, 1.0)]
    theta, fun = _fit_counts(link, x, k, n, fit_lapses, starts)
    # the log-likelihood: the fit's objective plus the binomial coefficients log C(n, k) it leaves out
    fit = PsychometricFit(
        link, float(theta[0]), float(math.exp(theta[1])), float(theta[2]) if fit_lapses else 0.0,
        float(theta[3]) if fit_lapses else 0.0,
        float(-fun + np.sum(gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1))), x, k, n, level=level,
        _lapses_fitted=fit_lapses,
    )
    if n_boot:
        rng = np.random.default_rng(seed)
        p_hat = fit.predict(x)
        start = theta.copy()
        if fit_lapses:
            start[2], start[3] = _unlapse(theta[2]), _unlapse(theta[3])
        rows = []
        for _ in range(n_boot):
            kb = rng.binomial(n.astype(int), p_hat).astype(float)
            tb, _ = _fit_counts(link, x, kb, n, fit_lapses, [start])
            rows.append([tb[0], math.exp(tb[1]), *(tb[2:4] if fit_lapses else (0.0, 0.0))])
        b = np.asarray(rows)
        fit.boot = {"bias": b[:, 0], "sigma": b[:, 1], "gamma": b[:, 2], "lambda": b[:, 3],
                    "threshold": b[:, 1] * _inverse_link(link, 0.75)}
        q = [50 * (1 - level), 50 * (1 + level)]
        fit.ci = {name: tuple(float(v) for v in np.percentile(vals, q)) for name, vals in fit.boot.items()}
    return fit


@dataclass
class Efficiency:
    """``value`` = (ideal threshold / agent threshold)^2 = (d'_agent / d'_ideal)^2 for a probit fit;
    1 is ideal. ``ci`` from the fit's bootstrap."""

    value: float
    ci: tuple[float, float]
    threshold_ratio: float
    threshold_ratio_ci: tuple[float, float]


def efficiency(fit: PsychometricFit, ideal: float) -> Efficiency:
    """Efficiency of a fitted observer against the ideal observer's ``sigma`` (:func:`ideal_sigma`).

    Computed on the slope of ``F`` (lapses excluded): the sensitivity to the evidence."""
    if not isinstance(fit, PsychometricFit):
        raise TypeError(f"fit must be a PsychometricFit, got {type(fit).__name__}")
    ideal = check_positive("ideal", ideal)
    ratio = fit.sigma / ideal
    if fit.boot:
        lo, hi = np.percentile(fit.boot["sigma"] / ideal, [50 * (1 - fit.level), 50 * (1 + fit.level)])
    else:
        lo = hi = math.nan
    return Efficiency(1 / ratio**2, (float(1 / hi**2), float(1 / lo**2)), float(ratio), (float(lo), float(hi)))


def dprime_efficiency(
    signed_coh: Any, chose_1: Any, ideal: float, *, n_boot: int = 2000, level: float = 0.95, seed: int = 0
) -> dict[float, tuple[float, float, float]]:
    """Efficiency at each coherence: ``(d'_agent / d'_ideal)^2`` with a bootstrap interval.

    ``d'_agent = z(P(choice 1 | +c)) - z(P(choice 1 | -c))``; ``d'_ideal = 2 c / ideal`` with
    ``ideal`` from :func:`ideal_sigma`. Returns ``{c: (efficiency, low, high)}`` for each c > 0
    tested in both directions; the interval redraws both proportions from binomials (``n_boot``
    times; a redrawn proportion of 0 or 1 is moved half a trial inwards, Macmillan & Creelman
    2005). Where the observer made no error in one direction, d' is infinite on the data and the
    efficiency is not measurable: NaN (the easy coherences, where every good observer is perfect).
    """
    x = check_array("signed_coh", signed_coh, ndim=1)
    c1 = check_binary("chose_1", chose_1)
    check_same_length(signed_coh=x, chose_1=c1)
    ideal = check_positive("ideal", ideal)
    n_boot = check_int("n_boot", n_boot, 10)
    level = check_level(level)
    rng = np.random.default_rng(seed)

    def z(k: np.ndarray, n: int) -> np.ndarray:
        return ndtri(np.clip(k, 0.5, n - 0.5) / n)

    out: dict[float, tuple[float, float, float]] = {}
    for c in np.unique(np.abs(x[x != 0])):
        pos, neg = x == c, x == -c
        if not pos.any() or not neg.any():
            continue
        n_p, n_n = int(pos.sum()), int(neg.sum())
        k_p, k_n = c1[pos].sum(), c1[neg].sum()
        if k_p in (0, n_p) or k_n in (0, n_n):
            # a proportion of 0 or 1 gives no finite d': the efficiency is not measurable there
            out[float(c)] = (math.nan, math.nan, math.nan)
            continue
        d_ideal = 2 * c / ideal
        value = float(((z(np.array(k_p), n_p) - z(np.array(k_n), n_n)) / d_ideal) ** 2)
        kb_p = rng.binomial(n_p, k_p / n_p, n_boot)
        kb_n = rng.binomial(n_n, k_n / n_n, n_boot)
        boot = ((z(kb_p, n_p) - z(kb_n, n_n)) / d_ideal) ** 2
        lo, hi = np.percentile(boot, [50 * (1 - level), 50 * (1 + level)])
        out[float(c)] = (value, float(lo), float(hi))
    if not out:
        raise ValueError("no coherence > 0 was tested in both directions")
    return out
