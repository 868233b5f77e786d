"""Worker of dataset_speed.py: time one side's ``Dataset`` calls; one JSON line per request.

Runs in either virtualenv: ``side`` is ``lite`` (neurogym_lite.Dataset) or ``neurogym``
(neurogym.Dataset of NeuroGym 2.3.1, in benchmarks/.neurogym-venv). The first stdin line
configures the worker (``side``, ``batch_size``, ``seq_len``, ``seed``); each later line is
``{"setup": name, "calls": n}`` and is answered with the steps per second of ``n`` calls.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

TASK = "PerceptualDecisionMaking-v0"
SEED_TIMING = {"fixation": ("constant", 300), "stimulus": ("constant", 500), "decision": ("constant", 300)}
#: set-up name -> env_kwargs (the same on both sides)
SETUPS: dict[str, dict[str, Any]] = {
    # the seed notebook's task: 11-step trials
    "seed task (dt=100, 300/500/300 ms)": {"dt": 100, "timing": SEED_TIMING},
    # NeuroGym's supervised PyTorch example: default timing, 22-step trials
    "NeuroGym example (dt=100, default timing)": {"dt": 100},
}


def build(side: str, kwargs: dict[str, Any], batch_size: int, seq_len: int, seed: int) -> Any:
    if side == "neurogym":
        import neurogym as ngym

        ds = ngym.Dataset(TASK, env_kwargs=kwargs, batch_size=batch_size, seq_len=seq_len)
        ds.seed(seed)
        return ds
    if side == "lite":
        # The checkout this script lives in (run_worker drops PYTHONPATH; an installed copy may be older).
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        import neurogym_lite as ngym

        return ngym.Dataset(TASK, env_kwargs=kwargs, batch_size=batch_size, seq_len=seq_len, seed=seed)
    raise ValueError(f"unknown side {side!r}")


def main() -> None:
    import warnings

    # NeuroGym 2.3.1 warns on every wrapper attribute access (env.new_trial through gym.make's
    # wrappers); printing those would be timed too.
    warnings.simplefilter("ignore")
    config = json.loads(sys.stdin.readline())
    side = config["side"]
    datasets = {name: build(side, kw, config["batch_size"], config["seq_len"], config["seed"])
                for name, kw in SETUPS.items()}
    for ds in datasets.values():  # warm-up: first calls, caches, imports
        for _ in range(20):
            ds()
    print(json.dumps({"ready": side}), flush=True)
    steps_per_call = config["batch_size"] * config["seq_len"]
    for line in sys.stdin:
        req = json.loads(line)
        ds = datasets[req["setup"]]
        n = int(req["calls"])
        t0 = time.perf_counter()
        for _ in range(n):
            ds()
        dt = time.perf_counter() - t0
        print(json.dumps({"seconds": dt, "calls": n, "steps_per_s": n * steps_per_call / dt}), flush=True)


if __name__ == "__main__":
    main()
