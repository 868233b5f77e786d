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


def _index(key: str, value: Any) -> int:
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"name[{key!r}] must hold integer indices, not booleans, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"name[{key!r}] must be an index or a list of indices, got {value!r:.60}") from None


def _check_name(name: Any, valid: range | None, what: str) -> dict[str, int | list[int]] | None:
    """``name`` as a dict of name -> index or list of indices: integer indices (not booleans),
    no empty or repeated lists, no index claimed by two names, each inside ``valid`` (``None``: any
    index, as NeuroGym allows for a scalar ``Box``)."""
    if name is None:
        return None
    if not isinstance(name, Mapping):
        raise TypeError(f"name must be a dict of entry name -> index or list of indices, got {name!r:.80}")
    checked: dict[str, int | list[int]] = {}
    owner: dict[int, str] = {}
    for key, value in name.items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"name's keys must be non-empty strings, got {key!r}")
        if isinstance(value, (str, bytes, Mapping)):
            raise TypeError(f"name[{key!r}] must be an index or a list of indices, got {value!r:.60}")
        if hasattr(value, "__iter__"):
            idx: int | list[int] = [_index(key, v) for v in value]
            if not idx:
                raise ValueError(f"name[{key!r}] is an empty list: give at least one index")
            if len(set(idx)) != len(idx):
                raise ValueError(f"name[{key!r}] repeats an index: {idx}")
        else:
            idx = _index(key, value)
        indices = [idx] if isinstance(idx, int) else idx
        if valid is not None:
            bad = [i for i in indices if i not in valid]
            if bad:
                raise ValueError(f"name[{key!r}] has index(es) {bad} outside the {what} ({valid.start}..{valid.stop - 1})")
        for i in indices:
            if i in owner:
                raise ValueError(f"index {i} is named twice: by {owner[i]!r} and by {key!r}")
            owner[i] = key
        checked[key] = idx
    return checked


class Box(_gym_spaces.Box):
    """:class:`gymnasium.spaces.Box` whose entries (along the last axis) may be named.

    ``name`` maps a name to an index or a list of indices, e.g. ``{'fixation': 0, 'stimulus': [1, 2]}``.
    """

    def __init__(self, low: Any, high: Any, shape: Any = None, dtype: Any = np.float32,
                 seed: Any = None, name: Mapping[str, Any] | None = None) -> None:
        super().__init__(low, high, shape=shape, dtype=dtype, seed=seed)
        # a Box made from scalar bounds without a shape may name any index, as in NeuroGym's own
        # docstring example (Box(low=0, high=1, name={'fixation': 0, 'stimulus': [1, 2]}))
        scalar = shape is None and np.ndim(low) == 0 and np.ndim(high) == 0
        valid = None if scalar or not self.shape else range(self.shape[-1])
        self.name = _check_name(name, valid, "entries of the last axis")


class Discrete(_gym_spaces.Discrete):
    """:class:`gymnasium.spaces.Discrete` whose actions may be named.

    ``name`` maps a name to an action or a list of actions, e.g. ``{'fixation': 0, 'choice': [1, 2]}``.
    """

    def __init__(self, n: int, seed: Any = None, start: int = 0, name: Mapping[str, Any] | None = None) -> None:
        super().__init__(n, seed=seed, start=start)
        self.name = _check_name(name, range(int(self.start), int(self.start) + int(self.n)), "actions")


def names_of(space: Any, prefix: str) -> list[str] | None:
    """One label per entry of a named space: ``'fixation'`` for an index, ``'stimulus_1'``,
    ``'stimulus_2'`` for a list; ``'<prefix>_<i>'`` for an unnamed entry. None if the space has no names."""
    name = getattr(space, "name", None)
    if not isinstance(name, Mapping):
        return None
    if isinstance(space, _gym_spaces.Discrete):
        first, size = int(space.start), int(space.n)
    else:
        largest = max((i for v in name.values() for i in ([v] if isinstance(v, int) else v)), default=0)
        first, size = 0, max(int(space.shape[-1]) if space.shape else 1, largest + 1)
    labels = [f"{prefix}_{i}" for i in range(first, first + size)]
    for key, idx in name.items():
        if isinstance(idx, int):
            labels[idx - first] = key
        else:
            for j, i in enumerate(idx):
                labels[i - first] = key if len(idx) == 1 else f"{key}_{j + 1}"
    return labels
