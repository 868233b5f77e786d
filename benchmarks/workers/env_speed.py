"""Worker of env_speed.py: time one side's env on pre-drawn random actions; print one JSON line.

Runs in either virtualenv, so it imports neither side unless asked to: ``side`` is ``lite``
(neurogym_lite), ``neurogym`` (NeuroGym 2.3.1, in benchmarks/.neurogym-venv) or ``floor`` (a
no-op env with the same spaces that returns a precomputed observation, through neurogym_lite's
wrappers: what the wrappers alone cost). Arguments come as JSON on stdin.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import numpy as np

TASK = "PerceptualDecisionMaking-v0"
# The seed notebook's kwargs (the same on both sides).
KWARGS: dict[str, Any] = {
    "dt": 100,
    "timing": {"fixation": ("constant", 300), "stimulus": ("constant", 500), "decision": ("constant", 300)},
}


def side_factories(side: str) -> tuple[Any, Any]:
    """``(make, pass_reward)``: build the task through ``gym.make``; wrap it in that side's PassReward."""
    import gymnasium as gym

    if side == "neurogym":
        import neurogym  # noqa: F401  (registers the tasks)
        from neurogym.wrappers import pass_reward

        return (lambda: gym.make(TASK, **KWARGS)), pass_reward.PassReward
    from neurogym_lite.wrappers.pass_reward import PassReward

    if side == "lite":
        import neurogym_lite  # noqa: F401  (registers the tasks)

        return (lambda: gym.make(TASK, **KWARGS)), PassReward
    if side == "floor":
        return (lambda: gym.make(_register_noop())), PassReward
    raise ValueError(f"unknown side {side!r}")


def _register_noop() -> str:
    """A do-nothing env with the task's spaces (Box(3,) float32, Discrete(3))."""
    import gymnasium as gym
    from gymnasium import spaces

    env_id = "NoopFloor-v0"
    if env_id in gym.registry:
        return env_id

    class NoopFloor(gym.Env):
        metadata: dict[str, Any] = {"render_modes": []}  # noqa: RUF012

        def __init__(self) -> None:
            self.observation_space = spaces.Box(-5.0, 5.0, shape=(3,), dtype=np.float32)
            self.action_space = spaces.Discrete(3)
            self._obs = np.array([1.0, 0.5, 0.5], dtype=np.float32)

        def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> Any:
            super().reset(seed=seed)
            return self._obs.copy(), {}

        def step(self, action: Any) -> Any:
            # The same object every step: PassReward copies it into a new array anyway.
            return self._obs, 0.0, False, False, {}

        @property
        def reward_bounds(self) -> tuple[float, float]:
            return (-1.0, 1.0)

    gym.register(env_id, entry_point=NoopFloor)
    return env_id


def time_single(env: Any, actions: list[int], warmup: int) -> dict[str, Any]:
    step = env.step
    for a in actions[:warmup]:
        step(a)
    trials = 0
    t0 = time.perf_counter()
    for a in actions[warmup:]:
        step(a)
    elapsed = time.perf_counter() - t0
    # Count trials separately (not timed) so both sides are seen doing the same work.
    counted = actions[:5_000]
    for a in counted:
        if step(a)[4].get("new_trial", False):
            trials += 1
    n = len(actions) - warmup
    return {"steps": n, "seconds": elapsed, "steps_per_s": n / elapsed,
            "trials_per_1k_steps": 1000 * trials / len(counted)}


def time_vec(venv: Any, actions: np.ndarray, warmup: int) -> dict[str, Any]:
    n_envs = venv.num_envs
    step = venv.step
    for a in actions[:warmup]:
        step(a)
    t0 = time.perf_counter()
    for a in actions[warmup:]:
        step(a)
    elapsed = time.perf_counter() - t0
    n = (len(actions) - warmup) * n_envs
    return {"steps": n, "seconds": elapsed, "steps_per_s": n / elapsed, "n_envs": n_envs}


def build(side: str, setup: str, seed: int) -> Any:
    make, pass_reward = side_factories(side)
    if setup == "make":
        env = make()
    elif setup == "make+PassReward":
        env = pass_reward(make())
    elif setup.startswith("DummyVecEnv("):
        from stable_baselines3.common.vec_env import DummyVecEnv

        n_envs = int(setup[len("DummyVecEnv("):-1])
        venv = DummyVecEnv([lambda: pass_reward(make())] * n_envs)
        venv.seed(seed)
        venv.reset()
        return venv
    else:
        raise ValueError(f"unknown set-up {setup!r}")
    env.reset(seed=seed)
    return env


def serve() -> None:
    """Long-lived mode: build every set-up once, then answer one timing request per stdin line,
    so that the driver can alternate the sides every fraction of a second."""
    import warnings

    warnings.simplefilter("ignore")  # NeuroGym's float64 PassReward observations warn in gymnasium's checker
    first = json.loads(sys.stdin.readline())
    side, seed = first["side"], int(first.get("seed", 0))
    rng = np.random.default_rng(seed)
    envs = {s: build(side, s, seed) for s in first["setups"]}
    where = sys.modules["neurogym_lite"].__file__ if "neurogym_lite" in sys.modules else None
    print(json.dumps({"ready": side, "neurogym_lite": where}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        env, n = envs[req["setup"]], int(req["steps"])
        if hasattr(env, "num_envs"):
            acts = list(rng.integers(0, 3, size=(max(n // env.num_envs, 1) + 10, env.num_envs)))
            res = time_vec(env, acts, 10)
        else:
            res = time_single(env, rng.integers(0, 3, size=n + 1000).tolist(), 1000)
        print(json.dumps(res), flush=True)


def main() -> None:
    serve()


if __name__ == "__main__":
    main()
