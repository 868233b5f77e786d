"""Build a registered task by id: ``make`` (NeuroGym's ``ngym.make``) and ``make_env`` (with ``PassReward``);
``register`` (NeuroGym's ``ngym.register``) adds a task of your own.

``make`` and ``make_env`` give a clear error for an unknown id, listing the tasks that exist.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
from typing import Any

import gymnasium as gym

from neurogym_lite.tasks import TASKS
from neurogym_lite.wrappers.pass_reward import PassReward

__all__ = ["all_envs", "make", "make_env", "register"]


def _check_task(task: Any) -> None:
    if not isinstance(task, str):
        raise TypeError(f"task must be a task id string such as 'PerceptualDecisionMaking-v0', got {task!r}")
    if task not in TASKS and task not in gym.registry:
        close = difflib.get_close_matches(task, list(TASKS), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown task id {task!r}; neurogym_lite provides {sorted(TASKS)}.{hint}")


def make(id: str, **kwargs: Any) -> gym.Env:
    """NeuroGym's ``ngym.make(id, **kwargs)``: the task itself, built by ``gymnasium.make``.

    As in NeuroGym, the env checker is off (``disable_env_checker=False`` turns it on), and no
    order-enforcing wrapper is added (a task already refuses ``step`` before ``reset``). So the
    result is the task object, without gymnasium wrappers, and code written for NeuroGym reads its
    attributes directly: ``env.timing``, ``env.new_trial()``, ``env.ob``. Arguments that ask
    gymnasium for a wrapper (``max_episode_steps=...``) still add it; then reach the task through
    ``env.unwrapped``. The task's own arguments (``dt``, ``timing``, ...) pass through unchanged.
    """
    _check_task(id)
    kwargs.setdefault("disable_env_checker", True)
    spec = dataclasses.replace(gym.spec(id), order_enforce=False)
    return gym.make(spec, **kwargs)


def make_env(task: str = "PerceptualDecisionMaking-v0", *, pass_reward: bool = True, **kwargs: Any) -> gym.Env:
    """``gymnasium.make(task, **kwargs)``, wrapped in :class:`PassReward` unless ``pass_reward=False``.

    Unlike ``gymnasium.make``, an unknown id raises a ``ValueError`` listing the tasks that exist.
    """
    _check_task(task)
    if not isinstance(pass_reward, bool):
        raise TypeError(f"pass_reward must be True or False, got {pass_reward!r}")
    env = gym.make(task, **kwargs)
    return PassReward(env) if pass_reward else env


def register(id_: str, **kwargs: Any) -> None:
    """NeuroGym's ``ngym.register(id_=..., entry_point=...)``: register a task with gymnasium
    (``kwargs`` as ``gymnasium.register`` takes them: ``entry_point``, ``kwargs``,
    ``max_episode_steps``, ...), so that ``ngym.make(id_)`` and ``gym.make(id_)`` build it.

    As in NeuroGym, registering an id again is allowed; here the new entry replaces the old one (a
    notebook cell that defines a task and registers it can be run again after an edit), where
    NeuroGym keeps the first and ignores the rest.
    """
    if not isinstance(id_, str) or not id_:
        raise TypeError(f"id_ must be a task id string such as 'MyTask-v0', got {id_!r}")
    if "entry_point" not in kwargs:
        raise TypeError("register needs entry_point=: the task class, or 'module:Class'")
    entry = kwargs["entry_point"]
    if not (callable(entry) or (isinstance(entry, str) and ":" in entry)):
        raise TypeError(f"entry_point must be the task class (or a function that builds it) or a "
                        f"'module:Class' string, got {entry!r}")
    if id_ in gym.registry:
        del gym.registry[id_]  # replace without gymnasium's "overriding" warning: the user asked for it
    gym.register(id=id_, **kwargs)


def all_envs(tag: str | None = None, psychopy: bool = False, contrib: bool = False,
             collections: bool = False) -> list[str]:
    """NeuroGym's ``all_envs``: the ids of this package's tasks, sorted; with ``tag``, those whose
    ``metadata['tags']`` include it. NeuroGym's psychopy, contrib and collection tasks are not
    provided, so those switches add nothing."""
    for name, value in (("psychopy", psychopy), ("contrib", contrib), ("collections", collections)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, got {value!r}")
    ids = sorted(TASKS)
    if tag is None:
        return ids
    if not isinstance(tag, str):
        raise TypeError(f"tag must be a string such as 'perceptual', got {tag!r}")
    return [i for i in ids if tag in _tags(i)]


def _tags(task_id: str) -> list[str]:
    module, _, cls = TASKS[task_id].partition(":")
    return list(getattr(importlib.import_module(module), cls).metadata.get("tags", []))
