"""What a fresh worker process pays before its first network trains (issue 22): the lower bound on
the population engine's fixed cost per worker.

Each repeat starts a new interpreter, as ``run_population`` starts its workers, and times in CPU
seconds, one after the other: the worker's own module (the engine, Optuna), torch, sb3-contrib, the
package's trainer and measures, and the first Adam step (torch imports ``torch._dynamo`` there, once
per process). Prints the medians and writes ``benchmarks/results/worker_start_cost.json``.

    python benchmarks/worker_start_cost.py              # 5 fresh interpreters (~1 min)
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, versions, write_json

# Run in each fresh interpreter: one CPU-time stamp after each stage, printed as JSON.
PROBE = r"""
import json, time
marks = [("start", time.process_time())]
def mark(name):
    marks.append((name, time.process_time()))
import neurogym_lite.agents.population.__main__
mark("engine module (Optuna)")
import torch
torch.set_num_threads(1)
mark("torch")
import sb3_contrib
mark("sb3-contrib")
import neurogym_lite.agents.population.measures, neurogym_lite.agents.recipe
import neurogym_lite.behaviour.ideal_observer, neurogym_lite.behaviour.psychometric
mark("trainer and measures")
layer = torch.nn.Linear(3, 2)
opt = torch.optim.Adam(layer.parameters())
layer(torch.zeros(1, 3)).sum().backward()
opt.step()
mark("first Adam step (torch._dynamo)")
print(json.dumps({n: t1 - t0 for (_, t0), (n, t1) in zip(marks, marks[1:])}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", default="worker_start_cost.json")
    args = parser.parse_args()
    runs = []
    for r in range(args.repeats):
        out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
        print(f"repeat {r}: {sum(runs[-1].values()):.2f} CPU s", flush=True)
    stages = list(runs[0])
    medians = {s: statistics.median(run[s] for run in runs) for s in stages}
    total = statistics.median(sum(run.values()) for run in runs)
    print("\n| stage | CPU s (median) |\n|---|---|")
    for s in stages:
        print(f"| {s} | {medians[s]:.2f} |")
    print(f"| total | {total:.2f} |")
    write_json(args.out, {"machine": machine(), "versions": versions(sys.executable), "repeats": args.repeats,
                          "runs": runs, "median_cpu_seconds": medians, "median_total_cpu_seconds": total})


if __name__ == "__main__":
    main()
