"""Where an RT agent's training time goes, and what a different rollout layout saves (issue 23).

Trains the reaction-time recipe (``RT_RECIPE``: 8 envs x 256 steps per rollout, minibatches of 256,
8 epochs) and variants of its rollout layout side by side, in one process, repeats interleaved with
the order rotated, torch on one thread. Each run: a warm-up of 8,192 steps (the first rollout of an RT
agent updates its LSTM step by step: every sequence starts an episode), then ``--steps`` more, timed
in CPU seconds and split into rollout collection (policy forward passes and env steps) and PPO
updates. Prints a markdown table of medians (CPU s per 100,000 steps) and writes
``benchmarks/results/rt_training_speed.json``. What each layout's agents then *do* is measured on
whole trainings by ``tools/build_populations.py`` (``rt_rl_fast_try*``; benchmarks/README.md, section 5).

    python benchmarks/rt_training_speed.py                 # 3 repeats x 20,480 steps x 6 layouts (~5 min)
    python benchmarks/rt_training_speed.py --steps 4096 --repeats 1   # try-out
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, versions, write_json

#: the rollout layouts compared (every one collects 2,048 steps per rollout)
LAYOUTS: dict[str, dict[str, Any]] = {
    "recipe: 8 envs x 256 steps, 8 epochs": {},
    "32 envs x 64 steps, 8 epochs": {"n_envs": 32, "n_steps": 64},
    "16 envs x 128 steps, 4 epochs": {"n_envs": 16, "n_steps": 128, "n_epochs": 4},
    "16 envs x 128 steps, minibatches of 512, 4 epochs": {"n_envs": 16, "n_steps": 128, "batch_size": 512,
                                                          "n_epochs": 4},
    # the other half of the profile: two LSTMs (actor's, critic's) in every pass; one, read by the critic
    "recipe with one LSTM (shared_lstm)": {"policy_kwargs": {"shared_lstm": True, "enable_critic_lstm": False}},
    "32 envs x 64 steps, 8 epochs, one LSTM": {"n_envs": 32, "n_steps": 64,
                                               "policy_kwargs": {"shared_lstm": True, "enable_critic_lstm": False}},
}


def one_run(layout: dict[str, Any], steps: int, seed: int) -> dict[str, float]:
    import neurogym_lite as ngym
    from neurogym_lite.agents.recipe import RT_RECIPE, make_model, make_vec_env

    options = {k: (dict(v) if isinstance(v, dict) else v) for k, v in layout.items()}  # make_model pops from these
    venv = make_vec_env(lambda: ngym.make_env("PerceptualDecisionMakingRT-v0"), n_envs=options.pop("n_envs", 8),
                        seed=seed)
    model = make_model(venv, seed=seed, **{**RT_RECIPE, **options})
    model.learn(8192)  # past the first rollouts, whose step-by-step LSTM update is a one-off
    spent = {"rollout": 0.0, "update": 0.0}

    def timed(method: Any, key: str) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            t0 = time.process_time()
            try:
                return method(*args, **kwargs)
            finally:
                spent[key] += time.process_time() - t0

        return run

    model.collect_rollouts = timed(model.collect_rollouts, "rollout")
    model.train = timed(model.train, "update")
    t0 = time.process_time()
    model.learn(steps, reset_num_timesteps=False)
    total = time.process_time() - t0
    scale = 100_000 / steps
    return {"total": total * scale, "rollout": spent["rollout"] * scale, "update": spent["update"] * scale}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_480)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default="rt_training_speed.json")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    names = list(LAYOUTS)
    runs: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    for r in range(args.repeats):
        order = names[r % len(names):] + names[: r % len(names)]
        for name in order:
            runs[name].append(one_run(LAYOUTS[name], args.steps, seed=r))
            print(f"repeat {r}: {name}: {runs[name][-1]['total']:.0f} CPU s per 100k steps", flush=True)
    base = statistics.median(x["total"] for x in runs[names[0]])
    print("\n| rollout layout | CPU s per 100k steps (median) | rollouts | PPO updates | speed-up |")
    print("|---|---|---|---|---|")
    summary = {}
    for name in names:
        med = {k: statistics.median(x[k] for x in runs[name]) for k in ("total", "rollout", "update")}
        summary[name] = {**med, "speedup": base / med["total"]}
        print(f"| {name} | {med['total']:.1f} | {med['rollout']:.1f} | {med['update']:.1f} | {base / med['total']:.2f}x |")
    write_json(args.out, {"machine": machine(), "versions": versions(sys.executable), "steps": args.steps, "repeats": args.repeats,
                          "layouts": LAYOUTS, "runs": runs, "summary": summary})


if __name__ == "__main__":
    main()
