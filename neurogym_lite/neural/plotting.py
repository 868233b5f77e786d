"""Figures of the population analyses (notebook 5): one function per panel, each drawing on an
``ax`` it is given and returning it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from neurogym_lite.behaviour.plotting import despine

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "plot_decoding_by_coherence",
    "plot_state_space",
    "plot_time_courses",
    "plot_unit_by_choice_and_coherence",
]


def plot_decoding_by_coherence(ax: Axes, t_ms: Any, accuracy_by_coh: dict[float, Any],
                               chance_by_coh: dict[float, float], overall: Any = None) -> dict[float, Any]:
    """Decoding accuracy over time, one line per coherence with its own chance level (dotted, same
    colour), and the accuracy over all trials (``overall``) in black. Returns the colour of each
    coherence, for later panels."""
    import matplotlib.pyplot as plt

    if set(chance_by_coh) != set(accuracy_by_coh):
        raise ValueError("chance_by_coh must have one chance level per coherence of accuracy_by_coh")
    colors = dict(zip(sorted(accuracy_by_coh), plt.get_cmap("viridis")(np.linspace(0, 0.9, len(accuracy_by_coh))),
                      strict=True))
    for c, acc in accuracy_by_coh.items():
        ax.plot(t_ms, acc, "o-", color=colors[c], ms=4, label=f"{c:g} %")
        ax.axhline(chance_by_coh[c], color=colors[c], ls=":", lw=1.2)
    if overall is not None:
        ax.plot(t_ms, overall, "k-", lw=2.5, label="all trials")
    ax.plot([], [], color="0.4", ls=":", label="chance, per coherence\n(more frequent choice)")
    ax.set_xlabel("time from dots onset (ms)")
    ax.set_ylabel("cross-validated accuracy\ndecoding the upcoming choice")
    despine(ax)
    return colors


def plot_state_space(ax: Axes, means: dict[Any, Any], colors: dict[Any, Any], start: int = 0) -> Axes:
    """Average trajectories in the plane of their first two columns (``means[label]``: a
    (time, >= 2) array, e.g. projections on PC1 and PC2), one line per condition, with a circle at
    time index ``start`` (e.g. the first frame of dots) and a square at the end."""
    for label, m in means.items():
        m = np.asarray(m, dtype=float)
        if m.ndim != 2 or m.shape[1] < 2:
            raise ValueError(f"means[{label!r}] must be a (time, >= 2) array, got shape {m.shape}")
        ax.plot(m[:, 0], m[:, 1], "-", color=colors[label], lw=2)
        ax.plot(m[start, 0], m[start, 1], "o", color=colors[label], ms=6)
        ax.plot(m[-1, 0], m[-1, 1], "s", color=colors[label], ms=6)
    return despine(ax)


def plot_time_courses(ax: Axes, t_ms: Any, traces: dict[Any, Any], colors: dict[Any, Any],
                      names: dict[Any, str] | None = None, ylabel: str = "",
                      xlabel: str = "time from dots onset (ms)") -> Axes:
    """One line per condition (``traces[label]``: one value per time in ``t_ms``), coloured by
    ``colors[label]`` and named ``names[label]`` in the legend (default: the label itself)."""
    for label, y in traces.items():
        if np.shape(y) != np.shape(t_ms):
            raise ValueError(f"traces[{label!r}] must have one value per time ({np.size(t_ms)}), got {np.shape(y)}")
        ax.plot(t_ms, y, "o-", color=colors[label], lw=1.8, ms=3.5,
                label=str(label) if names is None else names[label])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return despine(ax)


def plot_unit_by_choice_and_coherence(ax: Axes, t_ms: Any, unit_means: dict[str, Any], unit: int,
                                      coh_colors: dict[float, Any], counts: dict[str, int],
                                      min_trials: int = 5) -> Axes:
    """One unit's average activity per condition, as a physiologist sorts a neuron's firing: a
    colour per coherence (``coh_colors``), solid for choice 1 and dashed for choice 2.
    ``unit_means`` maps ``f"{choice}|{coh:g}"`` to a (time, units) array (from
    :func:`~neurogym_lite.neural.pca.condition_means`); conditions with fewer than ``min_trials``
    trials (``counts``) are left out."""
    for k, color in coh_colors.items():
        for c, ls in [(1, "-"), (2, "--")]:
            key = f"{c}|{k:g}"
            if key in unit_means and counts.get(key, 0) >= min_trials:
                ax.plot(t_ms, unit_means[key][:, unit], ls, color=color, lw=1.6)
    ax.set_xlabel("time from dots onset (ms)")
    return despine(ax)
