"""Single units, sorted as a physiologist would."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurogym_lite.neural.states import states_array
from neurogym_lite.utils.validation import check_array

__all__ = [
    "choice_selectivity",
]


def choice_selectivity(states: Any, choices: Any) -> np.ndarray:
    """Each unit's choice preference over time, as d' between the two choices' trials.

    Returns a (time, units) array: ``(mean_b - mean_a) / pooled_sd`` where ``a < b`` are the two
    choice labels; positive for units more active before choice ``b``. NaN where either choice
    has fewer than two trials or the unit does not vary.
    """
    arr = states_array(states)
    c = check_array("choices", choices, ndim=1)
    if c.size != arr.shape[0]:
        raise ValueError(f"choices must have one entry per trial ({arr.shape[0]}), got {c.size}")
    labels = np.unique(c[np.isfinite(c)])
    if labels.size != 2:
        raise ValueError(f"choice_selectivity needs exactly two choice labels, got {labels.tolist()}")
    a, b = arr[c == labels[0]], arr[c == labels[1]]
    na, nb = np.isfinite(a).sum(axis=0), np.isfinite(b).sum(axis=0)
    ma = np.nansum(a, axis=0) / np.maximum(na, 1)
    mb = np.nansum(b, axis=0) / np.maximum(nb, 1)
    va = np.nansum((a - ma) ** 2, axis=0) / np.maximum(na - 1, 1)
    vb = np.nansum((b - mb) ** 2, axis=0) / np.maximum(nb - 1, 1)
    pooled = np.sqrt((np.maximum(na - 1, 0) * va + np.maximum(nb - 1, 0) * vb) / np.maximum(na + nb - 2, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        d = (mb - ma) / pooled
    d = np.where((na >= 2) & (nb >= 2) & (pooled > 0), d, np.nan)
    return np.asarray(d, dtype=float)
