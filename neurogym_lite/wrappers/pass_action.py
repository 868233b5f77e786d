"""Give the agent the previous step's action as an extra observation (NeuroGym's ``PassAction``)."""

from __future__ import annotations

from typing import Any, SupportsFloat

import gymnasium as gym
import numpy as np

from neurogym_lite.tasks import spaces as named
from neurogym_lite.wrappers.forwarding import ForwardAttributes

__all__ = ["PassAction"]


class PassAction(ForwardAttributes, gym.Wrapper[np.ndarray, Any, np.ndarray, Any], gym.utils.RecordConstructorArgs):
    """Append the previous step's action to a 1-D float32 observation, as NeuroGym's ``PassAction``.

    The new last entry is the action taken at the previous step as a number (0 after ``reset``:
    nothing has been done yet). Unlike NeuroGym's, the observation space stays finite (the new
    entry lies between the smallest and the largest action) and keeps the task's entry names,
    with ``'action'`` added. It needs a ``Discrete`` action space. Reading an attribute it lacks
    reads the task's, like :class:`~neurogym_lite.wrappers.PassReward`.
    """

    def __init__(self, env: gym.Env) -> None:
        gym.utils.RecordConstructorArgs.__init__(self)
        if not isinstance(env, gym.Env):
            raise TypeError(f"PassAction wraps a gymnasium Env, got {type(env).__name__}")
        if not isinstance(env.action_space, gym.spaces.Discrete):
            raise TypeError(f"PassAction needs a Discrete action space, got {env.action_space}")
        space = env.observation_space
        if not (isinstance(space, gym.spaces.Box) and len(space.shape) == 1):
            raise TypeError(f"PassAction needs a 1-D Box observation space, got {space}")
        super().__init__(env)
        first = int(env.action_space.start)
        last = first + int(env.action_space.n) - 1
        low = np.append(space.low, np.float32(first)).astype(np.float32)
        high = np.append(space.high, np.float32(last)).astype(np.float32)
        names = dict(getattr(space, "name", None) or {})
        if "action" in names:
            raise ValueError("the observation already has an entry named 'action'; PassAction would hide it")
        names["action"] = space.shape[0]
        self.observation_space = named.Box(low, high, dtype=np.float32, name=names)
        self._last = np.float32(0.0)

    def _append(self, obs: np.ndarray) -> np.ndarray:
        return np.append(np.asarray(obs, dtype=np.float32), self._last).astype(np.float32)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        obs, info = self.env.reset(seed=seed, options=options)
        self._last = np.float32(0.0)
        return self._append(obs), info

    def step(self, action: Any) -> tuple[np.ndarray, SupportsFloat, bool, bool, dict]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._last = np.float32(int(action))
        return self._append(obs), reward, terminated, truncated, info

    @property
    def ob_names(self) -> list[str]:
        return [*self.env.get_wrapper_attr("ob_names"), "action"]
