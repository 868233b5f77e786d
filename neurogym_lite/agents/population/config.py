"""What one network of a population is: a config dict, checked before anything runs.

A config names a seed, the training length, the recipe's hyperparameters, a task variant and the
evaluation (:data:`CONFIG_KEYS`); keys left out take :data:`DEFAULTS`, the shipped network's. It also
names the functions that train and measure the network, by import path (``"module:function"``):
:data:`DEFAULT_TRAINER` and :data:`DEFAULT_MEASURE` are notebook 2's recipe and notebook 3's
measures; another recipe (the reaction-time agent, a supervised network) plugs in without touching
the engine, its own settings in ``options`` (a JSON dict the trainer checks).

Every value is checked here, before a worker starts and before any training: a config that could
only fail after minutes of training (``eval_trials=0``) or train nothing (``total_timesteps=0``)
is refused with the key named. The same check runs on configs read back from storage.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from neurogym_lite.utils.validation import check_mapping

__all__ = [
    "CONFIG_KEYS",
    "DEFAULTS",
    "DEFAULT_MEASURE",
    "DEFAULT_TRAINER",
    "check_config",
    "check_liveness",
    "grid",
    "resolve",
    "run_key",
]

#: notebook 2's recipe on the monkey-faithful task (:func:`neurogym_lite.agents.population.measures.train_monkey_agent`)
DEFAULT_TRAINER = "neurogym_lite.agents.population.measures:train_monkey_agent"
#: notebook 3's and 4's measures (:func:`neurogym_lite.agents.population.measures.measure`)
DEFAULT_MEASURE = "neurogym_lite.agents.population.measures:measure"

_IMPORT_PATH = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")

#: Every key a config may have: its kind and, for numbers, the allowed interval (``None``: open).
#: ``seed`` seeds the envs and the network; ``total_timesteps`` is the training length; the
#: recipe's hyperparameters (:data:`neurogym_lite.agents.recipe.RECIPE`); the task variant:
#: ``stimulus_ms`` (the constant stimulus duration, ms) and ``sigma`` (the stimulus noise); the
#: evaluation: ``eval_trials`` fresh trials seeded from ``eval_seed``; the learning curve: a test
#: on ``curve_trials`` trials every ``curve_every`` steps (0: no curve); ``trainer`` and
#: ``measure`` (import paths) and ``options`` (the trainer's own settings).
CONFIG_KEYS: dict[str, tuple[Any, ...]] = {
    "seed": (int, 0, 2**32 - 1),
    "total_timesteps": (int, 1, 10**9),
    "n_envs": (int, 1, 256),
    "n_steps": (int, 1, 100_000),
    "batch_size": (int, 2, 10**7),
    "n_epochs": (int, 1, 1000),
    "learning_rate": (float, 0.0, 10.0),  # > 0, checked below
    "lr_schedule": ("constant", "linear"),
    "gamma": (float, 0.0, 1.0),  # > 0
    "gae_lambda": (float, 0.0, 1.0),
    "ent_coef": (float, 0.0, 10.0),
    "lstm_hidden_size": (int, 1, 4096),
    "scale_inputs": (False, True),
    "stimulus_ms": (int, 1, 60_000),
    "sigma": (float, 0.0, 100.0),
    "eval_trials": (int, 1, 10**7),
    "eval_seed": (int, 0, 2**32 - 1),
    "curve_every": (int, 0, 10**9),
    "curve_trials": (int, 1, 10**6),
    "trainer": (str,),
    "measure": (str,),
    "options": (dict,),
}
_OPEN_AT_ZERO = ("learning_rate", "gamma")


def _defaults() -> dict[str, Any]:
    from neurogym_lite.agents.recipe import MONKEY_STEPS, MONKEY_TASK, RECIPE

    return {"seed": 0, "total_timesteps": MONKEY_STEPS, **RECIPE,
            "stimulus_ms": int(MONKEY_TASK["timing"]["stimulus"][1]), "sigma": 1.0,
            "eval_trials": 4000, "eval_seed": 10_000, "curve_every": 0, "curve_trials": 500,
            "trainer": DEFAULT_TRAINER, "measure": DEFAULT_MEASURE, "options": {}}


#: The config of the shipped network (``pdm_lstm``): what a key left out of a config takes.
DEFAULTS: dict[str, Any] = _defaults()


def _check_value(where: str, key: str, value: Any) -> Any:
    kind = CONFIG_KEYS[key]
    name = f"{where}[{key!r}]"
    if kind[0] is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an integer between {kind[1]} and {kind[2]}, got {value!r:.80}")
        if not kind[1] <= value <= kind[2]:
            raise ValueError(f"{name} must be an integer between {kind[1]} and {kind[2]}, got {value!r}")
        return value
    if kind[0] is float:
        lo, hi = kind[1], kind[2]
        words = f"a number {'>' if key in _OPEN_AT_ZERO else '>='} {lo:g} and <= {hi:g}"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be {words}, got {value!r:.80}")
        v = float(value)
        if not (math.isfinite(v) and lo <= v <= hi) or (key in _OPEN_AT_ZERO and v == lo):
            raise ValueError(f"{name} must be {words}, got {value!r}")
        return v
    if kind[0] is str:
        if not isinstance(value, str) or not _IMPORT_PATH.fullmatch(value):
            raise ValueError(f"{name} must be an import path 'package.module:function', got {value!r:.80}")
        return value
    if kind[0] is dict:
        check_mapping(name, value, "a dict of the trainer's settings")
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must hold only JSON values (numbers, strings, lists, dicts), got {value!r:.80}") from None
        return dict(value)
    if not any(value == v and type(value) is type(v) for v in kind):
        raise ValueError(f"{name} must be one of {list(kind)}, got {value!r:.80}")
    return value


def check_config(config: Any, index: int | None = None) -> dict[str, Any]:
    """``config`` with every key and value checked and every default filled in.

    Also checks what only makes sense together: ``batch_size`` at most ``n_envs * n_steps`` (PPO's
    rollout), ``total_timesteps`` at least one rollout (``n_envs * n_steps``), ``curve_every`` at
    least one rollout when a curve is asked for."""
    where = "config" if index is None else f"configs[{index}]"
    if not isinstance(config, Mapping):
        raise TypeError(f"{where} must be a dict such as {{'seed': 0, 'learning_rate': 1e-3}}, got {config!r:.80}")
    unknown = [k for k in config if k not in CONFIG_KEYS]
    if unknown:
        raise ValueError(f"{where} has unknown key(s) {unknown}; a config may set {sorted(CONFIG_KEYS)}")
    out = dict(DEFAULTS)
    for key, value in config.items():
        out[key] = _check_value(where, key, value)
    rollout = out["n_envs"] * out["n_steps"]
    per_rollout = f"{where}['n_envs'] * {where}['n_steps'] = {out['n_envs']} * {out['n_steps']} = {rollout}"
    if out["trainer"] == DEFAULT_TRAINER:
        if out["batch_size"] > rollout:
            raise ValueError(f"{where}['batch_size'] ({out['batch_size']}) must be at most {per_rollout}, "
                             "the steps PPO collects between updates")
        if out["total_timesteps"] < rollout:
            raise ValueError(f"{where}['total_timesteps'] ({out['total_timesteps']}) is less than one rollout "
                             f"({per_rollout}): nothing would be trained")
        if 0 < out["curve_every"] < rollout:
            raise ValueError(f"{where}['curve_every'] ({out['curve_every']}) must be 0 (no learning curve) or at "
                             f"least one rollout ({per_rollout})")
    return out


def run_key(config: Mapping[str, Any]) -> str:
    """The name of a complete config (defaults filled in): two configs with the same key are the
    same run. It is the column of :func:`~neurogym_lite.agents.population.store.results` that says
    which rows ran a config: ``frame[frame.run_key.isin([run_key(c) for c in configs])]``. A hex
    digest, so it is also a safe file name (saved models are named after it)."""
    full = check_config(config)
    return hashlib.sha1(json.dumps(full, sort_keys=True).encode()).hexdigest()[:12]


def grid(**axes: Sequence[Any]) -> list[dict[str, Any]]:
    """Every combination of the values given for each key, e.g.
    ``grid(seed=range(4), learning_rate=[3e-4, 1e-3])`` is 8 configs (seed varying fastest)."""
    import itertools

    if not axes:
        raise ValueError("grid needs at least one key, e.g. grid(seed=range(8))")
    for key, values in axes.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, range)):
            raise TypeError(f"grid's {key} must be a list of values, got {values!r:.80}")
        if len(values) == 0:
            raise ValueError(f"grid's {key} has no values")
    keys = list(axes)[::-1]
    return [dict(zip(keys[::-1], combo[::-1], strict=True)) for combo in itertools.product(*(axes[k] for k in keys))]


def resolve(path: str, what: str = "trainer") -> Callable[..., Any]:
    """The function an import path (``"package.module:function"``) names."""
    if not isinstance(path, str) or not _IMPORT_PATH.fullmatch(path):
        raise ValueError(f"{what} must be an import path 'package.module:function', got {path!r:.80}")
    module, _, name = path.partition(":")
    try:
        fn = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as e:
        raise ValueError(f"{what} {path!r} cannot be imported: {e}") from None
    if not callable(fn):
        raise TypeError(f"{what} {path!r} is not a function")
    return fn


def check_liveness(heartbeat_interval: Any, grace_period: Any) -> tuple[float, float]:
    """The heartbeat interval and the grace period after which a silent run is taken for dead
    (seconds), checked together: the API and the CLI worker share this check."""
    values = []
    for name, value in (("heartbeat_interval", heartbeat_interval), ("grace_period", grace_period)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be a number of seconds, got {value!r:.80}")
        if not (math.isfinite(value) and value >= 1):
            # below a second the heartbeat would write to the shared storage in a busy loop
            raise ValueError(f"{name} must be at least 1 second, got {value!r}")
        values.append(float(value))
    heartbeat, grace = values
    if grace <= 2 * heartbeat:
        raise ValueError(f"grace_period ({grace:g} s) must be more than twice heartbeat_interval "
                         f"({heartbeat:g} s), or live workers would be taken for dead")
    return heartbeat, grace
