"""How well does an agent do? Accuracy per coherence, and the best any observer could do.

:func:`evaluate` runs a trained model on fresh, seeded copies of a task, the way it was trained
(LSTM state carried across trials), and scores every completed trial. :func:`ideal_observer_accuracy`
gives the accuracy of an observer that integrates all the stimulus evidence perfectly: the
ceiling against which a trained network should be judged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np
from scipy.stats import norm

__all__ = ["EvalResult", "evaluate", "ideal_observer", "ideal_observer_accuracy"]


@dataclass
class EvalResult:
    """Per-trial records of an evaluation, and summaries of them.

    ``performance[k]`` is 1 for a correct trial; ``choices[k]`` the action that ended trial k (0 =
    no choice before the trial ran out); ``trials[k]`` the trial's parameters (``coh``,
    ``ground_truth``, ...); ``reaction_steps[k]`` the step within the trial at which it ended.
    """

    performance: np.ndarray
    choices: np.ndarray
    trials: list[dict[str, Any]]
    reaction_steps: np.ndarray
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        return float(self.performance.mean())

    @property
    def num_trials(self) -> int:
        return int(self.performance.size)

    def param(self, key: str) -> np.ndarray:
        """One trial parameter (e.g. ``'coh'``) for every trial."""
        return np.array([t[key] for t in self.trials])

    @property
    def cohs(self) -> np.ndarray:
        return self.param("coh").astype(float)

    def accuracy_by(self, key: str = "coh") -> dict[float, float]:
        """Accuracy for each value of a trial parameter (default: coherence)."""
        values = self.param(key)
        return {float(v): float(self.performance[values == v].mean()) for v in np.unique(values)}

    def count_by(self, key: str = "coh") -> dict[float, int]:
        values = self.param(key)
        return {float(v): int((values == v).sum()) for v in np.unique(values)}

    @property
    def accuracy_by_coh(self) -> dict[float, float]:
        return self.accuracy_by("coh")

    def summary(self) -> str:
        lines = [f"accuracy {self.accuracy:.3f} over {self.num_trials} trials"]
        if self.trials and "coh" in self.trials[0]:
            counts = self.count_by("coh")
            for coh, acc in self.accuracy_by_coh.items():
                lines.append(f"  coherence {coh:5.1f}%: {acc:.3f}  ({counts[coh]} trials)")
        return "\n".join(lines)


def evaluate(
    model: Any,
    make_env: Callable[[], gym.Env],
    num_trials: int = 1000,
    *,
    n_envs: int = 16,
    deterministic: bool = True,
    seed: int = 0,
    reset_state_each_trial: bool = False,
) -> EvalResult:
    """Run ``model`` on ``n_envs`` fresh envs from ``make_env`` until ``num_trials`` trials end.

    Env ``i`` is reset with ``seed + i``, so a given (model, seed) always gives the same result.
    The envs run side by side with one batched ``model.predict`` call per step (much faster
    than one env at a time); a recurrent model's LSTM state is carried across trials, as in
    training, unless ``reset_state_each_trial``. Actions are the policy's most likely ones
    (``deterministic=True``) unless told otherwise.
    """
    if not callable(make_env):
        raise TypeError(f"make_env must be a function that builds an env, got {make_env!r}")
    if isinstance(num_trials, bool) or not isinstance(num_trials, (int, np.integer)) or num_trials < 1:
        raise ValueError(f"num_trials must be a positive integer, got {num_trials!r}")
    n_envs = max(1, min(int(n_envs), int(num_trials)))
    envs = [make_env() for _ in range(n_envs)]
    obs = np.stack([env.reset(seed=seed + i)[0] for i, env in enumerate(envs)])
    step_in_trial = np.zeros(n_envs, dtype=np.int64)
    episode_start = np.ones(n_envs, dtype=bool)
    state = None
    perf: list[int] = []
    choices: list[int] = []
    trials: list[dict[str, Any]] = []
    rts: list[int] = []
    max_steps = 1000 * num_trials
    steps = 0
    while len(perf) < num_trials:
        actions, state = model.predict(obs, state=state, episode_start=episode_start, deterministic=deterministic)
        actions = np.asarray(actions).reshape(n_envs)
        for i, env in enumerate(envs):
            ob, _, terminated, truncated, info = env.step(int(actions[i]))
            episode_start[i] = False
            if info.get("new_trial", False):
                perf.append(int(info.get("performance", 0)))
                choices.append(int(actions[i]))
                trials.append(dict(info.get("trial", {})))
                rts.append(int(step_in_trial[i]))
                step_in_trial[i] = 0
                episode_start[i] = reset_state_each_trial
            else:
                step_in_trial[i] += 1
            if terminated or truncated:
                ob, _ = env.reset()
                episode_start[i] = True
            obs[i] = ob
        steps += 1
        if steps > max_steps:
            raise RuntimeError(f"only {len(perf)} of {num_trials} trials ended within {steps} steps")
    for env in envs:
        env.close()
    n = num_trials
    return EvalResult(np.array(perf[:n]), np.array(choices[:n]), trials[:n], np.array(rts[:n]))


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
    """
    coh_arr = np.atleast_1d(np.asarray(cohs, dtype=float))
    durations = np.atleast_1d(np.asarray(stim_duration, dtype=float))
    if dt <= 0 or sigma < 0 or np.any(durations <= 0) or dim_ring < 2:
        raise ValueError("need dt > 0, sigma >= 0, stim_duration > 0 and dim_ring >= 2")
    steps, counts = np.unique(np.round(durations / dt), return_counts=True)
    weights = counts / counts.sum()
    s = sigma / math.sqrt(dt)
    out = np.zeros(coh_arr.shape)
    for n_steps, w in zip(steps, weights, strict=True):
        if s == 0:
            acc = np.where(coh_arr > 0, 1.0, 1.0 / dim_ring)
        elif dim_ring == 2:
            acc = norm.cdf(np.sqrt(n_steps) * (coh_arr / 100) / (s * math.sqrt(2)))
        else:
            acc = _ring_accuracy_mc(coh_arr, s, int(n_steps), dim_ring, n_samples, seed)
        out += w * acc
    return out


