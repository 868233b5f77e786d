"""Decoding a trial label from the population, time step by time step, cross-validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from neurogym_lite.neural.states import AlignedStates, states_array
from neurogym_lite.utils.display import compact_repr
from neurogym_lite.utils.validation import check_array, check_int, check_labels

__all__ = [
    "Decoding",
    "DecodingTest",
    "decode_over_time",
    "decoding_permutation_test",
]


@dataclass
class Decoding:
    """Cross-validated decoding of a trial label at each time step.

    ``predictions[k, i]`` is the label predicted for trial ``k`` at time ``times[i]`` by a
    decoder that never saw trial ``k`` (NaN where it could not be decoded); ``accuracy[i]`` the
    fraction of trials decoded correctly at time ``i``; ``chance`` the accuracy of always
    guessing the most frequent label.
    """

    __repr__ = compact_repr  # arrays by shape: the default repr prints them in full

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


@dataclass
class DecodingTest:
    """A cross-validated linear decoder's accuracy on real labels, against its accuracies on
    ``n_shuffles`` shuffled labels: ``p`` (one-sided, with the +1 correction of Phipson & Smyth
    2010), the ``null`` accuracies and ``chance`` (always guessing the most frequent label)."""

    __repr__ = compact_repr  # arrays by shape: the default repr prints them in full

    accuracy: float
    null: np.ndarray
    p: float
    chance: float

    @property
    def null_95(self) -> float:
        return float(np.percentile(self.null, 95))


def decoding_permutation_test(states: Any, labels: Any, *, n_shuffles: int = 500, n_splits: int = 5,
                              alpha: float = 1.0, seed: int = 0) -> DecodingTest:
    """Can two labels (e.g. the coming choice) be read from a population at one moment?

    ``states``: ``(trials, units)``, one state per trial; ``labels``: two classes. The decoder is
    a standardised ridge-regression classifier (least squares on +-1 targets, L2 strength
    ``alpha``), cross-validated over ``n_splits`` stratified folds; its accuracy is compared with
    its own accuracy on ``n_shuffles`` random permutations of the labels, computed with the same
    folds. Linear in the labels, the decoder's held-out predictions for every shuffle are one
    matrix product per fold, so hundreds of shuffles cost about as much as one fit.
    """
    from neurogym_lite.behaviour.stats import MIN_PERMUTATIONS

    x = check_array("states", states, ndim=2, finite=True)
    y = check_labels("labels", labels)
    if y.size != x.shape[0]:
        raise ValueError(f"labels must have one entry per trial ({x.shape[0]}), got {y.size}")
    classes, counts = np.unique(y, return_counts=True)
    if classes.size != 2:
        raise ValueError(f"labels must have exactly two classes, got {classes.size}: {classes[:5].tolist()}")
    n_shuffles = check_int("n_shuffles", n_shuffles, MIN_PERMUTATIONS)
    n_splits = check_int("n_splits", n_splits, 2)
    if counts.min() < n_splits:
        raise ValueError(f"every label needs at least n_splits={n_splits} trials; counts are {counts.tolist()}")
    alpha = float(check_array("alpha", [alpha], ndim=1, finite=True)[0])
    if alpha <= 0:
        raise ValueError(f"alpha must be a positive number, got {alpha!r}")
    rng = np.random.default_rng(check_int("seed", seed, 0))
    target = np.where(y == classes[1], 1.0, -1.0)
    shuffles = np.stack([target] + [rng.permutation(target) for _ in range(n_shuffles)], axis=1)
    # stratified folds: every fold has its share of each class
    fold = np.empty(y.size, dtype=int)
    for c in classes:
        idx = rng.permutation(np.flatnonzero(y == c))
        fold[idx] = np.arange(idx.size) % n_splits
    correct = np.zeros(n_shuffles + 1)
    for f in range(n_splits):
        tr, te = fold != f, fold == f
        mu, sd = x[tr].mean(axis=0), x[tr].std(axis=0)
        sd[sd == 0] = 1.0
        xtr, xte = (x[tr] - mu) / sd, (x[te] - mu) / sd
        xtr1 = np.column_stack([np.ones(xtr.shape[0]), xtr])
        xte1 = np.column_stack([np.ones(xte.shape[0]), xte])
        reg = alpha * np.eye(xtr1.shape[1])
        reg[0, 0] = 0.0  # the intercept is not shrunk
        hat = xte1 @ np.linalg.solve(xtr1.T @ xtr1 + reg, xtr1.T)
        pred = np.sign(hat @ shuffles[tr])
        # each column is scored against its own (shuffled) labels
        correct += np.sum(pred == shuffles[te], axis=0)
    acc = correct / y.size
    observed, null = float(acc[0]), acc[1:]
    p = float((np.sum(null >= observed) + 1) / (n_shuffles + 1))
    return DecodingTest(observed, null, p, float(counts.max() / counts.sum()))
