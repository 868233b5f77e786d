"""The behavioural analyses of a random-dots experiment, as a physiologist runs them.

- :func:`trial_table` turns a :class:`~neurogym_lite.rollout.Rollout` into one row per trial:
  signed coherence, choice, correct, aborted, and the evidence of every stimulus frame;
  :func:`collect_trials` runs a model on many envs at once and returns the same table.
- :func:`fit_signed_psychometric`: P(choice 1) against **signed** coherence (+ = motion towards
  choice 1), a cumulative Gaussian (or logistic) with a bias (the point of subjective equality),
  a slope and two lapse rates, fitted by maximum likelihood with parametric-bootstrap confidence
  intervals (Wichmann & Hill 2001a, b).
- :func:`psychophysical_kernel`: the weight of each stimulus frame on the choice, by logistic
  regression of choice on the per-frame evidence of weak-motion trials (Kiani, Hanks & Shadlen
  2008), with Wald confidence intervals and a likelihood-ratio test against a flat kernel, the
  kernel of the ideal observer, which weighs every frame equally.
- :func:`choice_history`: P(repeat the previous choice) after a correct and after an error trial,
  with Wilson intervals.
- :func:`ideal_sigma`, :func:`efficiency` and :func:`dprime_efficiency`: sensitivity against the
  ideal observer, as the squared ratio of thresholds, and coherence by coherence as
  (d'_agent / d'_ideal)^2 (the statistical efficiency of psychophysics, e.g. Barlow 1980).

psignifit (Schütt et al. 2016) is the field's Bayesian fitting library; its version 4.3 took
about 20 s per fit here, too slow for notebooks that refit hundreds of bootstrap data sets, so
the fit is a plain maximum-likelihood one with scipy and Wichmann & Hill's parametric bootstrap.
Every function checks its inputs and raises a ``TypeError`` or ``ValueError`` naming the argument.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np
from scipy import optimize, stats
from scipy.special import expit, ndtr

from neurogym_lite.analysis import binomial_ci
from neurogym_lite.evaluation import _check_int
from neurogym_lite.rollout import Rollout

__all__ = [
    "ChoiceHistory",
    "Efficiency",
    "Kernel",
    "SignedPsychometricFit",
    "TrialTable",
    "choice_history",
    "collect_trials",
    "dprime_efficiency",
    "efficiency",
    "fit_signed_psychometric",
    "ideal_sigma",
    "psychophysical_kernel",
    "trial_table",
]

LINKS = ("probit", "logit")
#: Lapse rates are bounded, as in Wichmann & Hill (2001a), so that the slope stays identifiable.
MAX_LAPSE = 0.2


# ---------------------------------------------------------------------------------- checks
def _array(name: str, x: Any, *, ndim: int = 1, dtype: Any = float) -> np.ndarray:
    if x is None or isinstance(x, (str, bytes, dict)):
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}")
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {x!r:.80}") from None
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    return arr


def _binary(name: str, x: Any) -> np.ndarray:
    arr = _array(name, x)
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must hold only 0/1 or False/True, got values {np.unique(arr)[:5]}")
    return arr.astype(bool)


def _same_length(**arrays: np.ndarray) -> None:
    lengths = {k: len(v) for k, v in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"arguments must have one entry per trial, got lengths {lengths}")


def _level(level: Any) -> float:
    if isinstance(level, bool) or not isinstance(level, (int, float, np.floating)):
        raise TypeError(f"level must be a number between 0 and 1, got {level!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), got {level!r}")
    return float(level)


def _positive(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{name} must be a positive number, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


# ------------------------------------------------------------------------------ trial table
@dataclass
class TrialTable:
    """One row per completed trial of a two-choice random-dots rollout.

    ``signed_coh[k]``: coherence in %, positive when the motion points towards choice 1;
    ``choice[k]``: 1 or 2, or 0 when the trial ended without a choice (aborted, or timed out);
    ``correct[k]``, ``aborted[k]``: booleans; ``evidence[k, f]``: stimulus 1 minus stimulus 2 on
    stimulus frame ``f`` (NaN after the frames the trial had, e.g. when it was aborted);
    ``session[k]``: which env the trial ran in (:func:`collect_trials` runs several side by side;
    trials of one session are in the order they ran), or None for a single stream of trials.
    """

    signed_coh: np.ndarray
    choice: np.ndarray
    correct: np.ndarray
    aborted: np.ndarray
    evidence: np.ndarray
    session: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.choice.size)

    @property
    def chose(self) -> np.ndarray:
        """True on trials that ended with a choice (1 or 2)."""
        return self.choice > 0

    @property
    def chose_1(self) -> np.ndarray:
        return self.choice == 1

    @property
    def coh(self) -> np.ndarray:
        return np.abs(self.signed_coh)

    def select(self, mask: Any) -> TrialTable:
        m = _binary("mask", mask)
        if m.size != len(self):
            raise ValueError(f"mask must have one entry per trial ({len(self)}), got {m.size}")
        return TrialTable(self.signed_coh[m], self.choice[m], self.correct[m], self.aborted[m], self.evidence[m],
                          None if self.session is None else self.session[m])


def trial_table(rollout: Rollout) -> TrialTable:
    """The per-trial table of a rollout of ``PerceptualDecisionMaking-v0`` (two directions).

    A trial counts as aborted when the env marked it so (``trial['aborted']``), or, for envs that do
    not, when it ended on a choice outside the decision period (a fixation break).
    Evidence is read from the observation entries named ``stimulus_1`` and ``stimulus_2``.
    """
    if not isinstance(rollout, Rollout):
        raise TypeError(f"rollout must be a Rollout from neurogym_lite.run_env, got {type(rollout).__name__}")
    if rollout.periods is None:
        raise ValueError("rollout has no period labels; run_env records them for neurogym_lite tasks")
    if rollout.num_trials == 0:
        raise ValueError("rollout has no completed trial; run more steps (run_env(num_trials=...))")
    try:
        i1, i2 = rollout.ob_names.index("stimulus_1"), rollout.ob_names.index("stimulus_2")
    except ValueError:
        raise ValueError(f"rollout's observations have no stimulus_1/stimulus_2 entries: {rollout.ob_names}") from None
    if "stimulus_3" in rollout.ob_names:
        raise ValueError("trial_table handles the two-direction task (dim_ring=2) only")
    periods = np.asarray(rollout.periods)
    ends = rollout.trial_ends
    n = ends.size
    signed = np.empty(n)
    frames: list[np.ndarray] = []
    aborted = np.zeros(n, dtype=bool)
    for k in range(n):
        trial = rollout.trials[k]
        if "coh" not in trial or "ground_truth" not in trial:
            raise ValueError(f"trial {k} has no 'coh'/'ground_truth' parameters: {trial}")
        signed[k] = float(trial["coh"]) * (1 if int(trial["ground_truth"]) == 0 else -1)
        steps = rollout.trial_steps(k)
        stim = periods[steps] == "stimulus"
        obs = rollout.obs[steps]
        frames.append((obs[stim, i1] - obs[stim, i2]).astype(float))
        aborted[k] = bool(trial.get("aborted", periods[ends[k]] != "decision" and rollout.actions[ends[k]] != 0))
    width = max((f.size for f in frames), default=0)
    evidence = np.full((n, width), np.nan)
    for k, f in enumerate(frames):
        evidence[k, : f.size] = f
    choice = np.where(aborted, 0, rollout.choices).astype(int)
    return TrialTable(signed, choice, rollout.performance.astype(bool), aborted, evidence)


def collect_trials(
    model: Any,
    make_env: Callable[[], gym.Env],
    num_trials: int = 2000,
    *,
    n_envs: int = 16,
    seed: int = 0,
    deterministic: bool = True,
) -> TrialTable:
    """Run ``model`` on ``n_envs`` fresh envs from ``make_env`` and return the :class:`TrialTable` of
    ``num_trials`` completed trials, with the evidence of every stimulus frame.

    The same loop as :func:`neurogym_lite.evaluation.evaluate` (env ``i`` reset with ``seed + i``,
    one batched ``model.predict`` per step, LSTM state carried across trials as in training), which
    also keeps what :func:`trial_table` needs; many times faster than :func:`neurogym_lite.run_env`
    on one env. For ``PerceptualDecisionMaking-v0`` (two directions) and its wrappers.
    """
    from neurogym_lite.evaluation import run_trials

    if not callable(make_env):
        raise TypeError(f"make_env must be a function that builds an env, got {make_env!r}")
    probe = make_env()
    names = list(getattr(probe.unwrapped, "ob_names", []))
    probe.close()
    if "stimulus_1" not in names or "stimulus_2" not in names or "stimulus_3" in names:
        raise ValueError(f"collect_trials needs the two-direction random-dots task, got observations {names}")
    i1, i2 = names.index("stimulus_1"), names.index("stimulus_2")
    # What each env's agent saw: per env, one record per trial (t_ind 0 starts a trial): the
    # evidence of its stimulus frames and the period of its latest step.
    seen: dict[int, list[tuple[list[float], list[str]]]] = {}

    def record(i: int, env: gym.Env, ob: np.ndarray) -> None:
        task = env.unwrapped
        trials = seen.setdefault(i, [])
        if task.t_ind == 0 or not trials:
            trials.append(([], [""]))
        frames, period = trials[-1]
        period[0] = task.period_now
        if period[0] == "stimulus":
            frames.append(float(ob[i1] - ob[i2]))

    ended = run_trials(model, make_env, num_trials, n_envs=n_envs, seed=seed, deterministic=deterministic,
                       before_step=record)
    signed: list[float] = []
    choice: list[int] = []
    correct: list[bool] = []
    aborted: list[bool] = []
    evidence: list[list[float]] = []
    session: list[int] = []
    taken: dict[int, int] = {}  # env -> how many of its trials are used so far
    for t in ended:
        k = taken.get(t.env_index, 0)
        taken[t.env_index] = k + 1
        frames, period = seen[t.env_index][k]
        trial = t.info.get("trial", {})
        a = t.action
        # the env marks aborted trials (trial['aborted']); older envs: a choice before the decision period
        broke = bool(trial.get("aborted", period[0] != "decision" and a != 0))
        signed.append(float(trial["coh"]) * (1 if int(trial["ground_truth"]) == 0 else -1))
        choice.append(0 if broke else a)
        correct.append(bool(t.info.get("performance", 0)))
        aborted.append(broke)
        evidence.append(frames)
        session.append(t.env_index)
    n = num_trials
    width = max(len(f) for f in evidence[:n])
    ev = np.full((n, width), np.nan)
    for k, f in enumerate(evidence[:n]):
        ev[k, : len(f)] = f
    # Rows grouped by env, each env's trials in the order they ran (what choice_history needs).
    order = np.argsort(np.array(session[:n]), kind="stable")
    return TrialTable(np.array(signed[:n])[order], np.array(choice[:n], dtype=int)[order],
                      np.array(correct[:n])[order], np.array(aborted[:n])[order], ev[order],
                      np.array(session[:n])[order])


# ------------------------------------------------------------------ psychometric function
@dataclass
class SignedPsychometricFit:
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
    return float(stats.norm.ppf(p)) if link == "probit" else math.log(p / (1 - p))


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


def fit_signed_psychometric(
    signed_coh: Any,
    chose_1: Any,
    *,
    link: str = "probit",
    fit_lapses: bool = True,
    n_boot: int = 500,
    level: float = 0.95,
    seed: int = 0,
) -> SignedPsychometricFit:
    """Fit P(choice 1) against signed coherence, one entry per trial (see :class:`SignedPsychometricFit`).

    ``signed_coh``: coherence in %, positive for motion towards choice 1; ``chose_1``: True when
    the trial's choice was 1 (leave out trials without a choice). Maximum likelihood on the
    binomial counts of each coherence; ``n_boot`` parametric-bootstrap data sets (drawn from the
    fitted curve with the same trial counts, then refitted) give percentile intervals at
    ``level`` (Wichmann & Hill 2001b). ``n_boot=0`` skips the intervals.
    """
    x_all = _array("signed_coh", signed_coh)
    c_all = _binary("chose_1", chose_1)
    _same_length(signed_coh=x_all, chose_1=c_all)
    if not np.all(np.isfinite(x_all)):
        raise ValueError("signed_coh must be finite")
    if link not in LINKS:
        raise ValueError(f"link must be one of {LINKS}, got {link!r}")
    if not isinstance(fit_lapses, (bool, np.bool_)):
        raise TypeError(f"fit_lapses must be True or False, got {fit_lapses!r}")
    n_boot = _check_int("n_boot", n_boot, 0)
    level = _level(level)
    x, inv = np.unique(x_all, return_inverse=True)
    if x.size < 3:
        raise ValueError(f"need at least 3 distinct signed coherences to fit a slope and a bias, got {x.size}")
    n = np.bincount(inv).astype(float)
    k = np.bincount(inv, weights=c_all.astype(float))
    span = float(np.abs(x).max())
    starts = [np.array([0.0, math.log(span * f), _unlapse(0.01), _unlapse(0.01)][: 4 if fit_lapses else 2])
              for f in (0.05, 0.2, 1.0)]
    theta, fun = _fit_counts(link, x, k, n, fit_lapses, starts)
    fit = SignedPsychometricFit(
        link, float(theta[0]), float(math.exp(theta[1])), float(theta[2]) if fit_lapses else 0.0,
        float(theta[3]) if fit_lapses else 0.0,
        float(-fun + np.sum(stats.binom.logpmf(k, n, 0.5) - n * math.log(0.5))), x, k, n, level=level,
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


# ----------------------------------------------------------------------- ideal observer
def ideal_sigma(sigma: float, stim_duration: float) -> float:
    """The ideal observer's psychometric ``sigma`` (coherence %, probit link, no bias or lapse).

    With per-channel noise ``sigma / sqrt(dt)`` on each of ``T / dt`` frames, the summed evidence
    difference has mean ``(c / 100) * T / dt`` and standard deviation ``sigma * sqrt(2 T) / dt``, so
    P(choice 1 | c) = Phi(c / s) with ``s = 100 * sqrt(2) * sigma / sqrt(T)``: independent of ``dt``
    (``T`` = ``stim_duration`` in ms; see :func:`neurogym_lite.evaluation.ideal_observer_accuracy`).
    """
    sigma = _positive("sigma", sigma)
    stim_duration = _positive("stim_duration", stim_duration)
    return 100 * math.sqrt(2) * sigma / math.sqrt(stim_duration)


@dataclass
class Efficiency:
    """``value`` = (ideal threshold / agent threshold)^2 = (d'_agent / d'_ideal)^2 for a probit fit;
    1 is ideal. ``ci`` from the fit's bootstrap."""

    value: float
    ci: tuple[float, float]
    threshold_ratio: float
    threshold_ratio_ci: tuple[float, float]


