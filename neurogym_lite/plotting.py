"""Plot what an agent saw and did on a task: ``plot_env`` (NeuroGym-compatible signature); and the
figures of the behaviour and population analyses (notebooks 2, 4 and 5), one function per figure
panel, each drawing on an ``ax`` it is given and returning it, so a notebook keeps only the analysis."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from neurogym_lite.rollout import Rollout, run_env

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "coherence_x",
    "log_coherence_axis",
    "plot_choice_history",
    "plot_decoding_by_coherence",
    "plot_efficiency_by_coherence",
    "plot_env",
    "plot_kernel",
    "plot_psychometric",
    "plot_rollout",
    "plot_state_space",
    "plot_time_courses",
    "plot_unit_by_choice_and_coherence",
    "signed_coherence_colors",
]

# Light backgrounds for the periods of a trial; fixation is left white so the eye goes to the
# periods where something happens.
_PERIOD_COLORS = ["#ffffff", "#fde9c9", "#e4e4e4", "#d4ecd4", "#dce6f7", "#f3dcef"]
_MAX_LINE_TRACES = 8


def plot_env(
    env: Any,
    num_steps: int = 200,
    num_trials: int | None = None,
    def_act: int | None = None,
    model: Any = None,
    name: str | None = None,
    legend: bool = True,
    ob_traces: Sequence[str] | None = None,
    fig_kwargs: dict[str, Any] | None = None,
    fname: str | None = None,
    plot_performance: bool = True,
    *,
    deterministic: bool = True,
    reset_state_each_trial: bool = False,
    seed: int | None = None,
) -> Figure:
    """Run an agent on ``env`` (see :func:`neurogym_lite.run_env`) and plot the rollout.

    Panels: observations (labelled traces with their values, or a heat map for many inputs),
    the agent's actions against the correct action, and rewards (ticks named by outcome, the
    previous-reward input on the same scale) with each trial's outcome. Dotted
    lines mark trial boundaries; shading marks the periods of each trial. The title names the
    task and the agent. ``ob_traces`` labels the observation entries (one label per entry).
    Returns the matplotlib Figure (also saved to ``fname`` when given).
    """
    n_obs = int(np.prod(env.observation_space.shape))
    if ob_traces is not None:
        # a 1-D array of names is a sequence of labels too (np.ndarray is not a Sequence)
        if isinstance(ob_traces, np.ndarray) and ob_traces.ndim == 1:
            ob_traces = [str(x) for x in ob_traces]
        if isinstance(ob_traces, str) or not isinstance(ob_traces, Sequence):
            raise TypeError(f"ob_traces must be a list of labels, one per observation entry, got {ob_traces!r}")
        if not all(isinstance(x, str) for x in ob_traces):
            raise TypeError(f"ob_traces must be a list of label strings, got {list(ob_traces)!r}")
        if len(ob_traces) != n_obs:
            raise ValueError(
                f"ob_traces has {len(ob_traces)} labels but the observation has {n_obs} entries; "
                "give one label per entry"
            )
    rollout = run_env(env, num_steps=num_steps, num_trials=num_trials, def_act=def_act, model=model,
                      deterministic=deterministic, reset_state_each_trial=reset_state_each_trial, seed=seed)
    rewards = _task_rewards(env)
    if rewards:
        rollout.extra.setdefault("rewards", rewards)
    return plot_rollout(rollout, name=name, legend=legend, ob_traces=ob_traces, fig_kwargs=fig_kwargs,
                        fname=fname, plot_performance=plot_performance)


def _task_rewards(env: Any) -> dict[str, float] | None:
    """The task's ``rewards`` dict (outcome name -> value), for naming the reward ticks."""
    try:
        task = env.get_attr("unwrapped", indices=[0])[0] if hasattr(env, "get_attr") else env.unwrapped
    except (AttributeError, IndexError):
        return None
    rewards = getattr(task, "rewards", None)
    if not isinstance(rewards, dict):
        return None
    return {str(k): float(v) for k, v in rewards.items() if isinstance(v, (int, float))}


def _trial_boundaries(ax: Axes, rollout: Rollout) -> None:
    ends = rollout.trial_ends
    for end in ends[ends < rollout.num_steps - 1]:
        ax.axvline(end + 0.5, color="0.35", lw=0.8, ls=":", zorder=0)


