"""Notebook 10's dynamics measures for every network of a population (run from the repository root).

    python tools/build_populations.py train fd_rl         # the networks (if not trained yet)
    python tools/population_dynamics.py fd_rl rt_rl       # -> neurogym_lite/agents/models/population_<name>_dynamics.json

Each trained network of ``populations/models/<name>/`` (the population engine's store) and the
shipped agent are measured by :func:`neurogym_lite.neural.dynamics_measures.measure_dynamics` on
their own fresh trials (seeded from the population's evaluation seed + 2,000,003: trials no other
measure used), on the task the shipped agent was trained on. The table records the weights'
SHA-256 of each network measured: training is not bit-reproducible across processors, so a
population retrained on another machine has other weights than the ones behind
``population_<name>.json`` (same seeds and recipe), and the table says which ones it measured.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = {"fd_rl": "pdm_lstm", "rt_rl": "pdm_rt_lstm"}
N_TRIALS = {"fd_rl": 600, "rt_rl": 400}


def _measure(job: tuple[str, str, int, int]) -> tuple[int, dict[str, Any]]:
    name, path, seed, trial_seed = job
    import numpy as np
    import torch
    from sb3_contrib import RecurrentPPO

    from neurogym_lite.agents.pretrained import make_pretrained_env
    from neurogym_lite.neural.dynamics_measures import measure_dynamics

    torch.set_num_threads(1)
    t0 = time.process_time()
    try:
        model = RecurrentPPO.load(path, device="cpu")
        out = measure_dynamics(model, make_pretrained_env(SHIPPED[name]), n_trials=N_TRIALS[name], seed=trial_seed)
    except Exception as e:  # recorded, not hidden: the table says which network could not be measured
        return seed, {"error": f"{type(e).__name__}: {e}"}
    out["weights_sha256"] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    out["cpu_seconds"] = time.process_time() - t0
    return seed, json.loads(json.dumps(out, default=lambda v: v.item() if isinstance(v, np.generic) else str(v)))


def measure(name: str, workers: int) -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    from build_populations import STORE, configs_of, evaluation_seed

    from neurogym_lite.agents.population import check_config, results, run_key

    frame = results(STORE / f"{name}.journal", name)
    done = {int(r["seed"]) for r in frame.to_dict("records") if r["state"] == "COMPLETE"}
    jobs = []
    for c in configs_of(name):
        path = STORE / "models" / name / f"{run_key(check_config(c))}.zip"
        if c["seed"] in done and path.exists():
            jobs.append((name, str(path), c["seed"], evaluation_seed(c["seed"]) + 2_000_003))
    from importlib import resources

    shipped = resources.files("neurogym_lite.agents") / "models" / f"{SHIPPED[name]}.zip"
    jobs.append((name, str(shipped), 0, evaluation_seed(0) + 2_000_003))
    print(f"{name}: measuring {len(jobs) - 1} network(s) and the shipped {SHIPPED[name]}")
    with mp.get_context("spawn").Pool(workers) as pool:
        measured = dict(pool.map(_measure, jobs))
    table = {
        "population": name,
        "shipped": {"name": SHIPPED[name], **measured.pop(0)},
        "networks": [{"seed": s, **m} for s, m in sorted(measured.items())],
        "command": f"python tools/population_dynamics.py {name}",
        "about": "per network: slow points of the actor LSTM under the 0 % stimulus, their slowest eigenvalue and "
                 "time constant, alignment of the slowest mode and of the input's push with the choice axis, a "
                 "pulse of evidence's effect over time; fixed-duration task: pulse kernel at the choice and a push "
                 "along the choice axis at the last frame (neurogym_lite.neural.dynamics_measures.measure_dynamics)",
    }
    out = ROOT / "neurogym_lite" / "agents" / "models" / f"population_{name}_dynamics.json"
    out.write_text(json.dumps(table, indent=1) + "\n")
    print(f"wrote {out.relative_to(ROOT)} ({len(table['networks'])} networks)")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("populations", nargs="+", choices=sorted(SHIPPED))
    p.add_argument("--workers", type=int, default=2)
    a = p.parse_args(argv)
    for name in a.populations:
        measure(name, a.workers)


if __name__ == "__main__":
    main()
