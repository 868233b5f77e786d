"""Decoding a trial label from the population, time step by time step, cross-validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from neurogym_lite.neural.states import AlignedStates, states_array
from neurogym_lite.utils.validation import check_array, check_int, check_labels

__all__ = [
    "Decoding",
    "decode_over_time",
]


@dataclass
class Decoding:
    """Cross-validated decoding of a trial label at each time step.

    ``predictions[k, i]`` is the label predicted for trial ``k`` at time ``times[i]`` by a
    decoder that never saw trial ``k`` (NaN where it could not be decoded); ``accuracy[i]`` the
    fraction of trials decoded correctly at time ``i``; ``chance`` the accuracy of always
    guessing the most frequent label.
    """

    predictions: np.ndarray
    labels: np.ndarray
    accuracy: np.ndarray
    chance: float
    times: np.ndarray | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def accuracy_by(self, groups: Any) -> dict[Any, np.ndarray]:
        """Decoding accuracy over time for each value of ``groups`` (e.g. the coherences)."""
        g = check_labels("groups", groups)
        if g.size != self.labels.size:
            raise ValueError(f"groups must have one entry per trial ({self.labels.size}), got {g.size}")
        return {key: _accuracy(self.predictions[g == key], self.labels[g == key]) for key in sorted(set(g.tolist()))}


def _accuracy(pred: np.ndarray, labels: np.ndarray) -> np.ndarray:
    valid = np.isfinite(pred)
    hits = (pred == labels[:, None]) & valid
    with np.errstate(invalid="ignore", divide="ignore"):
        return hits.sum(axis=0) / np.where(valid.sum(axis=0) > 0, valid.sum(axis=0), np.nan)


def decode_over_time(
    states: Any,
    labels: Any,
    *,
    n_splits: int = 5,
    C: float = 1.0,
    seed: int = 0,
) -> Decoding:
    """Decode ``labels`` (one per trial, e.g. the upcoming choice) from the population state at
    each time step, with ``n_splits``-fold stratified cross-validation.

    At each time step a standardised L2-regularised logistic regression (inverse strength ``C``)
    is trained on the other folds' trials and tested on the held-out fold; trials with NaN at
    that step are left out. Needs scikit-learn.
    """
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError(
            "decode_over_time needs scikit-learn: pip install scikit-learn "
            "(or pip install 'neurogym_lite[notebooks]')"
        ) from exc
    arr = states_array(states)
    y = check_array("labels", labels, ndim=1)
    if y.size != arr.shape[0]:
        raise ValueError(f"labels must have one entry per trial ({arr.shape[0]}), got {y.size}")
    if not np.all(np.isfinite(y)):
        raise ValueError("labels must be finite")
    n_splits = check_int("n_splits", n_splits, 2)
    if isinstance(C, bool) or not isinstance(C, (int, float, np.number)) or not C > 0:
        raise ValueError(f"C must be a positive number, got {C!r}")
    classes, counts = np.unique(y, return_counts=True)
    if classes.size < 2:
        raise ValueError("labels must contain at least two classes to decode")
    if counts.min() < n_splits:
        raise ValueError(f"every label needs at least n_splits={n_splits} trials; counts are "
                         f"{dict(zip(classes.tolist(), counts.tolist(), strict=True))}")
    preds = np.full((arr.shape[0], arr.shape[1]), np.nan)
    for i in range(arr.shape[1]):
        x_t = arr[:, i]
        ok = np.all(np.isfinite(x_t), axis=1)
        y_ok = y[ok]
        cls, cnt = np.unique(y_ok, return_counts=True)
        if cls.size < 2 or cnt.min() < n_splits:
            continue
        rows = np.flatnonzero(ok)
        folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        for train, test in folds.split(x_t[rows], y_ok):
            clf = make_pipeline(StandardScaler(), LogisticRegression(C=float(C), max_iter=1000))
            clf.fit(x_t[rows[train]], y_ok[train])
            preds[rows[test], i] = clf.predict(x_t[rows[test]])
    times = states.times if isinstance(states, AlignedStates) else None
    return Decoding(preds, y, _accuracy(preds, y), float(counts.max() / counts.sum()), times)
