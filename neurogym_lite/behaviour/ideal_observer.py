"""The ideal observer: the best accuracy any observer could reach on the random-dots task.

:func:`ideal_observer_accuracy` gives the accuracy of an observer that integrates all the stimulus
evidence perfectly, coherence by coherence: the ceiling against which a trained network is judged.
:func:`ideal_observer` reads the task's own parameters; :func:`ideal_sigma` is the same observer's
psychometric slope on signed coherence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np
from scipy.special import ndtr  # the normal CDF, as scipy.stats.norm.cdf computes it

from neurogym_lite.utils.validation import check_int, check_level, check_numbers, check_positive, is_real

__all__ = [
    "MAX_MONTE_CARLO_WORK",
    "PairedIdeal",
    "ideal_observer",
    "ideal_observer_accuracy",
    "ideal_sigma",
    "paired_vs_ideal",
]

#: Most Monte Carlo work :func:`ideal_observer_accuracy` does for ``dim_ring > 2``, counted as
#: ``n_samples * dim_ring * (dim_ring + distinct durations * coherences)`` operations (a few
#: seconds on one core at the limit). Raise it with
#: ``neurogym_lite.behaviour.ideal_observer.MAX_MONTE_CARLO_WORK = ...``.
MAX_MONTE_CARLO_WORK = 1e10


#: Rows of Monte Carlo draws held in memory at once (the work is done in chunks of this size).
_MC_CHUNK_ELEMENTS = 2**20


def ideal_observer_accuracy(
    cohs: float | Sequence[float],
    *,
    sigma: float = 1.0,
    dt: float = 100,
    stim_duration: float | Sequence[float] = 2000,
    dim_ring: int = 2,
    n_samples: int = 200_000,
    seed: int = 0,
) -> np.ndarray:
    """Accuracy of the ideal observer of the random-dots task, for each coherence in ``cohs``.

    The observer sees every stimulus step (``stim_duration / dt`` of them, each channel with
    Gaussian noise of standard deviation ``sigma / sqrt(dt)``) and picks the most likely
    direction. Its sufficient statistic is the evidence summed over time, so with
    ``N`` steps and noise ``s`` its accuracy on two directions is
    ``Phi(sqrt(N) * (coh / 100) / (s * sqrt(2)))``; with more directions it is computed by Monte
    Carlo (``n_samples`` draws, seeded). ``stim_duration`` may be a sample of durations (for a
    random stimulus duration): the accuracy is then averaged over them.

    Arguments are checked as the task checks them (coherences in [0, 100] %, ``sigma`` and
    ``stim_duration`` finite, every duration at least half a step so that the observer sees one
    frame, ``dim_ring`` up to the task's ``MAX_DIM_RING``); the Monte Carlo work is capped at
    :data:`MAX_MONTE_CARLO_WORK` (the error says which argument to lower) and done in chunks,
    so memory stays small whatever ``n_samples``.
    """
    from neurogym_lite.tasks.perceptual_decision_making import MAX_DIM_RING
    from neurogym_lite.tasks.timing import check_dt

    coh_arr = check_numbers("cohs", cohs)
    if coh_arr.size == 0:
        raise ValueError("cohs must hold at least one coherence")
    if not np.all((coh_arr >= 0) & (coh_arr <= 100)):  # also refuses NaN
        raise ValueError(f"cohs must be coherences in % between 0 and 100, got {cohs!r}")
    if not is_real(sigma):
        raise TypeError(f"sigma must be a non-negative number, got {sigma!r}")
    if not (math.isfinite(sigma) and sigma >= 0):
        raise ValueError(f"sigma must be a non-negative finite number, got {sigma!r}")
    dt = check_dt(dt)
    durations = check_numbers("stim_duration", stim_duration)
    if durations.size == 0:
        raise ValueError("stim_duration must hold at least one duration (ms)")
    if not np.all(np.isfinite(durations)) or np.any(durations < dt / 2):
        raise ValueError(
            f"stim_duration must be finite durations in ms of at least half a step (dt/2 = {dt / 2:g} ms), "
            f"so that the observer sees at least one frame; got {stim_duration!r}"
        )
    dim_ring = check_int("dim_ring", dim_ring, 2)
    if dim_ring > MAX_DIM_RING:
        raise ValueError(f"dim_ring={dim_ring} is above the task's limit MAX_DIM_RING={MAX_DIM_RING}")
    n_samples = check_int("n_samples", n_samples, 1)
    seed = check_int("seed", seed, 0)
    steps, counts = np.unique(np.round(durations / dt), return_counts=True)
    weights = counts / counts.sum()
    if dim_ring > 2 and sigma > 0:
        work = float(n_samples) * dim_ring * (dim_ring + steps.size * coh_arr.size)
        if work > MAX_MONTE_CARLO_WORK:
            raise ValueError(
                f"the Monte Carlo estimate for dim_ring={dim_ring} would take n_samples * dim_ring * "
                f"(dim_ring + distinct durations ({steps.size}) * coherences ({coh_arr.size})) = {work:.3g} "
                f"operations, above the limit MAX_MONTE_CARLO_WORK={MAX_MONTE_CARLO_WORK:g}; lower "
                "n_samples (or the number of distinct durations / coherences), or raise "
                "neurogym_lite.behaviour.ideal_observer.MAX_MONTE_CARLO_WORK"
            )
    s = sigma / math.sqrt(dt)
    if s == 0:
        return np.where(coh_arr > 0, 1.0, 1.0 / dim_ring)
    if dim_ring == 2:
        table = ndtr(np.sqrt(steps)[:, None] * (coh_arr / 100)[None, :] / (s * math.sqrt(2)))
    else:
        table = _ring_accuracy_table(coh_arr, s, steps, dim_ring, n_samples, seed)
    return np.asarray(weights @ table, dtype=float)


def _ring_accuracy_mc(cohs: np.ndarray, s: float, n_steps: int, dim_ring: int, n: int, seed: int) -> np.ndarray:
    return _ring_accuracy_table(cohs, s, np.array([n_steps]), dim_ring, n, seed)[0]


def _ring_accuracy_table(cohs: np.ndarray, s: float, steps: np.ndarray, dim_ring: int, n: int,
                         seed: int) -> np.ndarray:
    """Monte Carlo accuracy of the ideal observer, ``[duration, coherence]``.

    With ``N`` steps the summed evidence is ``N * m_c + s * sqrt(N) * Z`` (``m_c`` the mean
    frame for coherence ``c``, ``Z`` standard normal); its projections on the candidate
    directions, divided by ``s * sqrt(N)``, are ``sqrt(N) / s * m_c @ proj + Z @ proj``, so one
    draw of ``Z @ proj`` serves every duration and coherence (common random numbers).
    """
    rng = np.random.default_rng(seed)
    theta = np.linspace(0, 2 * np.pi, dim_ring + 1)[:-1]
    proj = np.cos(theta[:, None] - theta[None, :])  # channel i x candidate j
    means = [(np.cos(theta - theta[0]) * coh / 200 + 0.5) @ proj for coh in cohs]
    hits = np.zeros((len(steps), len(cohs)))
    # In chunks of rows: bounded memory whatever n.
    chunk = max(1, _MC_CHUNK_ELEMENTS // dim_ring)
    for start in range(0, n, chunk):
        zp = rng.standard_normal((min(chunk, n - start), dim_ring)) @ proj
        for k, n_steps in enumerate(steps):
            scale = math.sqrt(n_steps) / s
            for i, mean in enumerate(means):
                hits[k, i] += np.count_nonzero(np.argmax(zp + scale * mean, axis=1) == 0)
    return hits / n


def ideal_observer(env: gym.Env, n_duration_samples: int = 2000, n_samples: int = 200_000) -> dict[float, float]:
    """The ideal observer's accuracy for each coherence of a ``PerceptualDecisionMaking`` env
    (read from the env: its ``cohs``, ``sigma``, ``dt``, ``dim_ring`` and stimulus timing).

    A random stimulus duration is represented by ``n_duration_samples`` draws from the env's
    timing spec (seeded), over which the accuracy is averaged. ``n_samples`` is passed on to
    :func:`ideal_observer_accuracy` (its Monte Carlo draws, for ``dim_ring > 2``)."""
    n_duration_samples = check_int("n_duration_samples", n_duration_samples, 1)
    if not isinstance(env, gym.Env):
        raise TypeError(f"env must be a gymnasium Env (a PerceptualDecisionMaking task), got {type(env).__name__}")
    task: Any = env.unwrapped
    for attr in ("cohs", "sigma", "dt", "dim_ring", "_timing"):
        if not hasattr(task, attr):
            raise TypeError(f"ideal_observer needs a PerceptualDecisionMaking-like env; {type(task).__name__} has no {attr!r}")
    timing = task._timing["stimulus"]
    rng = np.random.default_rng(0)
    durations = [timing.sample(rng) * task.dt for _ in range(1 if timing.kind == "constant" else n_duration_samples)]
    acc = ideal_observer_accuracy(task.cohs, sigma=task.sigma, dt=task.dt, stim_duration=durations,
                                  dim_ring=task.dim_ring, n_samples=n_samples)
    return {float(c): float(a) for c, a in zip(task.cohs, acc, strict=True)}


# ----------------------------------------------------------------------- ideal observer
def ideal_sigma(sigma: float, stim_duration: float) -> float:
    """The ideal observer's psychometric ``sigma`` (coherence %, probit link, no bias or lapse).

    With per-channel noise ``sigma / sqrt(dt)`` on each of ``T / dt`` frames, the summed evidence
    difference has mean ``(c / 100) * T / dt`` and standard deviation ``sigma * sqrt(2 T) / dt``, so
    P(choice 1 | c) = Phi(c / s) with ``s = 100 * sqrt(2) * sigma / sqrt(T)``: independent of ``dt``
    (``T`` = ``stim_duration`` in ms; see :func:`neurogym_lite.behaviour.ideal_observer.ideal_observer_accuracy`).
    """
    sigma = check_positive("sigma", sigma)
    stim_duration = check_positive("stim_duration", stim_duration)
    return 100 * math.sqrt(2) * sigma / math.sqrt(stim_duration)


# ------------------------------------------------------------------ the ideal on the same frames
@dataclass
class PairedIdeal:
    """The agent against the ideal observer on the very stimulus frames the agent saw.

    ``per_coh`` maps each coherence > 0 to ``(agent, ideal, difference, low, high, n)``: the
    agent's accuracy on its completed trials of that coherence, the ideal observer's on the same
    trials (it chooses the side whose summed evidence is larger), their difference and its
    bootstrap interval (trials resampled, each keeping its pair of outcomes). Sharing the frames
    removes the stimulus noise from the comparison: a difference is the agent's own loss.
    ``overall`` is the same over all coherences > 0 (trial-weighted).
    """

    per_coh: dict[float, tuple[float, float, float, float, float, int]]
    overall: tuple[float, float, float, float, float, int]
    level: float


def paired_vs_ideal(table: Any, *, n_boot: int = 2000, level: float = 0.95, seed: int = 0) -> PairedIdeal:
    """Compare an agent with the ideal observer trial by trial (:class:`PairedIdeal`), from a
    :class:`~neurogym_lite.behaviour.trials.TrialTable` (``collect_trials`` or ``trial_table``
    keep every stimulus frame's evidence). Aborted trials and trials without a choice are left
    out, as everywhere in the package."""
    from neurogym_lite.behaviour.trials import TrialTable

    if not isinstance(table, TrialTable):
        raise TypeError(f"table must be a TrialTable (from collect_trials or trial_table), got {type(table).__name__}")
    n_boot = check_int("n_boot", n_boot, 100)
    level = check_level(level)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    done = table.chose & (table.coh > 0)
    if not done.any():
        raise ValueError("table has no completed trial at a coherence above 0 %")
    summed = np.nansum(table.evidence[done], axis=1)
    sign = np.sign(table.signed_coh[done])
    # the ideal chooses the side of the summed evidence; + is choice 1 (ties: half right)
    ideal_right = np.where(summed == 0, 0.5, (np.sign(summed) == sign).astype(float))
    agent_right = table.correct[done].astype(float)
    coh = table.coh[done]
    q = [50 * (1 - level), 50 * (1 + level)]

    def summarise(sel: np.ndarray) -> tuple[float, float, float, float, float, int]:
        a, i = agent_right[sel], ideal_right[sel]
        idx = rng.integers(0, a.size, size=(n_boot, a.size))
        diffs = a[idx].mean(axis=1) - i[idx].mean(axis=1)
        lo, hi = np.percentile(diffs, q)
        return float(a.mean()), float(i.mean()), float(a.mean() - i.mean()), float(lo), float(hi), int(a.size)

    per = {float(c): summarise(coh == c) for c in np.unique(coh)}
    return PairedIdeal(per, summarise(np.ones(coh.size, dtype=bool)), level)
