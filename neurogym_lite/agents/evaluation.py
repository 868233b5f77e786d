"""How well does an agent do? Run a model on a task, trial by trial, as it was trained.

:func:`run_trials` is the one batched loop that runs a model on fresh, seeded copies of a task
(LSTM state carried across trials, as in training); :func:`evaluate` scores every completed trial
by coherence. The behavioural collectors (:func:`neurogym_lite.behaviour.trials.collect_trials`,
:func:`neurogym_lite.behaviour.reaction_times.collect_rts`) use the same loop.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np

from neurogym_lite.utils.torch_threads import one_torch_thread
from neurogym_lite.utils.validation import check_bool, check_int

__all__ = [
    "EndedTrial",
    "EvalResult",
    "evaluate",
    "run_trials",
]


@contextlib.contextmanager
def _torch_for_evaluation(seed: int, *, seed_sampling: bool) -> Iterator[None]:
    """One torch thread (:func:`one_torch_thread`) and, for sampled actions, torch's RNG seeded
    from ``seed``; both undone on exit, so the caller's thread setting and global RNG state are
    unchanged."""
    with contextlib.ExitStack() as stack:
        if seed_sampling:
            import torch

            stack.enter_context(torch.random.fork_rng(devices=[]))
            torch.manual_seed(seed)
        stack.enter_context(one_torch_thread())
        yield


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
        """Accuracy on completed trials (ended with a choice), overall and per coherence, with the
        aborted (fixation broken) and unanswered trials counted beside it, as the notebooks report."""
        aborted = np.array([bool(t.get("aborted", False)) for t in self.trials], dtype=bool)
        done = ~aborted & (self.choices != 0)
        lines = [f"{self.num_trials} trials: {aborted.sum()} aborted (fixation broken), "
                 f"{np.count_nonzero(~aborted & (self.choices == 0))} without a choice"]
        if done.any():
            lines.append(f"accuracy on the {done.sum()} completed trials: {self.performance[done].mean():.3f}")
        if done.any() and self.trials and "coh" in self.trials[0]:
            cohs = self.cohs
            for coh in np.unique(cohs[done]):
                sel = done & (cohs == coh)
                lines.append(f"  coherence {coh:5.1f}%: {self.performance[sel].mean():.3f}  ({sel.sum()} trials)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        # the dataclass repr printed every array in full (hundreds of lines)
        return f"<EvalResult: {self.summary()}>"

    __str__ = summary


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

    Env ``i`` is reset with ``seed + i``, so a given (model, seed) always gives the same result,
    also with ``deterministic=False``: the policy's sampling then draws from torch's generator
    seeded with ``seed`` inside the call (the caller's global torch RNG state is restored
    afterwards). The envs run side by side with one batched ``model.predict`` call per step
    (much faster than one env at a time; ``n_envs`` is capped at ``num_trials``); a recurrent
    model's LSTM state is carried across trials, as in training, unless
    ``reset_state_each_trial``. Actions are the policy's most likely ones
    (``deterministic=True``) unless told otherwise.

    The evaluation runs torch on one thread (restoring the caller's setting afterwards): a small
    LSTM evaluated step by step is several times faster so, above all when other work shares the
    cores (``benchmarks/evaluate_threads.py`` measures it).
    """
    ended = run_trials(model, make_env, num_trials, n_envs=n_envs, seed=seed, deterministic=deterministic,
                       reset_state_each_trial=reset_state_each_trial)
    return EvalResult(np.array([int(t.info.get("performance", 0)) for t in ended]),
                      np.array([t.action for t in ended]),
                      [dict(t.info.get("trial", {})) for t in ended],
                      np.array([t.steps for t in ended]))


@dataclass(frozen=True)
class EndedTrial:
    """One trial that ended during :func:`run_trials`."""

    #: which of the ``n_envs`` envs ran it (each env's trials come in the order they ran)
    env_index: int
    #: the action of the step that ended it
    action: int
    #: that step's ``info`` (``performance``, ``trial``: the ended trial's parameters, ...)
    info: dict[str, Any]
    #: the step within the trial at which it ended (0: its first step)
    steps: int


def run_trials(
    model: Any,
    make_env: Callable[[], gym.Env],
    num_trials: int,
    *,
    n_envs: int = 16,
    seed: int = 0,
    deterministic: bool = True,
    reset_state_each_trial: bool = False,
    before_step: Callable[[int, gym.Env, np.ndarray], None] | None = None,
) -> list[EndedTrial]:
    """The loop behind :func:`evaluate` (and the behavioural collectors built on it): ``model`` on
    ``n_envs`` fresh envs from ``make_env``, env ``i`` reset with ``seed + i``, one batched
    ``model.predict`` per step, the LSTM state carried across trials unless
    ``reset_state_each_trial``, torch on one thread (and seeded for sampled actions), until
    ``num_trials`` trials have ended. Returns those trials in the order they ended.

    ``before_step(i, env, obs)``, when given, is called with env ``i`` and the observation it is
    about to act on, before every step: the place to record what the agent saw.
    """
    if not callable(getattr(model, "predict", None)):
        raise TypeError(f"model must have a predict() method (a stable-baselines3 model), got {type(model).__name__}")
    if not callable(make_env):
        raise TypeError(f"make_env must be a function that builds an env, got {make_env!r}")
    num_trials = check_int("num_trials", num_trials, 1)
    n_envs = min(check_int("n_envs", n_envs, 1), num_trials)
    deterministic = check_bool("deterministic", deterministic)
    reset_state_each_trial = check_bool("reset_state_each_trial", reset_state_each_trial)
    seed = check_int("seed", seed, 0)
    envs = []
    for _ in range(n_envs):
        env = make_env()
        if not isinstance(env, gym.Env):
            for built in envs:
                built.close()
            raise TypeError(f"make_env must return a gymnasium Env, but it returned {type(env).__name__}")
        envs.append(env)
    try:
        with _torch_for_evaluation(seed, seed_sampling=not deterministic):
            return _run_trials(model, envs, num_trials, seed, deterministic, reset_state_each_trial, before_step)
    finally:
        for env in envs:
            env.close()


def _run_trials(model: Any, envs: list[gym.Env], num_trials: int, seed: int, deterministic: bool,
                reset_state_each_trial: bool, before_step: Any) -> list[EndedTrial]:
    n_envs = len(envs)
    obs = np.stack([env.reset(seed=seed + i)[0] for i, env in enumerate(envs)])
    step_in_trial = np.zeros(n_envs, dtype=np.int64)
    episode_start = np.ones(n_envs, dtype=bool)
    state = None
    ended: list[EndedTrial] = []
    max_steps = 1000 * num_trials
    steps = 0
    while len(ended) < num_trials:
        actions, state = model.predict(obs, state=state, episode_start=episode_start, deterministic=deterministic)
        actions = np.asarray(actions).reshape(n_envs)
        for i, env in enumerate(envs):
            if before_step is not None:
                before_step(i, env, obs[i])
            ob, _, terminated, truncated, info = env.step(int(actions[i]))
            episode_start[i] = False
            if info.get("new_trial", False):
                ended.append(EndedTrial(i, int(actions[i]), info, int(step_in_trial[i])))
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
            raise RuntimeError(f"only {len(ended)} of {num_trials} trials ended within {steps} steps")
    return ended[:num_trials]
