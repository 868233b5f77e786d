"""Plot what an agent saw and did on a task: :func:`plot_env` (NeuroGym's signature) and
:func:`plot_rollout`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from neurogym_lite.tasks.rollout import Rollout, run_env

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "plot_env",
    "plot_rollout",
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