def efficiency(fit: SignedPsychometricFit, ideal: float) -> Efficiency:
    """Efficiency of a fitted observer against the ideal observer's ``sigma`` (:func:`ideal_sigma`).

    Computed on the slope of ``F`` (lapses excluded): the sensitivity to the evidence."""
    if not isinstance(fit, SignedPsychometricFit):
        raise TypeError(f"fit must be a SignedPsychometricFit, got {type(fit).__name__}")
    ideal = _positive("ideal", ideal)
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
    x = _array("signed_coh", signed_coh)
    c1 = _binary("chose_1", chose_1)
    _same_length(signed_coh=x, chose_1=c1)
    ideal = _positive("ideal", ideal)
    n_boot = _check_int("n_boot", n_boot, 10)
    level = _level(level)
    rng = np.random.default_rng(seed)

    def z(k: np.ndarray, n: int) -> np.ndarray:
        return stats.norm.ppf(np.clip(k, 0.5, n - 0.5) / n)

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


# ------------------------------------------------------------------- psychophysical kernel
@dataclass
class Kernel:
    """Logistic regression of choice 1 on per-frame evidence: ``weights[f]`` (per unit of evidence
    difference), their ``(low, high)`` Wald intervals, the intercept, and a likelihood-ratio test
    of the flat kernel (all weights equal, the ideal observer's): ``flat_p_value``."""

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
    E = _array("evidence", evidence, ndim=2)
    y = _binary("chose_1", chose_1).astype(float)
    _same_length(evidence=E, chose_1=y)
    level = _level(level)
    if not np.all(np.isfinite(E)):
        raise ValueError("evidence has NaN (aborted or shorter trials?): keep trials with every frame")
    if E.shape[1] < 1 or E.shape[0] < 10 * (E.shape[1] + 1):
        raise ValueError(f"need at least 10 trials per regression weight, got {E.shape[0]} trials for "
                         f"{E.shape[1]} frames")
    if y.min() == y.max():
        raise ValueError("chose_1 is constant: a kernel needs both choices")
    covariates = [np.ones(len(y))]
    if signed_coh is not None:
        x = _array("signed_coh", signed_coh)
        _same_length(evidence=E, signed_coh=x)
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


