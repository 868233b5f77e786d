"""Benchmark 3: training time until a RecurrentPPO LSTM behaves like a trained monkey.

    python benchmarks/time_to_criterion.py              # both recipes, 3 seeds, capped at 100k steps
    python benchmarks/time_to_criterion.py --quick      # 1 seed, capped at 60k steps (says so)

The task is the monkey-faithful one (``neurogym_lite.agents.recipe.make_monkey_env``: the seed timing,
fixation required whenever the fixation cue is on, breaking it ends the trial). For each recipe
(``monkey``: the package's ``RECIPE``, notebook 2's; ``old``: the recipe shipped before, tuned on
the unenforced task) and each seed, a worker process trains (torch on 1 thread) and evaluates the
agent every ``--eval-every`` steps on ``--eval-trials`` fresh trials (deterministic, LSTM state
carried, the same evaluation seed every time) against the criterion of
``neurogym_lite.agents.recipe.monkey_criteria``:

- non-fixate actions on <= 2 % of the steps with the fixation cue on;
- |P(choice 1 | 0 % coherence) - 0.5| <= 0.05;
- no coherence more than 2 binomial SE below the ideal observer.

Reported: the CPU seconds of training (evaluation excluded) and steps from which each seed meets
the criterion and keeps it to the end of training (the unbroken series of passing evaluations that
ends with the final 4,000-trial one; ``never`` if the final one fails: with a learning rate that
falls to 0 over the run, the end of training is what a user gets), training steps per CPU second, and the criterion values on 4,000 fresh trials at the end of
training (the full cap, as a user who trains for the cap would get). Prints markdown tables; writes
benchmarks/results/time_to_criterion.json.

CPU seconds, not wall-clock: the machine these numbers come from is shared, so the process's own
CPU time is the measure that does not depend on other jobs (it still rises a little when they
compete for caches). The 60 s budget of the issue is wall-clock on 2 cores; with one torch thread a
run uses one core, so its CPU time is its wall-clock time on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # the repository's package

import _common as C

WORKER = C.HERE / "workers" / "time_to_criterion.py"
#: The recipe shipped before this benchmark existed (notebook 2's until then), for comparison.
OLD_RECIPE = {"n_envs": 8, "n_steps": 64, "batch_size": 256, "n_epochs": 8, "learning_rate": 1e-3,
              "gamma": 0.99, "gae_lambda": 0.95, "ent_coef": 0.0, "lstm_hidden_size": 64,
              "lr_schedule": "constant", "scale_inputs": False, "policy_kwargs": {}}


def recipes() -> dict[str, dict[str, Any]]:
    from neurogym_lite.agents.recipe import RECIPE, recipe_json

    return {"monkey": recipe_json(RECIPE), "old": OLD_RECIPE}


def fmt(x: float | None, spec: str = ".1f") -> str:
    return "never" if x is None else format(x, spec)


def reached(r: dict[str, Any]) -> tuple[float, int] | None:
    """CPU seconds and steps from which a run meets the criterion and keeps it to the end: the start
    of the unbroken series of passing evaluations that ends with the final 4,000-trial one (``None``
    if the final one fails). With a learning rate that falls to 0, the end is what a user gets."""
    if not r["final"]["meets_criterion"]:
        return None
    at = (r["train_cpu_s"], r["steps"])
    for e in reversed(r["evals"]):
        if not e["ok"]:
            break
        at = (e["train_cpu_s"], e["steps"])
    return at


def table(runs: list[dict[str, Any]]) -> str:
    lines = [
        "| recipe | seed | meets & keeps criterion from (CPU s) | steps then | train steps/CPU s | "
        "final: fixation breaks | P(choice 1 \\| 0 %) | min z vs ideal | accuracy 0/6.4/12.8/25.6/51.2 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        f = r["final"]
        by = "/".join(f"{v:.3f}" for v in f["accuracy_by_coh"].values())
        lines.append(
            f"| {r['recipe']} | {r['seed']} | {fmt(at[0] if (at := reached(r)) else None)} | "
            f"{at[1] if at else '-'} | "
            f"{r['steps_per_cpu_s']:.0f} | {100 * f['fix_break_rate']:.2f} % | {f['p_choice1_at_0']:.3f} | "
            f"{min(f['z_vs_ideal'].values()):.2f} | {by} |"
        )
    return "\n".join(lines)


def summary(runs: list[dict[str, Any]]) -> str:
    lines = ["| recipe | seeds meeting the criterion | worst seed (CPU s) | final: seeds meeting it on 4,000 trials |",
             "|---|---|---|---|"]
    for name in dict.fromkeys(r["recipe"] for r in runs):
        rs = [r for r in runs if r["recipe"] == name]
        ok = [at[0] for r in rs if (at := reached(r))]
        worst = f"{max(ok):.1f}" if len(ok) == len(rs) else "never (some seed)"
        fin = sum(r["final"]["meets_criterion"] for r in rs)
        lines.append(f"| {name} | {len(ok)}/{len(rs)} | {worst} | {fin}/{len(rs)} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1 seed, cap 60k steps")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--recipes", default="monkey,old")
    ap.add_argument("--cap", type=int, default=100_000, help="training steps per run")
    ap.add_argument("--eval-every", type=int, default=20_000)
    ap.add_argument("--eval-trials", type=int, default=1000)
    ap.add_argument("--final-trials", type=int, default=4000)
    ap.add_argument("--stay", type=int, default=2, help="evaluations in a row meeting the criterion")
    ap.add_argument("--jobs", type=int, default=1, help="workers running at once (each on one core)")
    ap.add_argument("--report", metavar="JSON", help="only print the tables of an earlier run's results")
    ap.add_argument("--out", default="time_to_criterion.json", help="file name in benchmarks/results/, or a path")
    a = ap.parse_args()
    if a.report:
        done = json.loads(Path(a.report).read_text())
        print(summary(done["runs"]))
        print()
        print(table(done["runs"]))
        return
    seeds, cap = (1, 60_000) if a.quick else (a.seeds, a.cap)
    all_recipes = recipes()
    meta = {"machine": C.machine(), "versions": C.versions(C.lite_python()),
            "settings": {"quick": a.quick, "seeds": seeds, "cap_steps": cap, "eval_every": a.eval_every,
                         "eval_trials": a.eval_trials, "final_trials": a.final_trials, "stay_evals": a.stay,
                         "threads": 1, "jobs": a.jobs, "time": "process CPU seconds in model.learn, evaluations excluded"},
            "recipes": {k: all_recipes[k] for k in a.recipes.split(",")}}
    jobs = [(seed, name) for seed in range(seeds) for name in a.recipes.split(",")]
    runs: list[dict[str, Any]] = []

    def one(job: tuple[int, str]) -> dict[str, Any]:
        seed, name = job
        args = {"recipe": name, "seed": seed, "overrides": dict(all_recipes[name]), "cap_steps": cap,
                "eval_every": a.eval_every, "eval_trials": a.eval_trials, "final_trials": a.final_trials,
                "stay_evals": a.stay, "threads": 1}
        r = C.run_worker(C.lite_python(), WORKER, args)
        f = r["final"]
        at = reached(r)
        print(f"[{name} seed {seed}] criterion from {fmt(at[0] if at else None)} CPU s "
              f"({at[1] if at else None} steps); {r['steps']} steps in {r['train_cpu_s']:.1f} CPU s; final: "
              f"breaks {100 * f['fix_break_rate']:.2f} %, P(1|0%) {f['p_choice1_at_0']:.3f}, "
              f"min z {min(f['z_vs_ideal'].values()):.2f}", flush=True)
        return r

    # Each worker uses one core (torch on 1 thread): --jobs 2 runs two at once on a 2-core machine.
    with ThreadPoolExecutor(max_workers=a.jobs) as pool:
        for r in pool.map(one, jobs):
            runs.append(r)
            C.write_json(a.out, {**meta, "runs": runs, "complete": False})
    runs.sort(key=lambda r: (list(all_recipes).index(r["recipe"]), r["seed"]))
    C.write_json(a.out, {**meta, "runs": runs, "complete": True})
    print()
    print(summary(runs))
    print()
    print(table(runs))
    print(f"\n{meta['machine']['date']}, {meta['machine']['cores']} cores, load at start "
          f"{meta['machine']['loadavg_at_start']}, torch threads 1; cap {cap} steps; wrote results/{a.out}")


if __name__ == "__main__":
    main()
