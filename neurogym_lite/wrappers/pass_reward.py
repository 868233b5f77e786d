"""Give the agent the previous step's reward as an extra observation."""

from __future__ import annotations

from typing import Any, SupportsFloat

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from neurogym_lite.wrappers.forwarding import ForwardAttributes

__all__ = ["PassReward"]


class PassReward(ForwardAttributes, gym.Wrapper[np.ndarray, Any, np.ndarray, Any], gym.utils.RecordConstructorArgs):
    """Append the previous step's reward to a 1-D float32 observation.

    A recurrent agent that sees its last reward can tell a correct trial from an error and adapt,
    as animals do. The new last entry is 0 after ``reset`` (no reward has been earned yet) and the
    reward returned by the previous ``step`` afterwards. Its bounds in ``observation_space`` come
    from the task's ``reward_bounds`` when it has them.

    This is a plain :class:`gymnasium.Wrapper`, not an ``ObservationWrapper``: it needs the reward,
    and it transforms each observation exactly once whatever wraps it. ``reset`` passes ``seed``
    and ``options`` through untouched. Reading an attribute it lacks reads the task's
    (``PassReward(env).timing``), as NeuroGym's code expects.
    """

    def __init__(self, env: gym.Env) -> None:
        # Recorded so that gymnasium can rebuild the wrapped env from its spec (check_env does).
        gym.utils.RecordConstructorArgs.__init__(self)
        gym.Wrapper.__init__(self, env)
        space = env.observation_space
        if not isinstance(space, spaces.Box) or len(space.shape) != 1:
            raise TypeError(
                f"PassReward needs a 1-D Box observation space, got {space!r}; "
                "flatten the observation first (gymnasium.wrappers.FlattenObservation)"
            )
        r_low, r_high = getattr(env.unwrapped, "reward_bounds", (-np.inf, np.inf))
        low = np.append(space.low, np.float32(r_low)).astype(np.float32)
        high = np.append(space.high, np.float32(r_high)).astype(np.float32)
        self.observation_space = spaces.Box(low, high, dtype=np.float32)
        self._size = space.shape[0] + 1
        names = getattr(env.unwrapped, "ob_names", None)
        if names is not None:
            self.ob_names = [*names, "reward"]

    def _with_reward(self, obs: np.ndarray, reward: float) -> np.ndarray:
        out = np.empty(self._size, dtype=np.float32)
        out[:-1] = obs
        out[-1] = reward
        return out

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        obs, info = self.env.reset(seed=seed, options=options)
        return self._with_reward(obs, 0.0), info

    def step(self, action: Any) -> tuple[np.ndarray, SupportsFloat, bool, bool, dict[str, Any]]:
        # _with_reward inlined: this runs on every step, and the call costs as much as the copy.
        obs, reward, terminated, truncated, info = self.env.step(action)
        out = _empty(self._size, _float32)
        out[:-1] = obs
        out[-1] = float(reward)
        return out, reward, terminated, truncated, info


_empty = np.empty
_float32 = np.float32
