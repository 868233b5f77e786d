"""Give the agent the previous step's reward as an extra observation."""

from __future__ import annotations

import math
import warnings
from typing import Any, SupportsFloat

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from neurogym_lite.wrappers.forwarding import ForwardAttributes

__all__ = ["PassReward"]

_F32_MAX = float(np.finfo(np.float32).max)

# Gymnasium wrappers that pass rewards through unchanged (they change observations or actions,
# or only watch): with only these between PassReward and the task, the task's reward bounds hold.
_REWARD_PRESERVING = (
    "OrderEnforcing", "PassiveEnvChecker", "TimeLimit", "RecordEpisodeStatistics", "Autoreset",
    "RecordVideo", "HumanRendering", "RenderCollection",
    "Monitor",  # stable-baselines3's (and NeuroGym's) Monitor only record
)


def _rewards_unchanged_below(env: gym.Env) -> bool:
    """Whether every wrapper between ``env`` and its task leaves rewards as the task gives them."""
    while isinstance(env, gym.Wrapper):
        preserves = getattr(env, "passes_reward_through", None)
        if preserves is None:
            preserves = (
                isinstance(env, (gym.ObservationWrapper, gym.ActionWrapper))
                or type(env).__name__ in _REWARD_PRESERVING
                or type(env).step is gym.Wrapper.step
            ) and not isinstance(env, gym.RewardWrapper)
        if not preserves:
            return False
        env = env.env
    return True


class PassReward(ForwardAttributes, gym.Wrapper[np.ndarray, Any, np.ndarray, Any], gym.utils.RecordConstructorArgs):
    """Append the previous step's reward to a 1-D float32 observation.

    A recurrent agent that sees its last reward can tell a correct trial from an error and adapt,
    as animals do. The new last entry is 0 after ``reset`` (no reward has been earned yet) and the
    reward returned by the previous ``step`` afterwards. ``reset`` passes ``seed`` and ``options``
    through untouched.

    **Bounds of the reward entry** in ``observation_space`` (always finite, as gymnasium's and
    SB3's checkers want), in this order:

    1. ``reward_bounds=(low, high)`` when given;
    2. the task's ``reward_bounds`` (``env.unwrapped.reward_bounds``), when every wrapper between
       this one and the task leaves rewards unchanged (gymnasium's observation, action and
       bookkeeping wrappers; a wrapper of yours can say so with a class attribute
       ``passes_reward_through = True``);
    3. otherwise (a ``TransformReward`` underneath, say) the whole finite float32 range,
       ``±3.4e38``, because nothing is known about the rewards.

    The entry is clipped into those bounds, so the observation is always inside
    ``observation_space`` (an infinite or float32-overflowing reward becomes the bound); a clip
    in cases 1-2 means the declared bounds were wrong, and is reported once with a
    ``RuntimeWarning``.

    This is a plain :class:`gymnasium.Wrapper`, not an ``ObservationWrapper``: it needs the reward,
    and it transforms each observation exactly once whatever wraps it. Reading an attribute it
    lacks reads the task's (``PassReward(env).timing``), as NeuroGym's code expects.
    """

    #: PassReward itself leaves the reward unchanged (it only appends it to the observation).
    passes_reward_through = True

    def __init__(self, env: gym.Env, reward_bounds: tuple[float, float] | None = None) -> None:
        # Recorded so that gymnasium can rebuild the wrapped env from its spec (check_env does).
        gym.utils.RecordConstructorArgs.__init__(self, reward_bounds=reward_bounds)
        if not isinstance(env, gym.Env):
            raise TypeError(f"PassReward wraps a gymnasium Env, got {type(env).__name__}")
        gym.Wrapper.__init__(self, env)
        space = env.observation_space
        if not isinstance(space, spaces.Box) or len(space.shape) != 1:
            raise TypeError(
                f"PassReward needs a 1-D Box observation space, got {space!r}; "
                "flatten the observation first (gymnasium.wrappers.FlattenObservation)"
            )
        if reward_bounds is not None:
            r_low, r_high = _check_bounds(reward_bounds)
            self._bounds_known = True
        elif _rewards_unchanged_below(env) and hasattr(env.unwrapped, "reward_bounds"):
            r_low, r_high = env.unwrapped.reward_bounds
            self._bounds_known = True
        else:
            r_low, r_high = -math.inf, math.inf
            self._bounds_known = False
        self._r_low, self._r_high = _float32_outwards(r_low, -1), _float32_outwards(r_high, +1)
        r_low, r_high = self._r_low, self._r_high
        self._warned = False
        low = np.append(space.low, np.float32(r_low)).astype(np.float32)
        high = np.append(space.high, np.float32(r_high)).astype(np.float32)
        self.observation_space = spaces.Box(low, high, dtype=np.float32)
        self._size = space.shape[0] + 1
        names = getattr(env.unwrapped, "ob_names", None)
        if names is not None:
            self.ob_names = [*names, "reward"]

    def _clip(self, r: float) -> float:
        if r != r:  # NaN: no sensible value to show
            raise ValueError("PassReward got a NaN reward from the wrapped env")
        clipped = min(max(r, self._r_low), self._r_high)
        if self._bounds_known and not self._warned:
            self._warned = True
            warnings.warn(
                f"PassReward: reward {r!r} is outside the declared reward bounds "
                f"({self._r_low:g}, {self._r_high:g}); it is clipped in the observation. Pass "
                "reward_bounds=(low, high) to PassReward if a wrapper changes the rewards.",
                RuntimeWarning, stacklevel=3,
            )
        return clipped

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
        r = float(reward)
        out[-1] = r if self._r_low <= r <= self._r_high else self._clip(r)
        return out, reward, terminated, truncated, info


def _float32_outwards(x: float, direction: int) -> float:
    """``x`` as a finite float32, rounded away from the inside of the bounds when float32 cannot
    hold it exactly (so that a reward at the bound is inside the space, not clipped)."""
    x = min(max(x, -_F32_MAX), _F32_MAX)
    x32 = np.float32(x)
    if (float(x32) - x) * direction < 0:
        x32 = np.nextafter(x32, np.float32(direction * np.inf))
    return float(min(max(float(x32), -_F32_MAX), _F32_MAX))


def _check_bounds(bounds: Any) -> tuple[float, float]:
    if not isinstance(bounds, (tuple, list)) or len(bounds) != 2 or not all(
        isinstance(b, (int, float, np.integer, np.floating)) and not isinstance(b, (bool, np.bool_)) for b in bounds
    ):
        raise TypeError(f"reward_bounds must be a (low, high) pair of numbers, got {bounds!r}")
    low, high = float(bounds[0]), float(bounds[1])
    if math.isnan(low) or math.isnan(high) or low > high:
        raise ValueError(f"reward_bounds must be (low, high) with low <= high, got {bounds!r}")
    return low, high


_empty = np.empty
_float32 = np.float32
