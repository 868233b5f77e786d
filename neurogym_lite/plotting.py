"""Plot what an agent saw and did on a task: ``plot_env`` (NeuroGym-compatible signature)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from neurogym_lite.rollout import Rollout, run_env

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_env", "plot_rollout"]

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
    the agent's actions against the correct action, rewards, and each trial's outcome. Dotted
    lines mark trial boundaries; shading marks the periods of each trial. The title names the
    task and the agent. ``ob_traces`` labels the observation entries (one label per entry).
    Returns the matplotlib Figure (also saved to ``fname`` when given).
    """
    n_obs = int(np.prod(env.observation_space.shape))
    if ob_traces is not None:
        if isinstance(ob_traces, str) or not isinstance(ob_traces, Sequence):
            raise TypeError(f"ob_traces must be a list of labels, one per observation entry, got {ob_traces!r}")
        if len(ob_traces) != n_obs:
            raise ValueError(
                f"ob_traces has {len(ob_traces)} labels but the observation has {n_obs} entries; "
                "give one label per entry"
            )
    rollout = run_env(env, num_steps=num_steps, num_trials=num_trials, def_act=def_act, model=model,
                      deterministic=deterministic, reset_state_each_trial=reset_state_each_trial, seed=seed)
    return plot_rollout(rollout, name=name, legend=legend, ob_traces=ob_traces, fig_kwargs=fig_kwargs,
                        fname=fname, plot_performance=plot_performance)


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


def plot_rollout(
    rollout: Rollout,
    name: str | None = None,
    legend: bool = True,
    ob_traces: Sequence[str] | None = None,
    fig_kwargs: dict[str, Any] | None = None,
    fname: str | None = None,
    plot_performance: bool = True,
) -> Figure:
    """Plot a :class:`Rollout` (the figure of :func:`plot_env`)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    labels = list(ob_traces) if ob_traces is not None else rollout.ob_names
    n_obs = rollout.obs.shape[1]
    if len(labels) != n_obs:
        raise ValueError(f"ob_traces has {len(labels)} labels but the observation has {n_obs} entries")
    n_panels = 4 if plot_performance else 3
    kwargs: dict[str, Any] = {"figsize": (11, 2.2 * n_panels + 0.6), "sharex": True}
    kwargs.update(fig_kwargs or {})
    kwargs.setdefault("sharex", True)
    fig, axes = plt.subplots(n_panels, 1, **kwargs)
    x = np.arange(rollout.num_steps)
    dt = f" (dt = {rollout.dt:g} ms)" if rollout.dt else ""

    period_names = list(dict.fromkeys(rollout.periods)) if rollout.periods is not None else []
    colors = {p: _PERIOD_COLORS[i % len(_PERIOD_COLORS)] for i, p in enumerate(period_names)}

    # Observations
    ax = axes[0]
    _shade_periods(ax, rollout, colors)
    if n_obs <= _MAX_LINE_TRACES:
        for i in range(n_obs):
            ax.plot(x, rollout.obs[:, i], drawstyle="steps-mid", lw=1.4, label=labels[i])
        ax.set_ylabel("observation\nvalue")
        handles, hlabels = ax.get_legend_handles_labels()
    else:
        im = ax.imshow(rollout.obs.T, aspect="auto", origin="lower", cmap="viridis",
                       extent=(-0.5, rollout.num_steps - 0.5, -0.5, n_obs - 0.5), interpolation="nearest")
        fig.colorbar(im, ax=ax, pad=0.01, label="value")
        ax.set_yticks(range(n_obs))
        ax.set_yticklabels(labels, fontsize=7)
        ax.set_ylabel("observation")
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

    # Rewards
    ax = axes[2]
    ax.axhline(0, color="0.7", lw=0.8)
    ax.plot(x, rollout.rewards, drawstyle="steps-mid", color="C2", lw=1.4, label="reward")
    nonzero = rollout.rewards != 0
    ax.plot(x[nonzero], rollout.rewards[nonzero], "o", color="C2", ms=4)
    lo, hi = min(rollout.rewards.min(initial=0), 0), max(rollout.rewards.max(initial=0), 1)
    ax.set_ylim(lo - 0.15 * (hi - lo), hi + 0.15 * (hi - lo))
    ax.set_ylabel("reward")
    ax.set_title("Rewards", loc="left", fontsize=10)

    # Per-trial outcome, drawn once per trial at the step that ended it
    if plot_performance:
        ax = axes[3]
        ends = rollout.trial_ends
        correct = rollout.performance == 1
        ax.plot(ends[correct], np.ones(correct.sum()), "o", color="tab:green", ms=8, label="correct")
        ax.plot(ends[~correct], np.zeros((~correct).sum()), "X", color="tab:red", ms=8, label="error / no choice")
        ax.set_yticks([0, 1])
        ax.set_yticklabels(["error", "correct"])
        ax.set_ylim(-0.5, 1.5)
        ax.set_ylabel("trial\noutcome")
        acc = f"{int(correct.sum())}/{rollout.num_trials} trials correct" if rollout.num_trials else "no trial ended"
        ax.set_title(f"Trial outcome: {acc}", loc="left", fontsize=10)
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
