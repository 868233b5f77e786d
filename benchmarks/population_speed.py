"""Many networks: N networks serially vs through Optuna on 2 workers, and the engine's own costs (issue 15).

Measured in one run, side by side, repeats interleaved (the order rotates each repeat):

* ``loop``: a plain loop calling ``population.train_and_evaluate`` on each config, in this process
  (what a reader writes without the engine; its imports are already done);
* ``engine x1``: ``run_population(configs, n_workers=1)``: the same networks through the engine in
  this process (journal file, enqueue, heartbeat, every measure written to storage);
* ``engine x2``: ``run_population(configs, n_workers=2)``: two worker processes (fresh interpreters).

Speed-up = loop / engine x2 (medians). The networks are identical in all three (same seeds: the
script checks the weights' digests). Then the engine's own costs, without training:

* start-up: creating a study in a new journal file; starting one worker process that finds nothing
  to do (interpreter + imports of torch/SB3/Optuna + loading the study);
* per-run overhead: ``run_population`` on ``--fake-runs`` configs whose training is replaced by
  returning a stored result (the storage round-trips of one run: enqueue, pop, attributes, heartbeat,
  tell, the worker's checks between runs), with a journal file and with SQLite.

Prints markdown tables, writes ``benchmarks/results/population_speed.json``.

    python benchmarks/population_speed.py                       # 8 networks x 49,152 steps, 3 repeats (~20 min)
    python benchmarks/population_speed.py --networks 2 --steps 1024 --repeats 1 --fake-runs 20   # try-out
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, versions, write_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--networks", type=int, default=8)
    parser.add_argument("--steps", type=int, default=49_152, help="training steps per network")
    parser.add_argument("--eval-trials", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fake-runs", type=int, default=100, help="runs for the per-run overhead")
    parser.add_argument("--out", default="population_speed.json")
    args = parser.parse_args()

    import optuna
    import torch

    from neurogym_lite import population

    torch.set_num_threads(1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    configs = [{"seed": s, "total_timesteps": args.steps, "eval_trials": args.eval_trials} for s in range(args.networks)]
    tmp = Path(tempfile.mkdtemp(prefix="population_speed_"))
    info: dict[str, Any] = {"machine": machine(), "versions": versions(sys.executable), "networks": args.networks,
                            "steps": args.steps, "eval_trials": args.eval_trials, "repeats": args.repeats}

    # one network first: the loop would otherwise pay this process's lazy imports and first-call costs
    population.train_and_evaluate({"seed": 99, "total_timesteps": 512, "eval_trials": 50})

    # ------------------------------------------------------------------ N networks, 3 ways
    digests: dict[str, list[str]] = {}

    def loop(r: int) -> float:
        t0 = time.perf_counter()
        out = [population.train_and_evaluate(c) for c in configs]
        dt = time.perf_counter() - t0
        digests.setdefault("loop", [o["weights_sha256"] for o in out])
        return dt

    def engine(n_workers: int):
        def run(r: int) -> float:
            t0 = time.perf_counter()
            frame = population.run_population(configs, tmp / f"x{n_workers}-{r}.journal", "bench", n_workers=n_workers)
            dt = time.perf_counter() - t0
            assert (frame.state == "COMPLETE").all(), frame[["state", "error"]]
            digests.setdefault(f"engine x{n_workers}", frame.weights_sha256.tolist())
            return dt
        return run

    ways = {"loop": loop, "engine x1": engine(1), "engine x2": engine(2)}
    times: dict[str, list[float]] = {k: [] for k in ways}
    names = list(ways)
    for r in range(args.repeats):
        order = names[r % 3:] + names[: r % 3]
        for name in order:
            times[name].append(ways[name](r))
            print(f"repeat {r + 1}/{args.repeats} {name}: {times[name][-1]:.1f} s", flush=True)
    assert digests["loop"] == digests["engine x1"] == digests["engine x2"], "the three ways trained different networks"
    med = {k: statistics.median(v) for k, v in times.items()}
    info["seconds"] = times
    info["median_seconds"] = med
    info["speedup_x2_over_loop"] = med["loop"] / med["engine x2"]
    info["engine_x1_overhead_per_network_s"] = (med["engine x1"] - med["loop"]) / args.networks
    # peak resident memory of any worker process (Linux reports kB): what one core's worker needs
    info["worker_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    # ------------------------------------------------------------------ start-up
    create, worker = [], []
    for r in range(max(3, args.repeats)):
        t0 = time.perf_counter()
        population.load_study(tmp / f"startup-{r}.journal", "s", create=True)
        create.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "neurogym_lite.agents.population", "worker", "--storage",
                        str(tmp / f"startup-{r}.journal"), "--study", "s"], check=True)
        worker.append(time.perf_counter() - t0)
    info["startup_s"] = {"create_study": statistics.median(create), "worker_process": statistics.median(worker)}

    # ------------------------------------------------------------------ per-run overhead
    stored = population.train_and_evaluate({"seed": 0, "total_timesteps": 512, "eval_trials": 100})
    # the objective calls the name bound in the workers module (patching the package's name alone
    # trained every "fake" run for real: 2.4 s per run, measured after the restructure)
    from neurogym_lite.agents.population import workers

    real = workers.train_and_evaluate
    workers.train_and_evaluate = lambda config, save_path=None: dict(stored)  # type: ignore[assignment]
    overhead: dict[str, float] = {}
    try:
        fake = [{"seed": s, "total_timesteps": 512, "eval_trials": 100} for s in range(args.fake_runs)]
        for label, storage in (("journal file", tmp / "overhead.journal"), ("SQLite", f"sqlite:///{tmp / 'overhead.db'}")):
            t0 = time.perf_counter()
            frame = population.run_population(fake, storage, "overhead", n_workers=1)
            overhead[label] = (time.perf_counter() - t0) / args.fake_runs
            assert (frame.state == "COMPLETE").all() and len(frame) == args.fake_runs
            # a second call finds every run done: the cost of a resume check over the whole study
            t0 = time.perf_counter()
            population.run_population(fake, storage, "overhead", n_workers=1)
            overhead[f"{label}, resume check of all runs"] = time.perf_counter() - t0
    finally:
        workers.train_and_evaluate = real  # type: ignore[assignment]
    info["per_run_overhead_s"] = overhead
    info["journal_bytes_per_run"] = (tmp / "overhead.journal").stat().st_size / args.fake_runs
    info["train_seconds_per_network_loop"] = med["loop"] / args.networks

    # ------------------------------------------------------------------ report
    print(f"\n{args.networks} networks x {args.steps:,} steps (+ {args.eval_trials} evaluation trials), "
          f"median of {args.repeats}; {info['machine']['cores']} cores, load {info['machine']['loadavg_at_start']}")
    print("\n| way | seconds (median) | min-max | speed-up over loop |\n|---|---|---|---|")
    for k in names:
        print(f"| {k} | {med[k]:.1f} | {min(times[k]):.1f}-{max(times[k]):.1f} | {med['loop'] / med[k]:.2f}x |")
    print("\n| engine cost | value |\n|---|---|")
    print(f"| create a study (new journal file) | {1e3 * info['startup_s']['create_study']:.0f} ms |")
    print(f"| start a worker process (interpreter, imports, load study) | {info['startup_s']['worker_process']:.2f} s |")
    for k, v in overhead.items():
        unit = "s in all" if "resume" in k else "ms per run"
        print(f"| per-run overhead, {k} | {v if 'resume' in k else 1e3 * v:.{2 if 'resume' in k else 1}f} {unit} |")
    print(f"| journal file size per run | {info['journal_bytes_per_run'] / 1e3:.1f} kB |")
    print(f"| engine x1 - loop, per network | {info['engine_x1_overhead_per_network_s']:+.2f} s |")
    print(f"| peak memory of a worker process | {info['worker_peak_rss_mb']:.0f} MB |")
    path = write_json(args.out, info)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