def _shade_periods(ax: Axes, rollout: Rollout, colors: dict[str, str]) -> None:
    if rollout.periods is None:
        return
    start = 0
    for t in range(1, rollout.num_steps + 1):
        if t == rollout.num_steps or rollout.periods[t] != rollout.periods[start] or rollout.new_trial[t - 1]:
            color = colors[rollout.periods[start]]
            if color != "#ffffff":
                ax.axvspan(start - 0.5, t - 0.5, color=color, lw=0, zorder=-1)
            start = t


def _is_reward_input(name: str) -> bool:
    return "reward" in name.lower()


def _reward_ticks(values: np.ndarray, names: dict[str, float] | None) -> tuple[list[float], list[str]]:
    """Tick positions and labels for the reward axis: every reward value seen (and 0), named by
    the outcome that gives it when the task says (``abort -0.1``, ``fail 0``, ``correct +1``).
    Values too close to tell apart on the axis share one tick (``fail 0 / abort -0.1``)."""
    # rounded: a reward received as float32 (-0.1000000015) is the task's -0.1
    values_all = sorted({round(float(v), 6) for v in [0.0, *values, *(names or {}).values()]})

    def label(v: float) -> str:
        outcomes = [k for k, r in (names or {}).items() if np.isclose(r, v)]
        number = "0" if v == 0 else f"{v:+g}"
        return f"{' / '.join(outcomes)} {number}" if outcomes else number

    span = (values_all[-1] - values_all[0]) or 1.0
    groups: list[list[float]] = []
    for v in values_all:
        if groups and v - groups[-1][-1] < 0.08 * span:
            groups[-1].append(v)
        else:
            groups.append([v])
    ticks, labels = [], []
    for g in groups:
        at = 0.0 if 0.0 in g else g[0]  # 0 is where the trace rests: keep its tick exact
        ticks.append(at)
        labels.append(" / ".join(label(v) for v in sorted(g, key=lambda v: (v != at, v))))
    return ticks, labels


