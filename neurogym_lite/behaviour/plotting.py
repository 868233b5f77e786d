"""Figures of the behavioural analyses (notebooks 2, 4, 7-9): one function per panel, each drawing
on an ``ax`` it is given and returning it, so that a notebook keeps only the analysis."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from neurogym_lite.utils.validation import check_array

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "coherence_colors",
    "coherence_x",
    "despine",
    "log_coherence_axis",
    "plot_choice_history",
    "plot_efficiency_by_coherence",
    "plot_kernel",
    "plot_population",
    "plot_psychometric",
    "signed_coherence_colors",
]


def coherence_x(cohs: Any) -> np.ndarray:
    """Where to draw each unsigned coherence on :func:`log_coherence_axis`: itself, except 0 %, which
    a log axis cannot show and which goes at half the smallest non-zero coherence."""
    c = np.asarray(cohs, dtype=float)
    if c.ndim != 1 or np.any(c < 0) or not np.any(c > 0):
        raise ValueError(f"cohs must be unsigned coherences (>= 0) with at least one above 0, got {cohs!r}")
    return np.where(c == 0, c[c > 0].min() / 2, c)


def log_coherence_axis(ax: Axes, cohs: Any, label: str = "motion coherence (%)") -> None:
    """A log coherence axis with a tick at each tested coherence, and 0 % (if tested) drawn left of an
    axis break (a gap in the axis line with two slanted marks), since a log axis has no zero.
    Place points with :func:`coherence_x`."""
    c = np.unique(np.asarray(cohs, dtype=float))
    x = coherence_x(c)
    ax.set_xscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels([f"{v:g}" for v in c])
    ax.minorticks_off()
    ax.set_xlabel(label)
    lo, hi = x.min() / 1.35, x.max() * 1.2
    ax.set_xlim(lo, hi)
    if np.any(c == 0):
        nonzero = c[c > 0].min()
        zero = nonzero / 2
        mid = np.sqrt(zero * nonzero)
        gap = (nonzero / zero) ** 0.12
        trans = ax.get_xaxis_transform()  # x in data units, y in axes units
        ax.spines["bottom"].set_visible(False)
        for start, end in [(lo, mid / gap), (mid * gap, hi)]:
            ax.plot([start, end], [0, 0], color="k", lw=0.8, transform=trans, clip_on=False,
                    label="_axis_line")
        for xb in (mid / gap, mid * gap):
            ax.plot([xb / 1.04, xb * 1.04], [-0.025, 0.025], color="k", lw=0.8, transform=trans,
                    clip_on=False, label="_axis_break")


def despine(ax: Axes) -> Axes:
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_psychometric(ax: Axes, fit: Any, *, sigma_ideal: float | None = None, unseen: Sequence[float] = (),
                      xlim: float = 55.0, color: str = "C0", label: str = "agent") -> Axes:
    """P(choice 1) against signed coherence: the agent's proportions with 95 % Wilson intervals, the
    fitted curve of ``fit`` (a :class:`~neurogym_lite.behaviour.psychometric.PsychometricFit`; bias and
    sigma in its label), the ideal observer's cumulative Gaussian of width ``sigma_ideal`` (if given),
    and open circles at the ``unseen`` coherences (absolute values). The x axis spans ±``xlim`` %.
    ``color`` and ``label`` tell several observers apart on one axis (the package's one convention
    for a psychometric figure, whatever the observer)."""
    from scipy.stats import norm

    from neurogym_lite.behaviour.stats import binomial_ci

    xs, k, n = np.asarray(fit.x, dtype=float), np.asarray(fit.n_chose_1), np.asarray(fit.n_total)
    low, high = binomial_ci(k, n)
    fine = np.linspace(-55, 55, 400)
    if sigma_ideal is not None:
        ax.plot(fine, norm.cdf(fine / sigma_ideal), "k--", lw=1.2, label="ideal observer")
    ax.plot(fine, fit.predict(fine), color=color, label=f"{label} fit: bias {fit.bias:+.1f} %, sigma {fit.sigma:.1f} %")
    ax.errorbar(xs, k / n, yerr=[k / n - low, high - k / n], fmt="o", color=color, ms=5, capsize=3,
                label=f"{label} (95 % Wilson CI)")
    is_unseen = np.isin(np.abs(xs), np.asarray(unseen, dtype=float))
    if is_unseen.any():
        ax.plot(xs[is_unseen], (k / n)[is_unseen], "o", mfc="white", mec=color, ms=5, zorder=4,
                label="coherences never seen in training")
    ax.axhline(0.5, color="0.7", lw=0.8, ls=":")
    ax.axvline(0, color="0.7", lw=0.8, ls=":")
    ax.set_xlim(-xlim * 1.05, xlim * 1.05)
    ax.set_xlabel("signed motion coherence (%)  (+: towards choice 1)")
    ax.set_ylabel("P(choice 1)")
    return despine(ax)


def plot_efficiency_by_coherence(ax: Axes, per_coh: dict[float, tuple[float, float, float]],
                                 overall: Any = None) -> Axes:
    """Efficiency ``(d'/d'_ideal)^2`` at each coherence with its interval (``per_coh`` from
    :func:`~neurogym_lite.behaviour.psychometric.dprime_efficiency`; coherences where it is not measurable
    are left out), the efficiency from the fitted slope as a band (``overall``, an
    :class:`~neurogym_lite.behaviour.psychometric.Efficiency`) and the ideal observer's 1."""
    measured = {c: v for c, v in per_coh.items() if np.isfinite(v[0])}
    if not measured:
        raise ValueError("per_coh has no coherence with a measurable efficiency")
    cs = np.array(list(measured), dtype=float)
    e = np.array([v[0] for v in measured.values()])
    err = np.array([[v[0] - v[1], v[2] - v[0]] for v in measured.values()]).T
    ax.errorbar(cs, e, yerr=err, fmt="o", color="C0", capsize=3, label="agent, per coherence (95 % CI)")
    if overall is not None:
        ax.axhspan(*overall.ci, color="C0", alpha=0.15, lw=0, label=f"from the fitted slope: {overall.value:.2f}")
    ax.axhline(1, color="k", ls="--", lw=1, label="ideal observer")
    log_coherence_axis(ax, cs)
    ax.set_ylim(0, max(1.3, 1.05 * float(np.max(e + err[1]))))
    ax.set_ylabel("efficiency $(d'/d'_{ideal})^2$")
    return despine(ax)


