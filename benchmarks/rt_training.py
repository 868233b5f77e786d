"""Reaction-time agent: training time and the effect of the reward design, side by side.

    python benchmarks/rt_training.py                      # every design, seeds 0 1 2 (~1-2 h of CPU)
    python benchmarks/rt_training.py --designs default --seeds 0

Each run trains ``RecurrentPPO`` with ``neurogym_lite.reaction_times.train_rt_agent`` (one torch
thread) on ``PerceptualDecisionMakingRT-v0`` with a design's task and recipe changes, then applies
notebook 7's checks on the monkeys' six coherences (``tools/train_rt_model.py:evaluate``). Prints a
table and writes ``benchmarks/results/rt_training.json``. Training seconds are wall time: on a
shared machine, compare designs within one run only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from train_rt_model import evaluate  # noqa: E402

from neurogym_lite import reaction_times as rts  # noqa: E402

#: name -> (task kwargs, recipe overrides, training steps)
DESIGNS: dict[str, tuple[dict, dict, int]] = {
    "default": ({}, {}, rts.RT_TOTAL_TIMESTEPS),
    "fail -1, fixation 200 ms, gamma 0.99": (
        {"timing": {"fixation": 200}, "rewards": {"fail": -1.0, "miss": -1.0}}, {"gamma": 0.99}, 200_000),
    "fail -2, fixation 200 ms, gamma 0.99": ({"timing": {"fixation": 200}}, {"gamma": 0.99}, 200_000),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--designs", nargs="+", default=list(DESIGNS), choices=list(DESIGNS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = []
    for name in args.designs:
        env_kwargs, overrides, steps = DESIGNS[name]
        for seed in args.seeds:
            model, seconds = rts.train_rt_agent(seed=seed, total_timesteps=steps, env_kwargs=env_kwargs, **overrides)
            rows.append({"design": name, "seed": seed, "steps": steps, "training_seconds": round(seconds, 1),
                         **evaluate(model)})
            r = rows[-1]
            print(f"| {name} | {seed} | {steps} | {seconds:.0f} | {r['answered']:.3f} | "
                  f"{r['median_rt_0_frames']:.0f} | {r['checks']['rt_range_ms']:.0f} | {r['checks']}", flush=True)
    out = ROOT / "benchmarks" / "results" / "rt_training.json"
    out.write_text(json.dumps({"machine": "shared 2-core VM", "runs": rows}, indent=2) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
