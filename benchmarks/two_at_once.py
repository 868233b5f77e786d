"""Does this machine train two networks at once as fast as it trains one? (issue 22)

The population engine's speed-up on 2 cores can never beat what the cores give two independent
trainings running side by side. This measures that ceiling without the engine: each repeat starts
fresh interpreters that import everything and train a 512-step network first (so that imports and
torch's first-use costs are paid), wait at a barrier, then train the same network (same seed, same
steps) and report its wall and CPU time:

* ``alone``: one such process, the other core idle;
* ``pair``: two such processes released at the same instant, one per core.

Repeats alternate the two (alone, pair, alone, pair, ...). Slowdown = median pair time / median alone
time: 1.00 means the two cores are independent; more means they share something (a host's hyper-
threads behind the VM's two vCPUs, cache, memory bandwidth, frequency). Prints a markdown table and
writes ``benchmarks/results/two_at_once.json``.

    python benchmarks/two_at_once.py                  # 12,288-step networks, 5 repeats (~5 min)
    python benchmarks/two_at_once.py --steps 24576 --out two_at_once_24k.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, versions, write_json

# One trainer process: warm up, say so, wait for the go, train, report.
CHILD = r"""
import json, sys, time
import torch
torch.set_num_threads(1)
from neurogym_lite.agents.population.measures import train_and_evaluate
train_and_evaluate({"seed": 99, "total_timesteps": 512, "eval_trials": 50})
print("ready", flush=True)
sys.stdin.readline()
w0, c0 = time.perf_counter(), time.process_time()
out = train_and_evaluate({"seed": 0, "total_timesteps": STEPS, "eval_trials": 1000})
print(json.dumps({"wall": time.perf_counter() - w0, "cpu": time.process_time() - c0,
                  "weights": out["weights_sha256"]}), flush=True)
"""


def run(n: int, steps: int) -> list[dict[str, Any]]:
    """Start ``n`` trainer processes, release them together once all are warm, return their reports."""
    code = CHILD.replace("STEPS", str(steps))
    procs = [subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True) for _ in range(n)]
    for p in procs:
        line = p.stdout.readline().strip() if p.stdout is not None else ""
        if line != "ready":
            for q in procs:
                q.kill()
            raise RuntimeError(f"a trainer process failed while warming up (its error is above); it said {line!r}")
    for p in procs:
        if p.stdin is not None:
            p.stdin.write("go\n")
            p.stdin.flush()
    reports = []
    for p in procs:
        out, _ = p.communicate()
        if p.returncode != 0:
            raise RuntimeError(f"a trainer process exited with code {p.returncode}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12_288, help="training steps per network")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", default="two_at_once.json")
    args = parser.parse_args()
    alone: list[dict[str, Any]] = []
    pair: list[dict[str, Any]] = []
    for r in range(args.repeats):
        alone += run(1, args.steps)
        pair += run(2, args.steps)
        print(f"repeat {r + 1}/{args.repeats}: alone {alone[-1]['wall']:.1f} s, pair {pair[-2]['wall']:.1f} and "
              f"{pair[-1]['wall']:.1f} s", flush=True)
    weights = {x["weights"] for x in alone + pair}
    assert len(weights) == 1, "the same seed trained different networks"
    med = {way: {k: statistics.median(x[k] for x in xs) for k in ("wall", "cpu")}
           for way, xs in (("alone", alone), ("pair", pair))}
    slowdown = med["pair"]["wall"] / med["alone"]["wall"]
    print("\n| way | wall s (median) | min-max | CPU s (median) |\n|---|---|---|---|")
    for way, xs in (("alone", alone), ("pair", pair)):
        walls = [x["wall"] for x in xs]
        print(f"| {way} | {med[way]['wall']:.1f} | {min(walls):.1f}-{max(walls):.1f} | {med[way]['cpu']:.1f} |")
    print(f"\nslowdown of each network when two train at once: {slowdown:.3f}x; "
          f"two cores give at most {2 / slowdown:.2f}x over one")
    write_json(args.out, {"machine": machine(), "versions": versions(sys.executable), "steps": args.steps,
                          "repeats": args.repeats, "alone": alone, "pair": pair, "median": med,
                          "pair_slowdown": slowdown, "two_core_ceiling": 2 / slowdown})


if __name__ == "__main__":
    main()
