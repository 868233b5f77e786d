"""Principal components of population activity, and condition averages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from neurogym_lite.neural.states import AlignedStates, states_array
from neurogym_lite.utils.display import compact_repr
from neurogym_lite.utils.validation import check_int, check_labels

__all__ = [
    "PCAResult",
    "condition_means",
    "pca_fit",
]


@dataclass
class PCAResult:
    """Principal components of network states: ``projection[..., j]`` is the activity along
    component ``j`` (NaN where the input was), ``explained_variance_ratio[j]`` its share of the
    variance, ``components[j]`` its unit weights and ``mean`` the activity subtracted first;
    ``time_mean`` the (time, units) average trajectory removed first, when it was."""

    __repr__ = compact_repr  # arrays by shape: the default repr prints them in full

    projection: np.ndarray
    components: np.ndarray
    explained_variance_ratio: np.ndarray
    mean: np.ndarray
    time_mean: np.ndarray | None = None

    def transform(self, states: Any) -> np.ndarray:
        """Project other states (an :class:`AlignedStates` or any array whose last axis is the units)
        on the same components. ``time_mean`` is not subtracted: subtract it yourself from
        states aligned the same way."""
        data = states.data if isinstance(states, AlignedStates) else states
        try:
            arr = np.asarray(data, dtype=float)
        except (TypeError, ValueError):
            raise TypeError("states must be an AlignedStates or an array of numbers") from None
        if arr.ndim == 0 or arr.shape[-1] != self.mean.size:
            raise ValueError(f"states must end with {self.mean.size} units (the PCA's), got shape {arr.shape}")
        return (arr - self.mean) @ self.components.T


def pca_fit(states: Any, n_components: int = 3, *, remove_time_mean: bool = False) -> PCAResult:
    """Principal component analysis of a (trials, time, units) tensor (or :class:`AlignedStates`).

    Every finite (trial, time) point is one sample; NaN points (outside a trial) are skipped in
    the fit and stay NaN in the projection. With ``remove_time_mean`` the average trajectory
    over all trials (what every trial does at that moment, whatever its stimulus: the trial's
    clock) is subtracted first, so the components describe how trials *differ*.
    """
    arr = states_array(states)
    n_components = check_int("n_components", n_components, 1)
    if not isinstance(remove_time_mean, (bool, np.bool_)):
        raise TypeError(f"remove_time_mean must be True or False, got {remove_time_mean!r}")
    time_mean = None
    if remove_time_mean:
        counts = np.isfinite(arr).sum(axis=0)
        time_mean = np.where(counts > 0, np.nansum(arr, axis=0) / np.maximum(counts, 1), np.nan)
        arr = arr - time_mean
    if n_components > arr.shape[2]:
        raise ValueError(f"n_components={n_components} exceeds the number of units ({arr.shape[2]})")
    flat = arr.reshape(-1, arr.shape[2])
    ok = np.all(np.isfinite(flat), axis=1)
    if ok.sum() < 2:
        raise ValueError("need at least two finite (trial, time) points for a PCA")
    mean = flat[ok].mean(axis=0)
    _, s, vt = np.linalg.svd(flat[ok] - mean, full_matrices=False)
    var = s**2
    ratio = var / var.sum() if var.sum() > 0 else np.zeros_like(var)
    comps = vt[:n_components]
    proj = np.full((flat.shape[0], n_components), np.nan)
    proj[ok] = (flat[ok] - mean) @ comps.T
    return PCAResult(proj.reshape(*arr.shape[:2], n_components), comps, ratio[:n_components], mean, time_mean)


def condition_means(states: Any, labels: Any) -> dict[Any, np.ndarray]:
    """Mean activity over the trials of each condition: ``{label: (time, units) array}``.

    Time points where no trial of the condition has data are NaN.
    """
    arr = states_array(states)
    g = check_labels("labels", labels)
    if g.size != arr.shape[0]:
        raise ValueError(f"labels must have one entry per trial ({arr.shape[0]}), got {g.size}")
    out = {}
    for key in sorted(set(g.tolist())):
        block = arr[g == key]
        with np.errstate(invalid="ignore"):
            counts = np.isfinite(block).sum(axis=0)
            out[key] = np.where(counts > 0, np.nansum(block, axis=0) / np.maximum(counts, 1), np.nan)
    return out
