"""Worker of benchmarks/time_to_criterion.py: train one recipe on one seed on the monkey task,
evaluating every ``eval_every`` steps, until the criterion holds ``stay_evals`` times in a row.

Reads a JSON dict of arguments on stdin, prints one JSON line with the result (progress on stderr).
Training time is the process's CPU time (``time.process_time``) spent in ``model.learn`` minus the
evaluations, so that other jobs on a shared machine slow the clock but not the count.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

# The repository's own package, whatever is installed (the benchmark runner drops PYTHONPATH).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def build_overrides(raw: dict[str, Any]) -> dict[str, Any]:
    """JSON-able recipe overrides -> ``make_model`` keyword arguments (classes named by string)."""
    overrides = json.loads(json.dumps(raw))
    pk = overrides.get("policy_kwargs", {})
    if pk.get("features_extractor_class") == "ScaledInput":
        from neurogym_lite.agents.policy import ScaledInput

        pk["features_extractor_class"] = ScaledInput
    return overrides


def run(args: dict[str, Any]) -> dict[str, Any]:
    import torch

    torch.set_num_threads(int(args.get("threads", 1)))
    from stable_baselines3.common.callbacks import BaseCallback

    from neurogym_lite.agents.evaluation import evaluate
    from neurogym_lite.agents.recipe import make_model, make_monkey_env, make_vec_env, monkey_criteria

    seed = int(args["seed"])
    overrides = build_overrides(args.get("overrides", {}))
    n_envs = overrides.pop("n_envs", 8)
    cap, every, stay = int(args["cap_steps"]), int(args["eval_every"]), int(args.get("stay_evals", 2))
    n_eval, eval_seed = int(args.get("eval_trials", 1000)), int(args.get("eval_seed", 100_000))
    env = make_monkey_env()
    model = make_model(make_vec_env(make_monkey_env, n_envs=n_envs, seed=seed), seed=seed, **overrides)
    evals: list[dict[str, Any]] = []
    state = {"eval_cpu": 0.0, "next": every, "run_start": None, "t0": 0.0}

    class Eval(BaseCallback):
        def _on_step(self) -> bool:
            return True

        def _on_rollout_end(self) -> None:
            # Evaluate at rollout ends (the policy is updated between rollouts, not inside).
            pass

        def _on_rollout_start(self) -> None:
            if self.num_timesteps < state["next"]:
                return
            state["next"] += every
            t0 = time.process_time()
            c = monkey_criteria(evaluate(model, make_monkey_env, n_eval, seed=eval_seed), env)
            state["eval_cpu"] += time.process_time() - t0
            train_s = time.process_time() - state["t0"] - state["eval_cpu"]
            evals.append({"steps": int(self.num_timesteps), "train_cpu_s": round(train_s, 2),
                          "fix_break_rate": round(c["fix_break_rate"], 4),
                          "p_choice1_at_0": round(c["p_choice1_at_0"], 3),
                          "min_z": round(min(c["z_vs_ideal"].values()), 2), "ok": c["meets_criterion"]})
            print(json.dumps(evals[-1]), file=sys.stderr, flush=True)
            if c["meets_criterion"]:
                state["run_start"] = len(evals) - 1 if state["run_start"] is None else state["run_start"]
            else:
                state["run_start"] = None

    state["t0"] = time.process_time()
    model.learn(total_timesteps=cap, callback=Eval())
    train_s = time.process_time() - state["t0"] - state["eval_cpu"]
    rs = state["run_start"]
    met = rs is not None and len(evals) - rs >= stay
    final = monkey_criteria(evaluate(model, make_monkey_env, int(args.get("final_trials", 4000)),
                                     seed=eval_seed + 1000), env)
    return {"recipe": args.get("recipe", ""), "overrides": args.get("overrides", {}), "seed": seed,
            "met": met, "steps_at_criterion": evals[rs]["steps"] if met else None,
            "cpu_s_at_criterion": evals[rs]["train_cpu_s"] if met else None,
            "steps": int(model.num_timesteps), "train_cpu_s": train_s,
            "steps_per_cpu_s": model.num_timesteps / train_s,
            "final": {k: v for k, v in final.items() if k != "ideal_by_coh"}, "evals": evals}


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")
    print(json.dumps(run(json.loads(sys.stdin.read() or "{}")), default=str), flush=True)
