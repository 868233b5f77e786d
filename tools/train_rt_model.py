"""Train the reaction-time agent shipped as neurogym_lite/agents/models/pdm_rt_lstm.zip (run from the
repository root), on several seeds, and record how every seed does.

    python tools/train_rt_model.py                 # seeds 0 1 2 (two at a time), ships seed 0
    python tools/train_rt_model.py --seeds 0 --steps 400000 --jobs 1

Each seed is trained with ``neurogym_lite.agents.recipe.train_rt_agent`` (notebook 2's recipe with
``RT_RECIPE``) on ``PerceptualDecisionMakingRT-v0`` with its defaults, then tested on the monkeys'
six coherences. The JSON beside the model records the recipe, the per-seed results and the zip's
sha256 (``load_pretrained`` checks it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch

import neurogym_lite as ngym
from neurogym_lite.agents.recipe import RECIPE, RT_RECIPE, RT_TOTAL_TIMESTEPS, train_rt_agent
from neurogym_lite.behaviour.reaction_times import collect_rts, rt_summary

OUT = Path("neurogym_lite/agents/models")
NAME = "pdm_rt_lstm"
MONKEY_COHS = [0.0, 3.2, 6.4, 12.8, 25.6, 51.2]


def evaluate(model: Any, num_trials: int = 3000, seed: int = 2024) -> dict[str, Any]:
    """The checks of notebook 7 for one trained agent, on the monkeys' coherences."""

    def make_env():
        return ngym.make_env("PerceptualDecisionMakingRT-v0", cohs=MONKEY_COHS)

    data = collect_rts(model, make_env, num_trials, seed=seed)
    s = rt_summary(data)
    cohs = sorted(s)
    acc = np.array([s[c]["accuracy"] for c in cohs])
    mean_rt = np.array([s[c]["mean_rt"] for c in cohs])
    low = (data.coh > 0) & (data.coh <= 12.8) & data.answered
    err, ok = data.rt[low & ~data.correct], data.rt[low & data.correct]
    return {
        "num_trials": num_trials,
        "answered": round(float(data.answered.mean()), 4),
        "accuracy_by_coh": {str(c): round(float(a), 4) for c, a in zip(cohs, acc, strict=True)},
        "mean_rt_by_coh": {str(c): round(float(r), 1) for c, r in zip(cohs, mean_rt, strict=True)},
        "median_rt_0_frames": float(s[0.0]["median_rt"] / data.dt),
        "mean_rt_error_low_coh": round(float(err.mean()), 1),
        "mean_rt_correct_low_coh": round(float(ok.mean()), 1),
        "checks": {
            "accuracy_rises": bool(abs(acc[0] - 0.5) < 0.05 and acc[-1] > 0.95 and np.all(np.diff(acc) > -0.02)),
            "rt_falls": bool(np.all(np.diff(mean_rt) < 0)),
            "rt_range_ms": round(float(mean_rt[0] - mean_rt[-1]), 1),
            "median_rt_0_at_least_10_frames": bool(s[0.0]["median_rt"] / data.dt >= 10),
            "errors_slower_low_coh": bool(err.mean() > ok.mean()),
        },
    }


def train_and_evaluate(seed: int, steps: int) -> dict[str, Any]:
    """One seed, in its own process: train, evaluate, save the model to a temporary file."""
    import tempfile

    torch.set_num_threads(1)  # a 64-unit LSTM does not gain from threads; on 2 cores they only contend
    model, seconds = train_rt_agent(seed=seed, total_timesteps=steps)
    path = Path(tempfile.mkdtemp()) / f"seed{seed}.zip"
    model.save(path)
    return {"path": str(path), "result": {"training_seconds": round(seconds, 1), **evaluate(model)}}


def ship(model: Any, info: dict[str, Any]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    zip_path = OUT / f"{NAME}.zip"
    model.save(zip_path)
    info["sha256"] = hashlib.sha256(zip_path.read_bytes()).hexdigest()
    (OUT / f"{NAME}.json").write_text(json.dumps(info, indent=2) + "\n")
    print("wrote", zip_path, f"({zip_path.stat().st_size / 1e6:.2f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=RT_TOTAL_TIMESTEPS)
    parser.add_argument("--ship", type=int, default=0, help="the seed whose model is shipped")
    parser.add_argument("--jobs", type=int, default=2, help="seeds trained at once (one process and CPU core each)")
    args = parser.parse_args()
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from sb3_contrib import RecurrentPPO

    per_seed, shipped = {}, None
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=mp.get_context("spawn")) as pool:
        futures = {seed: pool.submit(train_and_evaluate, seed, args.steps) for seed in args.seeds}
        for seed, future in futures.items():
            out = future.result()
            per_seed[str(seed)] = out["result"]
            print(f"seed {seed}:", json.dumps(out["result"]))
            if seed == args.ship:
                shipped = RecurrentPPO.load(out["path"], device="cpu")
    info = {
        "task": "PerceptualDecisionMakingRT-v0",
        "pass_reward": True,
        "env_kwargs": {},  # the task's defaults
        "recipe": {**RECIPE, **RT_RECIPE},
        "seed": args.ship,
        "total_timesteps": args.steps,
        "per_seed": per_seed,
        "versions": {"torch": torch.__version__, "neurogym_lite": ngym.__version__},
    }
    if shipped is not None:
        ship(shipped, info)


if __name__ == "__main__":
    main()
