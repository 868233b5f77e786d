"""Reaction times: collect an agent's choices and reaction times on the reaction-time task, and
summarise them by coherence."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from neurogym_lite.utils.display import compact_repr

__all__ = [
    "RTData",
    "RTShape",
    "SlowErrors",
    "collect_rts",
    "rt_shape",
    "rt_summary",
    "slow_errors",
]


@dataclass
class RTData:
    """One row per completed trial: coherence (%), 0-based direction, choice (0-based direction,
    -1 when the trial ended without a choice), ``correct`` (bool), reaction time in ms from
    stimulus onset (NaN without a choice), and ``dt`` (ms per step)."""

    __repr__ = compact_repr  # arrays by shape: the default repr prints them in full

    coh: np.ndarray
    ground_truth: np.ndarray
    choice: np.ndarray
    correct: np.ndarray
    rt: np.ndarray
    dt: float
    #: trials ended by a fixation break before the stimulus (not decisions; None if unknown)
    aborted: np.ndarray | None = None
    #: which env ran each trial (collect_rts runs several side by side; each env's trials are in the
    #: order they ran): the ``session`` of a choice-history analysis. None if unknown.
    session: np.ndarray | None = None

    @property
    def n_trials(self) -> int:
        return int(self.coh.size)

    @property
    def answered(self) -> np.ndarray:
        """Trials that ended with a choice during the stimulus (not aborted, not missed)."""
        return np.isfinite(self.rt)

    @property
    def missed(self) -> np.ndarray:
        """Trials that reached the deadline without a choice (neither answered nor aborted)."""
        aborted = self.aborted if self.aborted is not None else np.zeros(self.coh.size, dtype=bool)
        return ~self.answered & ~aborted

    def select(self, mask: Any) -> RTData:
        m = np.asarray(mask, dtype=bool)
        return RTData(self.coh[m], self.ground_truth[m], self.choice[m], self.correct[m], self.rt[m], self.dt,
                      None if self.aborted is None else self.aborted[m],
                      None if self.session is None else self.session[m])


def collect_rts(model: Any, make_env: Callable[[], gym.Env], num_trials: int, *, seed: int = 0,
                n_envs: int = 16, deterministic: bool = True) -> RTData:
    """Run a recurrent SB3 ``model`` on ``n_envs`` copies of ``make_env()`` side by side (the LSTM
    state carried across trials, as in training) until ``num_trials`` trials have ended; return
    every completed trial's coherence, choice and reaction time.

    It is :func:`neurogym_lite.agents.evaluation.run_trials`, the loop of ``evaluate`` (env ``i`` reset
    with ``seed + i``): batching the envs makes it ~10x faster than :func:`neurogym_lite.run_env`,
    which steps one env; use ``run_env`` when you need the hidden states.
    """
    from neurogym_lite.agents.evaluation import run_trials
    from neurogym_lite.tasks import require_task

    if not callable(make_env):
        raise TypeError(f"make_env must be a function that builds an env, got {make_env!r:.80}")
    probe = make_env()
    require_task(probe, "reaction-time", "collect_rts")
    dt = float(probe.unwrapped.dt)
    probe.close()
    ended = run_trials(model, make_env, num_trials, n_envs=n_envs, seed=seed, deterministic=deterministic)
    rows: list[tuple[float, int, int, bool, float, bool, int]] = []
    for t in ended:
        trial = t.info["trial"]
        rt = trial.get("rt")
        choice = t.action - 1 if rt is not None else -1
        rows.append((float(trial["coh"]), int(trial["ground_truth"]), choice,
                     bool(t.info["performance"]), float("nan") if rt is None else float(rt),
                     bool(trial.get("aborted", False)), int(t.env_index)))
    return RTData(
        coh=np.array([r[0] for r in rows]), ground_truth=np.array([r[1] for r in rows]),
        choice=np.array([r[2] for r in rows]), correct=np.array([r[3] for r in rows]),
        rt=np.array([r[4] for r in rows]), dt=dt, aborted=np.array([r[5] for r in rows]),
        session=np.array([r[6] for r in rows]),
    )


def rt_summary(data: RTData) -> dict[float, dict[str, float]]:
    """Per coherence: number of trials, fraction answered, accuracy among answered trials, and the
    mean / median reaction time (ms) of correct and of error trials."""
    out: dict[float, dict[str, float]] = {}
    for c in np.unique(data.coh):
        d = data.select(data.coh == c)
        ans = d.answered
        ok = ans & d.correct
        err = ans & ~d.correct
        out[float(c)] = {
            "n": int(d.n_trials),
            "answered": float(ans.mean()),
            "accuracy": float(d.correct[ans].mean()) if ans.any() else float("nan"),
            "mean_rt": float(d.rt[ans].mean()) if ans.any() else float("nan"),
            "median_rt": float(np.median(d.rt[ans])) if ans.any() else float("nan"),
            "mean_rt_correct": float(d.rt[ok].mean()) if ok.any() else float("nan"),
            "mean_rt_error": float(d.rt[err].mean()) if err.any() else float("nan"),
            "n_error": int(err.sum()),
        }
    return out


# ------------------------------------------------------------------ are errors slower?
@dataclass
class SlowErrors:
    """Error minus correct RT (ms), compared within coherence.

    ``effect``: the mean over coherences of (mean error RT - mean correct RT), each coherence
    weighted by ``n_err * n_cor / (n_err + n_cor)`` (the inverse variance of a difference of means
    under equal variances: coherences with few errors count little); ``low``/``high``: its
    bootstrap interval (trials resampled within each coherence and outcome); ``p``: two-sided
    permutation p-value, correct/error labels shuffled within each coherence, so that the
    coherence mix (errors sit at weak motion, where every RT is long) cannot make an effect.
    ``per_coh`` maps each coherence to ``(difference, low, high, n_errors, n_correct)``; ``pooled``
    is the naive difference over all trials, for contrast. ``regression`` is the 'correct'
    coefficient of RT ~ correct + coherence (as categorical) by least squares, with its 95 % t
    interval: ``(error - correct, low, high)``.
    """

    __repr__ = compact_repr  # arrays by shape: the default repr prints them in full

    effect: float
    low: float
    high: float
    p: float
    per_coh: dict[float, tuple[float, float, float, int, int]]
    pooled: float
    regression: tuple[float, float, float]
    n_permutations: int


def slow_errors(coh: Any, correct: Any, rt: Any, *, n_permutations: int = 2000, n_boot: int = 2000,
                level: float = 0.95, seed: int = 0) -> SlowErrors:
    """Are errors slower than correct choices at the same coherence? (:class:`SlowErrors`).

    ``coh``: unsigned coherence (%) of each answered trial; ``correct``: whether it was correct;
    ``rt``: its reaction time (ms). Coherences without both errors and correct choices carry no
    comparison and are left out (at 0 % no answer is correct or wrong by the stimulus: leave 0 %
    out, or it counts as a coherence like the others).
    """
    from scipy import stats as _stats

    from neurogym_lite.behaviour.stats import permutation_test
    from neurogym_lite.utils.validation import (
        check_array,
        check_binary,
        check_int,
        check_level,
        check_same_length,
    )

    c = check_array("coh", coh, ndim=1, finite=True)
    ok = check_binary("correct", correct)
    t = check_array("rt", rt, ndim=1, finite=True)
    check_same_length(coh=c, correct=ok, rt=t)
    if np.any(c < 0):
        raise ValueError("coh must be unsigned coherences (>= 0); use abs() of signed ones")
    if t.size and np.nanmedian(t) < 20:
        raise ValueError(f"rt looks like seconds (median {np.nanmedian(t):.3g}): give reaction times in ms")
    n_permutations = check_int("n_permutations", n_permutations, 100)
    n_boot = check_int("n_boot", n_boot, 100)
    level = check_level(level)
    levels = [x for x in np.unique(c) if ok[c == x].any() and (~ok[c == x]).any()]
    if not levels:
        raise ValueError("no coherence has both errors and correct choices: nothing to compare")
    keep = np.isin(c, levels)
    c, ok, t = c[keep], ok[keep], t[keep]

    def effect(labels: np.ndarray) -> float:
        num = den = 0.0
        for x in levels:
            sel = c == x
            e, k = t[sel & ~labels.astype(bool)], t[sel & labels.astype(bool)]
            w = len(e) * len(k) / (len(e) + len(k))
            num += w * (e.mean() - k.mean())
            den += w
        return num / den

    test = permutation_test(effect, ok, strata=c, n=n_permutations, seed=seed)
    rng = np.random.default_rng(seed + 1)
    cells = {(x, o): t[(c == x) & (ok == o)] for x in levels for o in (False, True)}
    per_level_boot = {x: [] for x in levels}
    boot = np.empty(n_boot)
    for b in range(n_boot):
        num = den = 0.0
        for x in levels:
            e = rng.choice(cells[(x, False)], len(cells[(x, False)]))
            k = rng.choice(cells[(x, True)], len(cells[(x, True)]))
            d = e.mean() - k.mean()
            per_level_boot[x].append(d)
            w = len(e) * len(k) / (len(e) + len(k))
            num, den = num + w * d, den + w
        boot[b] = num / den
    q = [50 * (1 - level), 50 * (1 + level)]
    lo, hi = np.percentile(boot, q)
    per_coh = {}
    for x in levels:
        e, k = cells[(x, False)], cells[(x, True)]
        plo, phi = np.percentile(per_level_boot[x], q)
        per_coh[float(x)] = (float(e.mean() - k.mean()), float(plo), float(phi), len(e), len(k))
    # RT ~ error + coherence (categorical), least squares with a t interval
    X = np.column_stack([(~ok).astype(float)] + [(c == x).astype(float) for x in levels])
    beta, *_ = np.linalg.lstsq(X, t, rcond=None)
    resid = t - X @ beta
    dof = max(len(t) - X.shape[1], 1)
    cov = (resid @ resid / dof) * np.linalg.pinv(X.T @ X)
    half = _stats.t.ppf(0.975, dof) * math.sqrt(cov[0, 0])
    pooled = float(t[~ok].mean() - t[ok].mean())
    return SlowErrors(test.observed, float(lo), float(hi), test.p, per_coh, pooled,
                      (float(beta[0]), float(beta[0] - half), float(beta[0] + half)), n_permutations)


# ------------------------------------------------------------------ the shape of RT distributions
@dataclass
class RTShape:
    """The shape of one reaction-time distribution, the numbers that tell a flat bound from an
    urgent one (Ditterich 2006; Churchland, Kiani & Shadlen 2008; Hanks et al. 2014): ``q10`` and
    ``q90`` (ms), ``cv`` (coefficient of variation of the *decision* time: RT minus the subject's
    non-decision time), ``fast`` (fraction of decision times shorter than ``fast_ms``), ``skewness``
    (of the RT: moment skewness), each with a bootstrap interval ``(low, high)`` in ``ci``; ``n``
    trials."""

    __repr__ = compact_repr  # arrays by shape: the default repr prints them in full

    n: int
    q10: float
    q90: float
    cv: float
    fast: float
    skewness: float
    ci: dict[str, tuple[float, float]]


def rt_shape(rt: Any, *, nondecision_ms: float = 0.0, fast_ms: float = 170.0, n_boot: int = 1000,
             level: float = 0.95, seed: int = 0) -> RTShape:
    """The shape of a distribution of reaction times (ms; answered trials of one condition, e.g.
    one coherence, or pooled over weak coherences): see :class:`RTShape`. ``nondecision_ms`` is the
    subject's own non-decision time (e.g. from its diffusion fit), so that decision times of subjects
    with different motor delays compare without a borrowed shift."""
    from scipy import stats as _stats

    from neurogym_lite.utils.validation import check_array, check_int, check_level, check_real

    t = check_array("rt", rt, ndim=1, finite=True)
    if t.size < 10:
        raise ValueError(f"rt needs at least 10 trials to describe a distribution's shape, got {t.size}")
    if np.median(t) < 20:
        raise ValueError(f"rt looks like seconds (median {np.median(t):.3g}): give reaction times in ms")
    nd = check_real("nondecision_ms", nondecision_ms, low=0.0, high=float(np.min(t)) if np.min(t) > 0 else 0.0)
    fast_ms = check_real("fast_ms", fast_ms, low=0.0, low_open=True)
    n_boot, level = check_int("n_boot", n_boot, 100), check_level(level)
    rng = np.random.default_rng(check_int("seed", seed, 0))

    def stats_of(x: np.ndarray) -> np.ndarray:
        d = x - nd
        q10, q90 = np.percentile(x, [10, 90], axis=-1)
        return np.array([q10, q90, d.std(axis=-1) / d.mean(axis=-1), (d < fast_ms).mean(axis=-1),
                         _stats.skew(x, axis=-1)])

    point = stats_of(t)
    boot = stats_of(t[rng.integers(0, t.size, size=(n_boot, t.size))])
    q = [50 * (1 - level), 50 * (1 + level)]
    names = ["q10", "q90", "cv", "fast", "skewness"]
    ci = {n: (float(np.percentile(boot[i], q[0])), float(np.percentile(boot[i], q[1]))) for i, n in enumerate(names)}
    return RTShape(int(t.size), *(float(v) for v in point), ci)