def _ring_accuracy_mc(cohs: np.ndarray, s: float, n_steps: int, dim_ring: int, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    theta = np.linspace(0, 2 * np.pi, dim_ring + 1)[:-1]
    proj = np.cos(theta[:, None] - theta[None, :])  # channel i x candidate j
    noise = rng.standard_normal((n, dim_ring)) * s * math.sqrt(n_steps)
    acc = []
    for coh in cohs:
        summed = n_steps * (np.cos(theta - theta[0]) * coh / 200 + 0.5) + noise
        acc.append(float(np.mean(np.argmax(summed @ proj, axis=1) == 0)))
    return np.array(acc)


def ideal_observer(env: gym.Env, n_duration_samples: int = 2000) -> dict[float, float]:
    """The ideal observer's accuracy for each coherence of a ``PerceptualDecisionMaking`` env
    (read from the env: its ``cohs``, ``sigma``, ``dt``, ``dim_ring`` and stimulus timing)."""
    task: Any = env.unwrapped
    for attr in ("cohs", "sigma", "dt", "dim_ring", "_timing"):
        if not hasattr(task, attr):
            raise TypeError(f"ideal_observer needs a PerceptualDecisionMaking-like env; {type(task).__name__} has no {attr!r}")
    timing = task._timing["stimulus"]
    rng = np.random.default_rng(0)
    durations = [timing.sample(rng) * task.dt for _ in range(1 if timing.kind == "constant" else n_duration_samples)]
    acc = ideal_observer_accuracy(task.cohs, sigma=task.sigma, dt=task.dt, stim_duration=durations,
                                  dim_ring=task.dim_ring)
    return {float(c): float(a) for c, a in zip(task.cohs, acc, strict=True)}