def plot_rollout(
    rollout: Rollout,
    name: str | None = None,
    legend: bool = True,
    ob_traces: Sequence[str] | None = None,
    fig_kwargs: dict[str, Any] | None = None,
    fname: str | None = None,
    plot_performance: bool = True,
) -> Figure:
    """Plot a :class:`Rollout` (the figure of :func:`plot_env`).

    Three panels: the observations (the previous-reward input, if any, is drawn in the reward
    panel, on the reward's own scale); the agent's actions against the correct ones; and the
    rewards, with ticks named by outcome when the task's ``rewards`` dict is known, and (with
    ``plot_performance``) a mark for each trial's outcome at the step that ended it.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    if not isinstance(rollout, Rollout):
        raise TypeError(
            f"rollout must be a Rollout (from neurogym_lite.run_env), got {type(rollout).__name__}; "
            "to plot an env, use plot_env(env, ...)"
        )
    labels = list(ob_traces) if ob_traces is not None else rollout.ob_names
    n_obs = rollout.obs.shape[1]
    if len(labels) != n_obs:
        raise ValueError(f"ob_traces has {len(labels)} labels but the observation has {n_obs} entries")
    # Which entries are the previous-reward input: by the env's own name, else by the label.
    names = rollout.ob_names if len(rollout.ob_names) == n_obs else labels
    reward_in = [i for i in range(n_obs) if _is_reward_input(names[i]) or _is_reward_input(labels[i])]
    shown = [i for i in range(n_obs) if i not in reward_in]
    kwargs: dict[str, Any] = {"figsize": (10, 6.5), "sharex": True,
                              "gridspec_kw": {"height_ratios": [1.3, 1, 1]}}
    kwargs.update(fig_kwargs or {})
    fig, axes = plt.subplots(3, 1, **kwargs)
    x = np.arange(rollout.num_steps)
    dt = f" (dt = {rollout.dt:g} ms)" if rollout.dt else ""

    period_names = list(dict.fromkeys(rollout.periods)) if rollout.periods is not None else []
    colors = {p: _PERIOD_COLORS[i % len(_PERIOD_COLORS)] for i, p in enumerate(period_names)}

    # Observations (the task's inputs, without the reward input)
    ax = axes[0]
    _shade_periods(ax, rollout, colors)
    if len(shown) <= _MAX_LINE_TRACES:
        for i in shown:
            ax.plot(x, rollout.obs[:, i], drawstyle="steps-mid", lw=1.4, label=labels[i], color=f"C{i}")
        ax.set_ylabel("input value")
        handles, hlabels = ax.get_legend_handles_labels()
    else:
        im = ax.imshow(rollout.obs[:, shown].T, aspect="auto", origin="lower", cmap="viridis",
                       extent=(-0.5, rollout.num_steps - 0.5, -0.5, len(shown) - 0.5), interpolation="nearest")
        fig.colorbar(im, ax=ax, pad=0.01, label="value")
        ax.set_yticks(range(len(shown)))
        ax.set_yticklabels([labels[i] for i in shown], fontsize=7)
        ax.set_ylabel("input")
        handles, hlabels = [], []
    handles += [Patch(color=colors[p], label=f"{p} period") for p in period_names if colors[p] != "#ffffff"]
    hlabels += [f"{p} period" for p in period_names if colors[p] != "#ffffff"]
    if legend and handles:
        ax.legend(handles, hlabels, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    ax.set_title("Observations", loc="left", fontsize=10)

    # Actions against ground truth
    ax = axes[1]
    _shade_periods(ax, rollout, colors)
    ax.plot(x, rollout.actions, drawstyle="steps-mid", lw=2, color="C0", label="agent's action")
    if (rollout.gt >= 0).all():
        ax.plot(x, rollout.gt, drawstyle="steps-mid", lw=1.4, ls="--", color="k", label="correct action")
    n_act = max(len(rollout.act_names), int(rollout.actions.max(initial=0)) + 1)
    ax.set_yticks(range(n_act))
    ax.set_yticklabels(rollout.act_names[:n_act] if len(rollout.act_names) >= n_act else range(n_act))
    ax.set_ylim(-0.4, n_act - 0.6)
    ax.set_ylabel("action")
    ax.set_title("Actions", loc="left", fontsize=10)
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)

    # Rewards, with the reward input on the same (reward) scale, and each trial's outcome
    ax = axes[2]
    ax.axhline(0, color="0.8", lw=0.8, zorder=0)
    for i in reward_in:
        ax.plot(x, rollout.obs[:, i], drawstyle="steps-mid", lw=1.2, color="0.55",
                label=f"{labels[i]} (input)")
    nonzero = rollout.rewards != 0
    ax.plot(x[nonzero], rollout.rewards[nonzero], "D", color="k", ms=3.5, label="reward received")
    reward_names = rollout.extra.get("rewards")
    ticks, tick_labels = _reward_ticks(rollout.rewards, reward_names)
    lo = min([*ticks, float(rollout.rewards.min(initial=0))])
    hi = max([*ticks, float(rollout.rewards.max(initial=0))])
    pad = 0.12 * (hi - lo or 1.0)
    title = "Rewards"
    if plot_performance:
        ends = rollout.trial_ends
        correct = rollout.performance == 1
        y_mark = hi + 2.2 * pad
        ax.plot(ends[correct], np.full(correct.sum(), y_mark), "o", color="tab:green", ms=7,
                label="trial correct")
        aborted = np.zeros(ends.size, dtype=bool)
        if reward_names and "abort" in reward_names:
            # a trial that ended with the abort reward was aborted (fixation broken)
            aborted = ~correct & np.isclose(rollout.rewards[ends], reward_names["abort"])
        wrong = ~correct & ~aborted
        ax.plot(ends[wrong], np.full(wrong.sum(), y_mark), "X", color="tab:red", ms=7,
                label="trial error / no choice")
        if aborted.any():
            ax.plot(ends[aborted], np.full(aborted.sum(), y_mark), "v", color="tab:orange", ms=6,
                    label="trial aborted")
        ticks, tick_labels = [*ticks, y_mark], [*tick_labels, "outcome"]
        hi = y_mark
        acc = f"{int(correct.sum())}/{rollout.num_trials} trials correct" if rollout.num_trials else "no trial ended"
        title = f"Rewards and trial outcomes: {acc}"
    ax.set_yticks(ticks)
    ax.set_yticklabels(tick_labels, fontsize=8)
    ax.tick_params(axis="y", length=2)
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_ylabel("reward")
    ax.set_title(title, loc="left", fontsize=10)
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)

    for ax in axes:
        _trial_boundaries(ax, rollout)
        ax.set_xlim(-0.5, rollout.num_steps - 0.5)
        ax.spines[["top", "right"]].set_visible(False)
    axes[-1].set_xlabel(f"time step{dt}; dotted lines: trial boundaries")
    fig.suptitle(f"{name or rollout.task}: {rollout.agent}", fontsize=12)
    fig.tight_layout()
    if fname:
        fig.savefig(fname, dpi=120, bbox_inches="tight")
    return fig


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


def _clean(ax: Axes) -> Axes:
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_psychometric(ax: Axes, fit: Any, *, sigma_ideal: float | None = None, unseen: Sequence[float] = (),
                      xlim: float = 55.0) -> Axes:
    """P(choice 1) against signed coherence: the agent's proportions with 95 % Wilson intervals, the
    fitted curve of ``fit`` (a :class:`~neurogym_lite.psychophysics.SignedPsychometricFit`; bias and
    sigma in its label), the ideal observer's cumulative Gaussian of width ``sigma_ideal`` (if given),
    and open circles at the ``unseen`` coherences (absolute values). The x axis spans ±``xlim`` %."""
    from scipy.stats import norm

    from neurogym_lite.analysis import binomial_ci

    xs, k, n = np.asarray(fit.x, dtype=float), np.asarray(fit.n_chose_1), np.asarray(fit.n_total)
    low, high = binomial_ci(k, n)
    fine = np.linspace(-55, 55, 400)
    if sigma_ideal is not None:
        ax.plot(fine, norm.cdf(fine / sigma_ideal), "k--", lw=1.2, label="ideal observer")
    ax.plot(fine, fit.predict(fine), color="C0", label=f"fit: bias {fit.bias:+.1f} %, sigma {fit.sigma:.1f} %")
    ax.errorbar(xs, k / n, yerr=[k / n - low, high - k / n], fmt="o", color="C0", ms=5, capsize=3,
                label="agent (95 % Wilson CI)")
    is_unseen = np.isin(np.abs(xs), np.asarray(unseen, dtype=float))
    if is_unseen.any():
        ax.plot(xs[is_unseen], (k / n)[is_unseen], "o", mfc="white", mec="C0", ms=5, zorder=4,
                label="coherences never seen in training")
    ax.axhline(0.5, color="0.7", lw=0.8, ls=":")
    ax.axvline(0, color="0.7", lw=0.8, ls=":")
    ax.set_xlim(-xlim * 1.05, xlim * 1.05)
    ax.set_xlabel("signed motion coherence (%)  (+: towards choice 1)")
    ax.set_ylabel("P(choice 1)")
    return _clean(ax)


def plot_efficiency_by_coherence(ax: Axes, per_coh: dict[float, tuple[float, float, float]],
                                 overall: Any = None) -> Axes:
    """Efficiency ``(d'/d'_ideal)^2`` at each coherence with its interval (``per_coh`` from
    :func:`~neurogym_lite.psychophysics.dprime_efficiency`; coherences where it is not measurable
    are left out), the efficiency from the fitted slope as a band (``overall``, an
    :class:`~neurogym_lite.psychophysics.Efficiency`) and the ideal observer's 1."""
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
    return _clean(ax)


