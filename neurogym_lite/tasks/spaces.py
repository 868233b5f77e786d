"""Gymnasium's spaces with named entries, as NeuroGym's ``ngym.spaces``.

``Box(low, high, ..., name={'fixation': 0, 'stimulus': [1, 2]})`` and
``Discrete(n, name={'fixation': 0, 'choice': [1, 2]})`` are gymnasium spaces (every gymnasium and
stable-baselines3 function takes them) that also carry ``name``: a dict from a name to an index or
a list of indices. :class:`~neurogym_lite.tasks.trial_env.TrialEnv` reads it: ``add_ob(..., where='stimulus')``
writes to the observation entries named ``stimulus``, ``set_groundtruth(i, ..., where='choice')``
sets the correct action to ``name['choice'][i]``, and the names label plots and ``print(env)``.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import Any

import numpy as np
from gymnasium import spaces as _gym_spaces
from gymnasium.spaces import Dict, MultiBinary, MultiDiscrete, Space, Tuple, flatdim, flatten, unflatten

__all__ = [
    "Box",
    "Dict",
    "Discrete",
    "MultiBinary",
    "MultiDiscrete",
    "Space",
    "Tuple",
    "flatdim",
    "flatten",
    "names_of",
    "unflatten",
]


def _check_name(name: Any, size: int, what: str) -> dict[str, int | list[int]] | None:
    """``name`` as a dict of name -> index or list of indices, each index inside ``range(size)``."""
    if name is None:
        return None
    if not isinstance(name, Mapping):
        raise TypeError(f"name must be a dict of entry name -> index or list of indices, got {name!r}")
    checked: dict[str, int | list[int]] = {}
    for key, value in name.items():
        if not isinstance(key, str):
            raise TypeError(f"name's keys must be strings, got {key!r}")
        try:
            idx: int | list[int] = operator.index(value)
        except TypeError:
            try:
                idx = [operator.index(v) for v in value]
            except TypeError:
                raise TypeError(
                    f"name[{key!r}] must be an index or a list of indices, got {value!r}"
                ) from None
        bad = [i for i in ([idx] if isinstance(idx, int) else idx) if not 0 <= i < size]
        if bad:
            raise ValueError(f"name[{key!r}] has index(es) {bad} outside the {size} {what}")
        checked[key] = idx
    return checked


class Box(_gym_spaces.Box):
    """:class:`gymnasium.spaces.Box` whose entries (along the last axis) may be named.

    ``name`` maps a name to an index or a list of indices, e.g. ``{'fixation': 0, 'stimulus': [1, 2]}``.
    """

    def __init__(self, low: Any, high: Any, shape: Any = None, dtype: Any = np.float32,
                 seed: Any = None, name: Mapping[str, Any] | None = None) -> None:
        super().__init__(low, high, shape=shape, dtype=dtype, seed=seed)
        size = self.shape[-1] if self.shape else 1
        self.name = _check_name(name, size, "entries of the last axis")


class Discrete(_gym_spaces.Discrete):
    """:class:`gymnasium.spaces.Discrete` whose actions may be named.

    ``name`` maps a name to an action or a list of actions, e.g. ``{'fixation': 0, 'choice': [1, 2]}``.
    """

    def __init__(self, n: int, seed: Any = None, start: int = 0, name: Mapping[str, Any] | None = None) -> None:
        super().__init__(n, seed=seed, start=start)
        self.name = _check_name(name, int(self.n), "actions")


def names_of(space: Any, prefix: str) -> list[str] | None:
    """One label per entry of a named space: ``'fixation'`` for an index, ``'stimulus_1'``,
    ``'stimulus_2'`` for a list; ``'<prefix>_<i>'`` for an unnamed entry. None if the space has no names."""
    name = getattr(space, "name", None)
    if not isinstance(name, Mapping):
        return None
    size = int(space.n) if isinstance(space, _gym_spaces.Discrete) else int(space.shape[-1] if space.shape else 1)
    labels = [f"{prefix}_{i}" for i in range(size)]
    for key, idx in name.items():
        if isinstance(idx, int):
            labels[idx] = key
        else:
            for j, i in enumerate(idx):
                labels[i] = key if len(idx) == 1 else f"{key}_{j + 1}"
    return labels
