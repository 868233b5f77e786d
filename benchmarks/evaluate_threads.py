"""evaluate() of the shipped model: caller's torch threads 1 vs default, old vs new behaviour.

Issue 9 §2: ``evaluate(load_pretrained(), make_pretrained_env, 2000)`` took 0.5 s with one torch
thread and 1.4 s with torch's default two on a quiet 2-core machine, 7.5-14.9 s with other work
running. ``evaluate`` now runs torch on one thread inside the call and restores the caller's
setting. This script measures, in one run and side by side:

* old: the evaluation loop as before (``evaluation._run_evaluation``, torch at the caller's setting);
* new: the public ``evaluate`` (one thread inside, caller's setting restored);

for a caller that left torch at its default thread count and for one that set 1 thread, with the
machine as it is and (``--busy``) with one extra busy-looping process started by this script
(killed at the end). Each (caller threads, old/new) cell is the median of ``--repeats`` runs,
interleaved (old, new, new, old, ...) so that both see the same load. Prints a table and writes
``benchmarks/results/evaluate_threads.json``.

    python benchmarks/evaluate_threads.py [--trials 2000] [--repeats 5] [--busy]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, median, write_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--busy", action="store_true", help="also measure with one busy-looping process")
    args = parser.parse_args()

    import torch

    from neurogym_lite import evaluation
    from neurogym_lite.agents.pretrained import load_pretrained, make_pretrained_env

    default_threads = torch.get_num_threads()
    model = load_pretrained()
    info = {"machine": machine(), "torch": torch.__version__, "trials": args.trials, "repeats": args.repeats,
            "default_threads": default_threads, "rows": []}

    def old(n: int) -> float:
        envs = [make_pretrained_env() for _ in range(16)]
        t0 = time.perf_counter()
        evaluation._run_evaluation(model, envs, n, 0, True, False)
        return time.perf_counter() - t0

    def new(n: int) -> float:
        t0 = time.perf_counter()
        evaluation.evaluate(model, make_pretrained_env, n)
        return time.perf_counter() - t0

    # same results, old and new (deterministic actions): the speed-up changes nothing else
    envs = [make_pretrained_env() for _ in range(16)]
    a = evaluation._run_evaluation(model, envs, 200, 0, True, False)
    b = evaluation.evaluate(model, make_pretrained_env, 200)
    assert (a.performance == b.performance).all() and a.trials == b.trials

    conditions = ["as is"] + (["+1 busy process"] if args.busy else [])
    for condition in conditions:
        busy = None
        if condition != "as is":
            busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
            time.sleep(1.0)
        try:
            for caller_threads in (default_threads, 1):
                torch.set_num_threads(caller_threads)
                old(50), new(50)  # warm-up
                times: dict[str, list[float]] = {"old": [], "new": []}
                for r in range(args.repeats):
                    order = ("old", "new") if r % 2 == 0 else ("new", "old")
                    for which in order:
                        times[which].append((old if which == "old" else new)(args.trials))
                        assert torch.get_num_threads() == caller_threads, "caller's thread setting changed"
                row = {"condition": condition, "caller_threads": caller_threads,
                       "old_s": median(times["old"]), "new_s": median(times["new"]),
                       "old_all": times["old"], "new_all": times["new"],
                       "loadavg": os.getloadavg()}
                row["old_over_new"] = row["old_s"] / row["new_s"]
                info["rows"].append(row)
                print(f"  measured: {condition}, caller threads {caller_threads}: old {row['old_s']:.2f} s, "
                      f"new {row['new_s']:.2f} s", flush=True)
        finally:
            if busy is not None:
                busy.kill()
                busy.wait()
    torch.set_num_threads(default_threads)

    print(f"\nevaluate(load_pretrained(), make_pretrained_env, {args.trials}), median of {args.repeats} "
          f"(load average at start {info['machine'].get('loadavg_at_start')})\n")
    print("| machine | caller's torch threads | old: caller's threads (s) | new: 1 thread inside (s) | old / new |")
    print("|---|---|---|---|---|")
    for row in info["rows"]:
        print(f"| {row['condition']} | {row['caller_threads']} | {row['old_s']:.2f} | {row['new_s']:.2f} | "
              f"**{row['old_over_new']:.2f}x** |")
    path = write_json("evaluate_threads.json", info)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
