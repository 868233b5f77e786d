"""NeuroGym's way of writing a task, on :class:`~neurogym_lite.tasks.trial_env.TrialEnv`'s machinery.

NeuroGym's tasks name the entries of their spaces (``ngym.spaces.Box(..., name={...})``), draw
from ``self.rng`` and return ``(ob, reward, terminated, truncated, info)`` from ``_step``.
:class:`NeuroGymIdiom` turns those into this package's conventions: labels from the spaces' names,
``rng`` as the seeded ``np_random``, and a NeuroGym ``_step`` result into a gymnasium step; it also
gives NeuroGym's ``trial_length_stats``, and :func:`env_string` describes a task as NeuroGym does.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np

from neurogym_lite.tasks.spaces import names_of

__all__ = ["NeuroGymIdiom", "env_string"]


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
            lengths[i] = probe.ob.shape[0]  # type: ignore[attr-defined]
        return {"mean": round(float(lengths.mean()), 3), "std": round(float(lengths.std()), 3),
                "percentile_95": round(float(np.percentile(lengths, 95)), 3), "max": round(float(lengths.max()), 3)}

    @property
    def rng(self) -> np.random.Generator:
        """NeuroGym's name for the task's random generator: ``self.np_random``, seeded by
        ``reset(seed=...)`` (a numpy ``Generator``: ``integers``, not ``randint``)."""
        return self.np_random

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