def plot_kernel(ax: Axes, kernel: Any, frame_ms: Any) -> Axes:
    """A psychophysical kernel (:class:`~neurogym_lite.behaviour.kernel.Kernel`): each frame's weight on
    choice 1 with its 95 % interval at ``frame_ms``, and the flat kernel at the mean weight."""
    frame_ms = np.asarray(frame_ms, dtype=float)
    if frame_ms.shape != np.shape(kernel.weights):
        raise ValueError(f"frame_ms must have one time per frame ({np.size(kernel.weights)}), got {frame_ms.shape}")
    ax.errorbar(frame_ms, kernel.weights, yerr=[kernel.weights - kernel.low, kernel.high - kernel.weights],
                fmt="o-", color="C0", capsize=3, label="agent (95 % CI)")
    ax.axhline(kernel.weights.mean(), color="k", ls="--", lw=1,
               label="flat kernel (the ideal observer's shape) at the agent's mean weight")
    ax.set_xlabel("time from stimulus onset (ms), frame centre")
    ax.set_ylabel("weight on choice 1\n(log-odds per unit of evidence)")
    ax.set_ylim(0, None)
    return despine(ax)


def plot_choice_history(ax: Axes, history: Any, *, label: str = "agent (95 % CI)", color: str = "C0",
                        offset: float = 0.0, expected: bool = True) -> Axes:
    """P(repeat the previous choice) after a correct and after an error trial, with intervals
    (``history`` from :func:`~neurogym_lite.behaviour.history.choice_history`), at x = 0 and 1 shifted
    by ``offset`` (to draw several agents side by side); with ``expected``, a grey bar at what the
    agent's own choice frequencies predict without any history effect."""
    for i, after in enumerate(("correct", "error")):
        p, lo, hi, _ = history.after[after]
        ax.errorbar(i + offset, p, yerr=[[p - lo], [hi - p]], fmt="o", color=color, capsize=4, ms=7,
                    label=label if i == 0 else None)
        if expected:
            ax.plot([i + offset - 0.2, i + offset + 0.2], [history.expected[after]] * 2, color="0.4", lw=2,
                    label="no history effect" if i == 0 else None)
    ax.set_xticks([0, 1])
    ax.set_xticklabels(["after correct", "after error"])
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylabel("P(repeat previous choice)")
    ax.axhline(0.5, color="0.7", lw=0.8, ls=":")
    return despine(ax)


def signed_coherence_colors(levels: Any) -> dict[float, Any]:
    """A colour per signed coherence: black for 0 %, blues towards choice 1 (positive) and reds
    towards choice 2, from mid to dark by rank of the absolute coherence."""
    import matplotlib.pyplot as plt

    levels = np.asarray(levels, dtype=float).ravel()
    magnitudes = sorted({abs(float(s)) for s in levels if s != 0})
    colors: dict[float, Any] = {}
    for s in levels.tolist():
        if s == 0:
            colors[s] = "black"
            continue
        shade = 0.45 + 0.55 * magnitudes.index(abs(s)) / max(len(magnitudes) - 1, 1)
        colors[s] = plt.get_cmap("Blues" if s > 0 else "Reds")(shade)
    return colors


def coherence_colors(levels: Any) -> dict[float, Any]:
    """A colour per unsigned coherence, from dark (0 %) to light (the strongest) along viridis by
    rank, the same for every figure that draws one curve per coherence (notebooks 4-9)."""
    import matplotlib.pyplot as plt

    values = sorted({float(c) for c in check_array("levels", levels).ravel()})
    if any(c < 0 for c in values):
        raise ValueError(f"levels must be unsigned coherences (>= 0); for signed ones use signed_coherence_colors, "
                         f"got {values}")
    cmap = plt.get_cmap("viridis")
    return {c: cmap(i / max(len(values) - 1, 1)) for i, c in enumerate(values)}


def plot_population(ax: Axes, values: Any, *, shipped: float | None = None, reference: float | None = None,
                    reference_label: str = "", label: str = "one network", x: float = 0.0, color: str = "C0",
                    seed: int = 0) -> Axes:
    """One measure across a population of networks: one dot per network (jittered sideways), the
    median as a bar, the shipped network as a red star beside them and a reference (the ideal
    observer, the criterion) as a dashed line. ``x`` places the column, to draw several side by side."""
    v = check_array("values", values, ndim=1)
    v = v[np.isfinite(v)]
    if v.size == 0:
        raise ValueError("values has no finite entry: no network to draw")
    jitter = np.random.default_rng(seed).uniform(-0.12, 0.12, v.size)
    ax.plot(x + jitter, v, "o", color=color, alpha=0.65, ms=5, label=f"{label} ({v.size})")
    ax.plot([x - 0.22, x + 0.22], [np.median(v)] * 2, color=color, lw=2.5, label="median")
    if shipped is not None and np.isfinite(shipped):
        ax.plot(x + 0.35, shipped, "*", color="C3", ms=13, label="shipped network")
    if reference is not None:
        ax.axhline(reference, color="k", ls="--", lw=1, label=reference_label or None)
    return despine(ax)
