"""The trained LSTM agent shipped with the package, so notebook 3 works on its own (also in Colab).

It was trained by ``python tools/train_pretrained.py`` with the default recipe of notebook 2
(:mod:`neurogym_lite.training`) on ``PerceptualDecisionMaking-v0`` with the seed notebook's
timing, wrapped in ``PassReward``; the JSON beside it records how, and how well it does.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import gymnasium as gym

__all__ = ["PRETRAINED", "load_pretrained", "make_pretrained_env", "pretrained_info"]

PRETRAINED = "pdm_lstm"


def _path(name: str, suffix: str) -> Any:
    ref = resources.files("neurogym_lite") / "models" / f"{name}{suffix}"
    if not ref.is_file():
        available = sorted(p.name.rsplit(".", 1)[0] for p in (resources.files("neurogym_lite") / "models").iterdir()
                           if p.name.endswith(".zip"))
        raise ValueError(f"no pretrained model named {name!r}; available: {available}")
    return ref


def pretrained_info(name: str = PRETRAINED) -> dict[str, Any]:
    """How the shipped model was trained (task, env kwargs, recipe, seed, steps) and its accuracy."""
    return json.loads(_path(name, ".json").read_text())


def load_pretrained(name: str = PRETRAINED) -> Any:
    """Load the shipped ``RecurrentPPO`` model (on the CPU)."""
    from sb3_contrib import RecurrentPPO

    with resources.as_file(_path(name, ".zip")) as path:
        return RecurrentPPO.load(path, device="cpu")


def make_pretrained_env(name: str = PRETRAINED) -> gym.Env:
    """A fresh env exactly like the one the shipped model was trained on."""
    from neurogym_lite.make import make_env

    info = pretrained_info(name)
    kwargs = dict(info["env_kwargs"])
    # JSON has no tuples: ("constant", 300) comes back as a list, which timing reads as a choice.
    kwargs["timing"] = {k: tuple(v) if isinstance(v, list) and v and isinstance(v[0], str) else v
                        for k, v in kwargs.get("timing", {}).items()}
    return make_env(info["task"], pass_reward=info["pass_reward"], **kwargs)
