"""Draw the README's figure, docs/figures/overview.png, from files the package ships (nothing is
trained or simulated here):

    python tools/readme_figure.py

Left: accuracy per coherence of the 20 networks trained with notebook 2's recipe on held-out seeds
(``agents/models/population_fd_rl.json``), the shipped network and the ideal observer. Middle and
right: the reaction-time agents of ``tools/train_rt_model.py`` (``pdm_rt_lstm.json``, seeds 0-2, seed
0 shipped) beside Roitman & Shadlen's two monkeys (``behaviour/data/roitman_shadlen_2002.csv``).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from neurogym_lite.agents.pretrained import population_table, pretrained_info
from neurogym_lite.behaviour.monkeys import monkey_data
from neurogym_lite.behaviour.plotting import coherence_x, log_coherence_axis

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures" / "overview.png"


def main() -> None:
    table = population_table("fd_rl")
    learned = [n for n in table["networks"] if n.get("learned")]
    cohs = sorted(float(c) for c in table["shipped"]["accuracy_by_coh"])
    x = coherence_x(cohs)
    ideal = [learned[0]["engine"]["ideal_by_coh"][f"{c:g}"] for c in cohs]

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.9))
    ax = axes[0]
    for n in learned:
        ax.plot(x, [n["accuracy_by_coh"][f"{c:.1f}"] for c in cohs], "-", color="C0", alpha=0.3, lw=1)
    ax.plot([], [], "-", color="C0", alpha=0.5, label=f"{len(learned)} networks, held-out seeds")
    ax.plot(x, [table["shipped"]["accuracy_by_coh"][f"{c:.1f}"] for c in cohs], "*", color="C3", ms=11,
            label="the shipped network")
    ax.plot(x, ideal, "k--", lw=1.2, label="ideal observer")
    log_coherence_axis(ax, cohs)
    ax.set(ylabel="fraction correct", title="Fixed-duration task: LSTMs trained by RL")
    ax.legend(fontsize=8, loc="lower right")

    rt = pretrained_info("pdm_rt_lstm")["per_seed"]
    monkeys = monkey_data()
    rt_cohs = sorted(float(c) for c in rt["0"]["accuracy_by_coh"])
    xr = coherence_x(rt_cohs)
    for seed, run in sorted(rt.items()):
        style = {"color": "C3", "marker": "*", "ms": 10} if seed == "0" else {"color": "C3", "alpha": 0.4}
        label = "RT agent, shipped (seed 0)" if seed == "0" else ("RT agents, seeds 1-2" if seed == "1" else None)
        axes[1].plot(xr, [run["accuracy_by_coh"][f"{c:.1f}"] for c in rt_cohs], "-", label=label, **style)
        axes[2].plot(xr, [run["mean_rt_by_coh"][f"{c:.1f}"] for c in rt_cohs], "-", label=label, **style)
    for m, color in zip(sorted(monkeys), ("k", "0.55"), strict=True):
        d = monkeys[m]
        xm = coherence_x(d["coh"])
        axes[1].plot(xm, d["p_correct"], "o-", color=color, ms=4, label=f"monkey {m}")
        axes[2].errorbar(xm, d["mean_rt"], yerr=d["sem_rt"], fmt="o-", color=color, ms=4, label=f"monkey {m}")
    log_coherence_axis(axes[1], rt_cohs)
    log_coherence_axis(axes[2], rt_cohs)
    axes[1].set(ylabel="fraction correct", title="Reaction-time task: accuracy")
    axes[2].set(ylabel="mean reaction time (ms)",
                title="Reaction times (agents: no motor delay added)")
    axes[1].legend(fontsize=8, loc="lower right")
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, dpi=110)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
