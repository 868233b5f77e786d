"""Benchmark 2: training seconds until a RecurrentPPO LSTM is accurate, neurogym_lite vs NeuroGym.

    python benchmarks/time_to_accuracy.py            # full: seed recipe capped at 100k steps a seed
    python benchmarks/time_to_accuracy.py --quick    # seed recipe capped at 20k steps (says so)

For each recipe (notebook 2's before the monkey task, ``time_to_criterion.OLD_RECIPE``; the seed's: RecurrentPPO defaults, one env) and each of 3
seeds, both sides train on PerceptualDecisionMaking-v0 with the seed's kwargs (each side in its
own subprocess, the two sides alternating), evaluated every ``--eval-every`` steps on
``--eval-trials`` trials (deterministic, LSTM state carried, same evaluation seed). Reported:
training seconds (evaluation excluded) until accuracy first reaches 0.82 (0.95x the ideal
observer's 0.865) and until it reaches it and stays there for ``--stay`` evaluations in a row
(training stops then), steps per second, final accuracy per coherence on 1000 trials.
torch uses 1 thread on both sides (``--threads``). Prints a markdown table; writes
benchmarks/results/time_to_accuracy.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C

WORKER = C.HERE / "workers" / "time_to_accuracy.py"
THRESHOLD = 0.82
CAPS = {"notebook": 100_000, "seed": 100_000}
QUICK_CAPS = {"notebook": 60_000, "seed": 20_000}


def check_recipe_matches() -> None:
    """The worker restates the recipe for the NeuroGym side: it must equal the one kept for comparison."""
    sys.path.insert(0, str(C.HERE))
    from time_to_criterion import OLD_RECIPE
    from workers import time_to_accuracy as tta_worker

    old = {k: v for k, v in OLD_RECIPE.items() if k not in ("lr_schedule", "scale_inputs", "policy_kwargs")}
    if old != tta_worker.NOTEBOOK_RECIPE:
        raise SystemExit(f"tta_worker.NOTEBOOK_RECIPE {tta_worker.NOTEBOOK_RECIPE} != time_to_criterion.OLD_RECIPE {old}")


def fmt_s(x: float | None) -> str:
    return "never" if x is None else f"{x:.1f}"


def table(runs: list[dict[str, Any]], caps: dict[str, int]) -> str:
    lines = [
        "| recipe (cap) | side | seed | first ≥0.82 (s) | stays ≥0.82 from (s) | steps then | train steps/s | final acc | acc by coherence 0/6.4/12.8/25.6/51.2 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        by = "/".join(f"{r['final_by_coh'].get(k, float('nan')):.2f}" for k in ("0", "6.4", "12.8", "25.6", "51.2"))
        lines.append(
            f"| {r['recipe']} ({caps[r['recipe']] // 1000}k) | {r['side']} | {r['seed']} | {fmt_s(r['t_first_s'])} | "
            f"{fmt_s(r['t_stay_s'])} | {r['steps_at_stay'] or '-'} | {r['steps_per_s']:.0f} | "
            f"{r['final_accuracy']:.3f} | {by} |"
        )
    return "\n".join(lines)


def summary(runs: list[dict[str, Any]]) -> str:
    lines = [
        "| recipe | side | seeds staying ≥0.82 | median stays-from (s) | median train steps/s | median final acc |",
        "|---|---|---|---|---|---|",
    ]
    for recipe in dict.fromkeys(r["recipe"] for r in runs):
        for side in ("lite", "neurogym"):
            rs = [r for r in runs if r["recipe"] == recipe and r["side"] == side]
            if not rs:
                continue
            ok = [r["t_stay_s"] for r in rs if r["t_stay_s"] is not None]
            med = f"{C.median(ok):.1f}" if len(ok) * 2 > len(rs) else "never (most seeds)"
            name = "neurogym_lite" if side == "lite" else "NeuroGym 2.3.1"
            lines.append(
                f"| {recipe} | {name} | {len(ok)}/{len(rs)} | {med} | "
                f"{C.median([r['steps_per_s'] for r in rs]):.0f} | {C.median([r['final_accuracy'] for r in rs]):.3f} |"
            )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help=f"cap steps at {QUICK_CAPS} instead of {CAPS}")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--recipes", default="notebook,seed")
    ap.add_argument("--sides", default="lite,neurogym")
    ap.add_argument("--eval-every", type=int, default=4096)
    ap.add_argument("--eval-trials", type=int, default=300)
    ap.add_argument("--stay", type=int, default=3, help="evaluations in a row >= 0.82 that count as staying")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads on both sides")
    ap.add_argument("--out", default="time_to_accuracy.json", help="file name in benchmarks/results/, or a path")
    a = ap.parse_args()

    check_recipe_matches()
    caps = QUICK_CAPS if a.quick else CAPS
    sides = a.sides.split(",")
    pythons = {"lite": C.lite_python()}
    if "neurogym" in sides:
        pythons["neurogym"] = C.ensure_neurogym_venv()
    meta = {"machine": C.machine(), "versions": {s: C.versions(p) for s, p in pythons.items()},
            "settings": {"quick": a.quick, "caps": caps, "eval_every": a.eval_every, "eval_trials": a.eval_trials,
                         "threshold": THRESHOLD, "stay_evals": a.stay, "threads": a.threads,
                         "ideal_observer": 0.865, "final_trials": 1000}}
    runs: list[dict[str, Any]] = []
    k = 0
    for recipe in a.recipes.split(","):
        for seed in range(a.seeds):
            order = sides if k % 2 == 0 else sides[::-1]  # alternate which side goes first
            k += 1
            for side in order:
                args = {"side": side, "recipe": recipe, "seed": seed, "cap_steps": caps[recipe],
                        "eval_every": a.eval_every, "eval_trials": a.eval_trials, "threshold": THRESHOLD,
                        "stay_evals": a.stay, "threads": a.threads}
                r = C.run_worker(pythons[side], WORKER, args)
                runs.append(r)
                print(f"[{recipe} seed {seed} {side}] stays from {fmt_s(r['t_stay_s'])} s, first {fmt_s(r['t_first_s'])} s, "
                      f"{r['steps']} steps in {r['train_s']:.1f} s, final {r['final_accuracy']:.3f}", flush=True)
                C.write_json(a.out, {**meta, "runs": runs, "complete": False})
    C.write_json(a.out, {**meta, "runs": runs, "complete": True})
    print()
    print(summary(runs))
    print()
    print(table(runs, caps))
    print(f"\n{meta['machine']['date']}, {meta['machine']['cores']} cores, Python {meta['machine']['python']}, "
          f"torch threads {a.threads}; {'QUICK caps ' if a.quick else 'caps '}{caps}; wrote results/{a.out}")


if __name__ == "__main__":
    main()
