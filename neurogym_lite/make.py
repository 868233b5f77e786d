"""Build a registered task by id, with a clear error for an unknown one."""

from __future__ import annotations

import difflib
from typing import Any

import gymnasium as gym

from neurogym_lite.envs import TASKS
from neurogym_lite.wrappers.pass_reward import PassReward

__all__ = ["make_env"]


def make_env(task: str = "PerceptualDecisionMaking-v0", *, pass_reward: bool = True, **kwargs: Any) -> gym.Env:
    """``gymnasium.make(task, **kwargs)``, wrapped in :class:`PassReward` unless ``pass_reward=False``.

    Unlike ``gymnasium.make``, an unknown id raises a ``ValueError`` listing the tasks that exist.
    """
    if not isinstance(task, str):
        raise TypeError(f"task must be a task id string such as 'PerceptualDecisionMaking-v0', got {task!r}")
    if task not in TASKS and task not in gym.registry:
        close = difflib.get_close_matches(task, list(TASKS), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown task id {task!r}; neurogym_lite provides {sorted(TASKS)}.{hint}")
    env = gym.make(task, **kwargs)
    return PassReward(env) if pass_reward else env