# ------------------------------------------------------------------------- choice history
@dataclass
class ChoiceHistory:
    """P(repeat the previous choice) after a correct and after an error trial.

    Each entry of ``after`` (``'correct'``, ``'error'``) is ``(p_repeat, low, high, n_pairs)``
    with a Wilson interval; ``expected`` is P(repeat) if choices were independent of the past,
    given how often each choice was made in those pairs (0.5 for an unbiased observer).
    """

    after: dict[str, tuple[float, float, float, int]]
    expected: dict[str, float]
    level: float


def choice_history(choice: Any, correct: Any, *, session: Any = None, level: float = 0.95) -> ChoiceHistory:
    """P(repeat) after correct and after error trials, from consecutive trials.

    ``choice[k]`` is 1, 2, ... or 0 for no choice (aborted / timed out), ``correct[k]`` whether
    trial k was correct. Pairs (k-1, k) in which either trial has no choice are left out, and so
    are pairs from different ``session``s (e.g. :attr:`TrialTable.session`), when given.
    """
    ch = _array("choice", choice)
    if not np.all((ch >= 0) & (ch == np.round(ch))):
        raise ValueError("choice must hold non-negative integers (0 = no choice)")
    ok = _binary("correct", correct)
    _same_length(choice=ch, correct=ok)
    level = _level(level)
    prev, nxt, prev_ok = ch[:-1], ch[1:], ok[:-1]
    valid = (prev > 0) & (nxt > 0)
    if session is not None:
        sess = _array("session", session, dtype=object)
        _same_length(choice=ch, session=sess)
        valid &= sess[:-1] == sess[1:]
    after: dict[str, tuple[float, float, float, int]] = {}
    expected: dict[str, float] = {}
    for name, sel in (("correct", valid & prev_ok), ("error", valid & ~prev_ok)):
        n = int(sel.sum())
        if n == 0:
            after[name] = (math.nan, math.nan, math.nan, 0)
            expected[name] = math.nan
            continue
        k = int((prev[sel] == nxt[sel]).sum())
        lo, hi = binomial_ci(k, n, level)
        after[name] = (k / n, float(lo[0]), float(hi[0]), n)
        values = np.unique(np.concatenate([prev[sel], nxt[sel]]))
        expected[name] = float(sum(np.mean(prev[sel] == v) * np.mean(nxt[sel] == v) for v in values))
    return ChoiceHistory(after, expected, level)
