"""The training recipe of notebook 2, for the notebooks and benchmarks that reuse it.

Notebook 2 spells the ``RecurrentPPO(...)`` call out with every hyperparameter explained; this
module holds the same values so that later notebooks (reaction-time task, your own task) and the
benchmarks train the same way without copying them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gymnasium as gym
import numpy as np

__all__ = ["RECIPE", "SEED_TIMING", "make_model", "make_vec_env"]

#: The seed notebook's task timing (ms).
SEED_TIMING: dict[str, Any] = {
    "fixation": ("constant", 300),
    "stimulus": ("constant", 500),
    "decision": ("constant", 300),
}

#: Hyperparameters of the default recipe (see notebook 2 for why each has its value).
RECIPE: dict[str, Any] = {
    "n_envs": 8,
    "n_steps": 64,
    "batch_size": 256,
    "n_epochs": 8,
    "learning_rate": 1e-3,
    "gamma": 0.99,
    "gae_lambda": 0.95,
    "ent_coef": 0.0,
    "lstm_hidden_size": 64,
}


def make_vec_env(make_env: Callable[[], gym.Env], n_envs: int = RECIPE["n_envs"], seed: int = 0) -> Any:
    """``n_envs`` copies of ``make_env()`` side by side in a ``DummyVecEnv``, seeded from ``seed``."""
    from stable_baselines3.common.vec_env import DummyVecEnv

    if not callable(make_env):
        raise TypeError(f"make_env must be a function that builds an env, got {make_env!r}")
    if isinstance(n_envs, bool) or not isinstance(n_envs, int | np.integer):
        raise TypeError(f"n_envs must be a positive integer, got {n_envs!r}")
    if n_envs < 1:
        raise ValueError(f"n_envs must be a positive integer, got {n_envs!r}")
    n_envs = int(n_envs)

    venv = DummyVecEnv([make_env] * n_envs)
    venv.seed(seed)
    return venv


def make_model(venv: Any, seed: int = 0, verbose: int = 0, **overrides: Any) -> Any:
    """A ``RecurrentPPO('MlpLstmPolicy', ...)`` with the recipe's hyperparameters (``overrides``
    replace any of them)."""
    from sb3_contrib import RecurrentPPO

    hp = {k: v for k, v in RECIPE.items() if k not in ("n_envs", "lstm_hidden_size")}
    hidden = overrides.pop("lstm_hidden_size", RECIPE["lstm_hidden_size"])
    policy_kwargs = {"lstm_hidden_size": hidden, **overrides.pop("policy_kwargs", {})}
    hp.update(overrides)
    return RecurrentPPO("MlpLstmPolicy", venv, policy_kwargs=policy_kwargs, seed=seed, verbose=verbose,
                        device="cpu", **hp)