def plot_kernel(ax: Axes, kernel: Any, frame_ms: Any) -> Axes:
    """A psychophysical kernel (:class:`~neurogym_lite.psychophysics.Kernel`): each frame's weight on
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
    return _clean(ax)


def plot_choice_history(ax: Axes, history: Any, *, label: str = "agent (95 % CI)", color: str = "C0",
                        offset: float = 0.0, expected: bool = True) -> Axes:
    """P(repeat the previous choice) after a correct and after an error trial, with intervals
    (``history`` from :func:`~neurogym_lite.psychophysics.choice_history`), at x = 0 and 1 shifted
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
    return _clean(ax)


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
    _clean(ax)
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
    return _clean(ax)


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
    return _clean(ax)


def plot_unit_by_choice_and_coherence(ax: Axes, t_ms: Any, unit_means: dict[str, Any], unit: int,
                                      coh_colors: dict[float, Any], counts: dict[str, int],
                                      min_trials: int = 5) -> Axes:
    """One unit's average activity per condition, as a physiologist sorts a neuron's firing: a
    colour per coherence (``coh_colors``), solid for choice 1 and dashed for choice 2.
    ``unit_means`` maps ``f"{choice}|{coh:g}"`` to a (time, units) array (from
    :func:`~neurogym_lite.analysis.condition_means`); conditions with fewer than ``min_trials``
    trials (``counts``) are left out."""
    for k, color in coh_colors.items():
        for c, ls in [(1, "-"), (2, "--")]:
            key = f"{c}|{k:g}"
            if key in unit_means and counts.get(key, 0) >= min_trials:
                ax.plot(t_ms, unit_means[key][:, unit], ls, color=color, lw=1.6)
    ax.set_xlabel("time from dots onset (ms)")
    return _clean(ax)
