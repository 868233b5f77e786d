"""NeuroGym's way of writing a task, on :class:`~neurogym_lite.tasks.trial_env.TrialEnv`'s machinery.

NeuroGym's tasks name the entries of their spaces (``ngym.spaces.Box(..., name={...})``), draw
from ``self.rng`` and return ``(ob, reward, terminated, truncated, info)`` from ``_step``.
:class:`NeuroGymIdiom` turns those into this package's conventions: labels from the spaces' names,
``rng`` as the seeded ``np_random``, and a NeuroGym ``_step`` result into a gymnasium step; it also
gives NeuroGym's ``trial_length_stats``, and :func:`env_string` describes a task as NeuroGym does.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from neurogym_lite.tasks.spaces import names_of

__all__ = ["NeuroGymIdiom", "RandomStateView", "env_string"]


class RandomStateView:
    """A numpy ``Generator`` that also answers NeuroGym's ``RandomState`` calls, from the same
    stream: ``randint(low, high, size)`` (``integers``), ``rand(*shape)``, ``randn(*shape)``,
    ``random_sample(size)``; everything else is the ``Generator``'s own."""

    __slots__ = ("_gen",)

    def __init__(self, generator: np.random.Generator) -> None:
        self._gen = generator

    def randint(self, low: Any, high: Any = None, size: Any = None, dtype: Any = int) -> Any:
        return self._gen.integers(low, high, size=size, dtype=dtype)

    def rand(self, *shape: int) -> Any:
        return self._gen.random(shape or None)

    def randn(self, *shape: int) -> Any:
        return self._gen.standard_normal(shape or None)

    def random_sample(self, size: Any = None) -> Any:
        return self._gen.random(size)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gen, name)

    def __repr__(self) -> str:
        return f"RandomStateView({self._gen!r})"


