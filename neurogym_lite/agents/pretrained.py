"""Trained agents shipped with the package, so that a notebook works on its own (also in Colab).

Each model is a pair of files in ``neurogym_lite/models/``: ``<name>.zip`` (a ``RecurrentPPO``
saved by stable-baselines3) and ``<name>.json`` (how it was trained: task, env kwargs, recipe,
seed, steps; how well it does; and the ``sha256`` of the zip). Dropping such a pair into that
folder is all it takes to ship another model: every function here takes the model's ``name``.

``pdm_lstm`` was trained by ``python tools/train_pretrained.py`` with the default recipe of
notebook 2 (:mod:`neurogym_lite.agents.recipe`) on ``PerceptualDecisionMaking-v0`` with the seed
notebook's timing, wrapped in ``PassReward``.

The zip's checksum is verified before it is unpickled, so that a damaged or truncated file gives
an error that says so (and how to get it back) instead of torch's unpickling message.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from importlib import resources
from typing import Any

import gymnasium as gym

__all__ = ["PRETRAINED", "available", "load_pretrained", "make_pretrained_env", "population_table", "populations",
           "pretrained_info"]

PRETRAINED = "pdm_lstm"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
REINSTALL = (
    'pip install --force-reinstall --no-deps '
    '"neurogym_lite @ git+https://github.com/neurogym-lite/neurogym_lite"'
    " (or, in a clone of the repository: git checkout -- neurogym_lite/models)"
)

# stable-baselines3 < 2.6 cannot unpickle the learning-rate and clip-range schedules of a model
# saved by a newer release (they became ``FloatSchedule`` objects) and warns once for each. Both
# are rebuilt from the saved hyperparameters when the model is set up, so the warning is harmless:
# exactly these two messages are silenced while a shipped model loads, nothing else.
_HARMLESS_LOAD_WARNING = (
    r"Could not deserialize object (lr_schedule|clip_range)\.[\s\S]*Can't get attribute 'FloatSchedule'"
)


def _models_dir() -> Any:
    return resources.files("neurogym_lite.agents") / "models"


def available() -> list[str]:
    """Names of the shipped models (those with both a ``.zip`` and a ``.json``)."""
    names = {p.name for p in _models_dir().iterdir()}
    return sorted(n[: -len(".zip")] for n in names if n.endswith(".zip") and n[: -len(".zip")] + ".json" in names)


def _path(name: str, suffix: str) -> Any:
    if not isinstance(name, str):
        raise TypeError(f"name must be the name of a shipped model such as {PRETRAINED!r}, got {name!r}")
    if not _NAME.fullmatch(name) or name.endswith((".zip", ".json")):
        raise ValueError(
            f"name must be the name of a shipped model (one of {available()}), not a path or file name; "
            f"got {name!r}. To load a model you saved yourself, use RecurrentPPO.load(path, device='cpu')."
        )
    ref = _models_dir() / f"{name}{suffix}"
    if ref.is_file():
        return ref
    others = _models_dir() / f"{name}{'.json' if suffix == '.zip' else '.zip'}"
    if others.is_file():
        # Half a model: the package was built or installed without one of its data files.
        raise FileNotFoundError(
            f"the shipped model {name!r} is incomplete: neurogym_lite/models/{name}{suffix} is missing "
            f"from the installed package ({_models_dir()}). Reinstall it: {REINSTALL}"
        )
    raise ValueError(f"no pretrained model named {name!r}; available: {available()}")


def pretrained_info(name: str = PRETRAINED) -> dict[str, Any]:
    """How the shipped model was trained (task, env kwargs, recipe, seed, steps), its accuracy,
    and the ``sha256`` of its zip."""
    path = _path(name, ".json")
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:  # JSONDecodeError is a ValueError
        raise ValueError(
            f"the shipped model description neurogym_lite/models/{name}.json is damaged ({e}). "
            f"Reinstall the package: {REINSTALL}"
        ) from None
    required = ("task", "pass_reward", "env_kwargs", "sha256")
    if not isinstance(info, dict) or any(k not in info for k in required):
        raise ValueError(
            f"the shipped model description neurogym_lite/models/{name}.json is damaged: it must be a JSON "
            f"object with the keys {list(required)}. Reinstall the package: {REINSTALL}"
        )
    return info


def _check_integrity(name: str, data: bytes, info: dict[str, Any]) -> None:
    digest = hashlib.sha256(data).hexdigest()
    if digest != info["sha256"]:
        raise ValueError(
            f"the shipped model neurogym_lite/models/{name}.zip is damaged: its sha256 is {digest}, but it was "
            f"saved with {info['sha256']} (recorded in {name}.json). Reinstall the package to get it back: "
            f"{REINSTALL}"
        )


def load_pretrained(name: str = PRETRAINED) -> Any:
    """Load a shipped ``RecurrentPPO`` model (on the CPU), after checking that its file is intact.

    ``name`` is a model name such as ``'pdm_lstm'`` (see :func:`available`), not a path: load a model
    you saved yourself with ``RecurrentPPO.load(path, device='cpu')``.
    """
    from sb3_contrib import RecurrentPPO

    info = pretrained_info(name)
    ref = _path(name, ".zip")
    _check_integrity(name, ref.read_bytes(), info)
    with resources.as_file(ref) as path, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_HARMLESS_LOAD_WARNING, category=UserWarning)
        return RecurrentPPO.load(path, device="cpu")


def make_pretrained_env(name: str = PRETRAINED) -> gym.Env:
    """A fresh env exactly like the one the shipped model was trained on."""
    from neurogym_lite.tasks.registration import make_env

    info = pretrained_info(name)
    kwargs = dict(info["env_kwargs"])
    # JSON has no tuples: ("constant", 300) comes back as a list, which timing reads as a choice.
    kwargs["timing"] = {k: tuple(v) if isinstance(v, list) and v and isinstance(v[0], str) else v
                        for k, v in kwargs.get("timing", {}).items()}
    return make_env(info["task"], pass_reward=info["pass_reward"], **kwargs)


def populations() -> list[str]:
    """Names of the shipped population tables (``population_table(name)``)."""
    prefix = "population_"
    return sorted(p.name[len(prefix):-len(".json")] for p in _models_dir().iterdir()
                  if p.name.startswith(prefix) and p.name.endswith(".json"))


def population_table(name: str) -> dict[str, Any]:
    """The measures of a shipped population of networks (``'fd_rl'``: notebook 2's recipe;
    ``'fd_sl'``: notebook 8's supervised recipe; see :func:`populations`), made by
    ``python tools/build_populations.py measure <name>`` (the table records the command, the
    recipe and the seeds): ``{'networks': [one dict of measures per network], ...}``. Each network
    was tested on its own fresh trials. The populations the notebooks state claims on (``fd_rl``,
    ``fd_sl``, ``rt_rl``, ``rt_rl_cheap_error``) were trained on seeds never used to design their
    recipe, and so were ``rt_rl_early_stop`` (a candidate RT recipe, seeds 400-411; replicated on
    seeds 600-609 as ``rt_rl_early_stop_rep``) and ``rt_rl_fast_early_stop`` (that recipe in a wider
    rollout, seeds 500-509); the others record candidate designs tried on tuning seeds (their
    ``about`` says so)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be the name of a shipped population such as 'fd_rl', got {name!r:.80}")
    if name not in populations():
        raise ValueError(f"no shipped population named {name!r}; available: {populations()}")
    path = _models_dir() / f"population_{name}.json"
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"the population table {path.name} is damaged ({e}). Reinstall the package: {REINSTALL}") from None
    if not isinstance(table, dict) or not isinstance(table.get("networks"), list):
        raise ValueError(f"the population table {path.name} is damaged: no list of networks. Reinstall: {REINSTALL}")
    return table
