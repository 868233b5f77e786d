"""Train the model shipped in neurogym_lite/models/ (run from the repository root).

python tools/train_pretrained.py  # ~13 s of training on one CPU core
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import torch

import neurogym_lite as ngym
from neurogym_lite.evaluation import evaluate, ideal_observer
from neurogym_lite.training import RECIPE, SEED_TIMING, make_model, make_vec_env

SEED = 0
TOTAL_TIMESTEPS = 40_000
OUT = Path("neurogym_lite/models")


def main() -> None:
    # A 64-unit LSTM is too small to gain from threads; on 2 cores they only contend.
    torch.set_num_threads(1)
    env_kwargs = {"dt": 100, "timing": SEED_TIMING}

    def make_env():
        return ngym.make_env("PerceptualDecisionMaking-v0", **env_kwargs)

    model = make_model(make_vec_env(make_env, seed=SEED), seed=SEED)
    t0 = time.perf_counter()
    model.learn(TOTAL_TIMESTEPS)
    seconds = time.perf_counter() - t0
    result = evaluate(model, make_env, num_trials=2000, seed=10_000)
    print(result.summary())
    OUT.mkdir(parents=True, exist_ok=True)
    model.save(OUT / "pdm_lstm.zip")
    info = {
        "task": "PerceptualDecisionMaking-v0",
        "pass_reward": True,
        "env_kwargs": {"dt": 100, "timing": {k: list(v) for k, v in SEED_TIMING.items()}},
        "recipe": RECIPE,
        "seed": SEED,
        "total_timesteps": TOTAL_TIMESTEPS,
        "training_seconds": round(seconds, 1),
        "evaluation": {
            "num_trials": result.num_trials,
            "accuracy": round(result.accuracy, 4),
            "accuracy_by_coh": {str(k): round(v, 4) for k, v in result.accuracy_by_coh.items()},
            "ideal_observer_by_coh": {str(k): round(v, 4) for k, v in ideal_observer(make_env()).items()},
        },
        "versions": {"torch": torch.__version__, "neurogym_lite": ngym.__version__},
        # load_pretrained checks it, so that a damaged file is reported as damaged
        "sha256": hashlib.sha256((OUT / "pdm_lstm.zip").read_bytes()).hexdigest(),
    }
    (OUT / "pdm_lstm.json").write_text(json.dumps(info, indent=2) + "\n")


if __name__ == "__main__":
    main()