class NeuroGymIdiom:
    """Names, ``rng`` and NeuroGym ``_step`` results (a mixin of ``TrialEnv``)."""

    np_random: np.random.Generator
    observation_space: Any
    action_space: Any

    def trial_length_stats(self, num_trials: int = 10000) -> dict[str, float]:
        """NeuroGym's trial-length summary, in steps: ``mean``, ``std``, ``percentile_95`` and
        ``max`` over ``num_trials`` trials drawn with the task's current settings. The trials are
        drawn on a copy of the task, so the task itself (its current trial, its random state, the
        sequence a later ``reset(seed=...)`` gives) is untouched."""
        from neurogym_lite.utils.validation import check_int

        num_trials = check_int("num_trials", num_trials, 1, 1_000_000)
        probe = copy.deepcopy(self)
        lengths = np.empty(num_trials)
        for i in range(num_trials):
            probe.new_trial()  # type: ignore[attr-defined]
            lengths[i] = probe._n_steps  # type: ignore[attr-defined]
        return {"mean": round(float(lengths.mean()), 3), "std": round(float(lengths.std()), 3),
                "percentile_95": round(float(np.percentile(lengths, 95)), 3), "max": round(float(lengths.max()), 3)}

    def __getattr__(self, name: str) -> Any:
        # only for attributes that do not exist: NeuroGym's env.seed() gets an answer, not a bare error
        if name == "seed":
            raise AttributeError(f"{type(self).__name__} has no seed(): gymnasium dropped it; reset(seed=...) seeds the "
                                 "task and self.rng")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def rng(self) -> RandomStateView:
        """NeuroGym's name for the task's random generator: ``self.np_random`` (seeded by
        ``reset(seed=...)``), which also answers NeuroGym's ``RandomState`` calls (``randint``,
        ``rand``, ``randn``, ``random_sample``) from the same seeded stream."""
        return RandomStateView(self.np_random)

    def _post_init(self, allow_empty_timing: bool = False) -> None:
        """NeuroGym 2.3's opt-in, called at the end of a task's ``__init__``: with
        ``allow_empty_timing=True`` the task's ``_new_trial`` may add no period, and then its
        ``_step`` alone decides the observations and when a trial ends (NeuroGym's 5-tuple with
        ``info['new_trial']``). ``reset`` then returns zeros (clipped into the observation space):
        such a task has no observation until its first step."""
        if not isinstance(allow_empty_timing, (bool, np.bool_)):
            raise TypeError(f"allow_empty_timing must be True or False, got {allow_empty_timing!r}")
        self._allow_empty_timing = bool(allow_empty_timing)

    def _post_init_once(self) -> None:
        """NeuroGym 2.3 calls ``_post_init`` right after ``__init__``; a task may override it to opt
        in to trials without periods. Here it runs once, at the first ``reset``, when overridden."""
        if self.__dict__.get("_post_init_done"):
            return
        self._post_init_done = True
        if type(self)._post_init is not NeuroGymIdiom._post_init:
            self._post_init()

    def _start_empty_trial(self, trial: Mapping[str, Any]) -> dict[str, Any]:
        """A trial without periods (``_post_init(allow_empty_timing=True)``)."""
        self._empty_trial = True
        self._gt_list = []
        self._period_at = []
        self.t_ind = 0
        self.performance = 0
        self.trial = dict(trial)
        return self.trial

    def _empty_observation(self) -> np.ndarray:
        space = self.observation_space
        zeros = np.zeros(space.shape or (), dtype=getattr(space, "dtype", np.float32) or np.float32)
        low, high = getattr(space, "low", None), getattr(space, "high", None)
        return np.clip(zeros, low, high).astype(zeros.dtype) if low is not None else zeros

    def _step_empty(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        """``step`` for a trial without periods: ``_step`` must return NeuroGym's 5-tuple."""
        a = self._check_action(action)
        out = self._step(a)
        if not (isinstance(out, (tuple, list)) and len(out) == 5):
            raise TypeError(f"{type(self).__name__}._step must return NeuroGym's (ob, reward, terminated, truncated, "
                            f"info) when its trials have no periods (allow_empty_timing=True), got {out!r:.80}")
        reward, new_trial, _ = self._check_step_result(out)
        ob, _, terminated, truncated, step_info = out
        info = {**step_info, "new_trial": new_trial, "gt": self.trial.get("ground_truth")}
        self.t_ind += 1
        if new_trial:
            info["performance"] = self.performance
            info["trial"] = self.trial
            self.num_tr += 1
            self.new_trial()
        return ob, reward, bool(terminated), bool(truncated), info

    @property
    def ob_names(self) -> list[str]:
        """One label per observation entry: set by the task, else from ``observation_space.name``."""
        names = self.__dict__.get("_ob_names")
        if names is None:
            space = getattr(self, "observation_space", None)
            names = names_of(space, "ob") or [f"ob_{i}" for i in range(int(np.prod(getattr(space, "shape", ()))))]
        return names

    @ob_names.setter
    def ob_names(self, value: Sequence[str]) -> None:
        self._ob_names = list(value)

    @property
    def act_names(self) -> list[str]:
        """One label per action: set by the task, else from ``action_space.name``."""
        names = self.__dict__.get("_act_names")
        if names is None:
            space = getattr(self, "action_space", None)
            names = names_of(space, "action") or [str(i) for i in range(int(getattr(space, "n", 0)))]
        return names

    @act_names.setter
    def act_names(self, value: Sequence[str]) -> None:
        self._act_names = list(value)

    def _neurogym_step_result(
        self, ob: np.ndarray, reward: float, info: dict[str, Any], out: tuple[Any, ...], trial_ob: np.ndarray
    ) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        user_ob, _, terminated, truncated, user_info = out
        # ``self.ob_now`` (a view of the trial's observations) asks for the usual next observation;
        # any other array is what the task wants the agent to see, as in NeuroGym.
        if not (isinstance(user_ob, np.ndarray) and (user_ob is trial_ob or user_ob.base is trial_ob)):
            ob = np.asarray(user_ob, dtype=self.observation_space.dtype).reshape(self.observation_space.shape)
        return ob.copy(), reward, bool(terminated), bool(truncated), {**user_info, **info}


def env_string(env: Any, short: bool = False) -> str:
    """NeuroGym's description of a task: ``<ClassName>`` with ``short=True``; otherwise its name,
    docstring summary, reference paper (``metadata['paper_name']``/``['paper_link']``), rewards,
    timing and tags (``metadata['tags']``)."""
    task = getattr(env, "unwrapped", env)
    name = type(task).__name__
    if short:
        return f"<{name}>"
    meta = getattr(task, "metadata", {}) or {}
    doc = (type(task).__doc__ or "").strip().split("\n\n")[0]
    lines = [f"### {name}", f"Doc: {' '.join(doc.split())}", "Reference paper"]
    paper, link = meta.get("paper_name"), meta.get("paper_link")
    lines.append(f"[{paper}]({link})" if paper and link else (paper or "Missing paper name"))
    rewards = getattr(task, "rewards", None)
    if isinstance(rewards, dict) and rewards:
        lines += ["", "Reward structure"] + [f"{k} : {v}" for k, v in rewards.items()]
    timing = getattr(task, "timing", None)
    if isinstance(timing, dict) and timing:
        lines += ["", "Timing (ms)"] + [f"{k} : {v}" for k, v in timing.items()]
    if meta.get("tags"):
        lines += ["", "Tags: " + ", ".join(meta["tags"]) + "."]
    return "\n".join(lines) + "\n"
