"""Train the model shipped in neurogym_lite/agents/models/ (run from the repository root).

python tools/train_pretrained.py  # ~45 s of training on one CPU core

The task is the monkey-faithful one (``neurogym_lite.agents.recipe.MONKEY_TASK``), the recipe the
package's ``RECIPE`` (notebook 2's), trained for ``MONKEY_STEPS``. The JSON beside the zip records
the task, the recipe, the seed, the training time and the acceptance criteria measured on 4,000
fresh trials, and the zip's sha256 (checked by the loader).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import torch

import neurogym_lite as ngym
from neurogym_lite.agents.evaluation import evaluate
from neurogym_lite.agents.recipe import (
    MONKEY_STEPS,
    MONKEY_TASK,
    RECIPE,
    make_model,
    make_monkey_env,
    make_vec_env,
    monkey_criteria,
    recipe_json,
)

SEED = 0
EVAL_TRIALS, EVAL_SEED = 4000, 10_000
OUT = Path("neurogym_lite/agents/models")


def main() -> None:
    # A 64-unit LSTM is too small to gain from threads; on 2 cores they only contend.
    torch.set_num_threads(1)
    model = make_model(make_vec_env(make_monkey_env, seed=SEED), seed=SEED)
    t_wall, t_cpu = time.perf_counter(), time.process_time()
    model.learn(MONKEY_STEPS)
    wall, cpu = time.perf_counter() - t_wall, time.process_time() - t_cpu
    result = evaluate(model, make_monkey_env, num_trials=EVAL_TRIALS, seed=EVAL_SEED)
    crit = monkey_criteria(result, make_monkey_env())
    print(result.summary())
    print({k: v for k, v in crit.items() if k not in ("accuracy_by_coh",)})
    if not crit["meets_criterion"] and "--force" not in sys.argv:
        raise SystemExit("the trained model misses the monkey criterion; not saved (--force saves it anyway)")
    OUT.mkdir(parents=True, exist_ok=True)
    zip_path = OUT / "pdm_lstm.zip"
    model.save(zip_path)
    info = {
        "task": "PerceptualDecisionMaking-v0",
        "pass_reward": True,
        "env_kwargs": json.loads(json.dumps(MONKEY_TASK, default=list)),
        "recipe": recipe_json(RECIPE),
        "seed": SEED,
        "total_timesteps": MONKEY_STEPS,
        "training_seconds": round(wall, 1),
        "training_cpu_seconds": round(cpu, 1),
        "evaluation": {
            "num_trials": result.num_trials,
            "seed": EVAL_SEED,
            "deterministic": True,
            "accuracy": round(result.accuracy, 4),
            "accuracy_by_coh": {str(k): round(v, 4) for k, v in crit["accuracy_by_coh"].items()},
            "ideal_observer_by_coh": {str(k): round(v, 4) for k, v in crit["ideal_by_coh"].items()},
            "z_vs_ideal_by_coh": {str(k): round(v, 2) for k, v in crit["z_vs_ideal"].items()},
            "fixation_break_rate": round(crit["fix_break_rate"], 5),
            "aborted_trials": crit["aborted_trials"],
            "p_choice1_at_0": round(crit["p_choice1_at_0"], 4),
            "n_choice_at_0": crit["n_choice_at_0"],
            "meets_criterion": crit["meets_criterion"],
        },
        "versions": {"torch": torch.__version__, "neurogym_lite": ngym.__version__},
        "sha256": hashlib.sha256(zip_path.read_bytes()).hexdigest(),
    }
    (OUT / "pdm_lstm.json").write_text(json.dumps(info, indent=2) + "\n")
    print(f"wrote {zip_path} ({zip_path.stat().st_size / 1e3:.0f} kB) and pdm_lstm.json")


if __name__ == "__main__":
    main()
