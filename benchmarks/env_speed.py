"""Benchmark 1: environment steps per second, neurogym_lite vs NeuroGym 2.3.1 vs a no-op floor.

    python benchmarks/env_speed.py               # 5 rounds (creates benchmarks/.neurogym-venv once)
    python benchmarks/env_speed.py --repeats 9
    python benchmarks/env_speed.py --profile     # cProfile of neurogym_lite's gym.make + PassReward loop
    python benchmarks/env_speed.py --against REV # this checkout vs neurogym_lite at git REV, instead of NeuroGym

PerceptualDecisionMaking-v0 with the seed's kwargs, random actions drawn in advance (plain ints;
an (n, n_envs) array for the vec envs), timed with time.perf_counter in four set-ups: the task
from ``gym.make``; wrapped in PassReward; inside a 1-env and an 8-env SB3 ``DummyVecEnv`` (of
PassReward(gym.make(...)), as in training; steps counted per env). Three sides, each one
long-lived subprocess that builds its envs once: neurogym_lite, NeuroGym 2.3.1 (its own venv:
gymnasium 0.29, its own PassReward) and the floor (a no-op env with the same spaces returning a
precomputed observation, through the same gymnasium and neurogym_lite wrappers). For each set-up
the three sides run one timed burst each, back to back (A B F, then B F A in the next round, ...),
so that the machine's load is nearly the same for the three; ratios are taken within a round,
then the median over rounds.
Prints a markdown table; writes benchmarks/results/env_speed.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C

WORKER = C.HERE / "workers" / "env_speed.py"
SETUPS = ["make", "make+PassReward", "DummyVecEnv(1)", "DummyVecEnv(8)"]
SIDES = ["lite", "neurogym", "floor"]


def profile(steps: int) -> None:
    import cProfile
    import pstats

    sys.path.insert(0, str(C.HERE))
    from workers import env_speed as W

    make, pass_reward = W.side_factories("lite")
    env = pass_reward(make())
    env.reset(seed=0)
    import numpy as np

    actions = np.random.default_rng(0).integers(0, 3, size=steps).tolist()
    prof = cProfile.Profile()
    prof.enable()
    W.time_single(env, actions, 0)  # includes 5k untimed trial-counting steps
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(18)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=9, help="rounds (each runs every side once); at least 5")
    ap.add_argument("--steps", type=int, default=100_000, help="timed steps per single-env set-up")
    ap.add_argument("--vec-steps", type=int, default=40_000, help="timed env steps per DummyVecEnv set-up")
    ap.add_argument("--profile", action="store_true", help="only profile neurogym_lite (cProfile) and exit")
    ap.add_argument("--out", default=None, help="file name in benchmarks/results/, or a path")
    ap.add_argument("--against", metavar="REV", help="compare with neurogym_lite at this git commit (same Python) "
                    "instead of NeuroGym: the 'neurogym' columns are then that commit's")
    a = ap.parse_args()
    if a.profile:
        profile(a.steps)
        return
    a.out = a.out or ("env_speed.json" if a.against is None else "env_speed_against_commit.json")

    if a.against:
        pythons = {"lite": C.lite_python(), "floor": C.lite_python(), "neurogym": C.lite_python()}
        paths = {"neurogym": C.export_commit(a.against)}
        kinds = {"lite": "lite", "floor": "floor", "neurogym": "lite"}
    else:
        pythons = {"lite": C.lite_python(), "floor": C.lite_python(), "neurogym": C.ensure_neurogym_venv()}
        paths, kinds = {}, {side: side for side in SIDES}
    meta = {"machine": C.machine(), "versions": {s: C.versions(pythons[s]) for s in ("lite", "neurogym")},
            "settings": {"steps": a.steps, "vec_steps": a.vec_steps, "repeats": a.repeats,
                         "actions": "uniform random, pre-drawn per burst", "torch_threads": 1,
                         "kwargs": "dt=100, timing fixation/stimulus/decision constant 300/500/300 ms"},
            "against": a.against}
    workers = {side: C.Worker(pythons[side], WORKER, {"side": kinds[side], "setups": SETUPS, "seed": 0, "threads": 1},
                              pythonpath=paths.get(side))
               for side in SIDES}
    for side, w in workers.items():
        print(f"{side}: neurogym_lite from {w.ready.get('neurogym_lite')}")
    rounds: list[dict[str, Any]] = []
    try:
        for r in range(a.repeats):
            order = SIDES[r % 3:] + SIDES[: r % 3]
            res: dict[str, dict[str, Any]] = {side: {} for side in SIDES}
            for s in SETUPS:
                n = a.vec_steps if s.startswith("DummyVecEnv") else a.steps
                for side in order:  # the three sides back to back, a second or so apart
                    res[side][s] = workers[side].ask({"setup": s, "steps": n})
            rounds.append({"order": order, "results": res})
            print(f"round {r + 1}/{a.repeats} ({' '.join(order)}): " + ", ".join(
                f"{s} {res['lite'][s]['steps_per_s'] / res['neurogym'][s]['steps_per_s']:.2f}x NG" for s in SETUPS),
                flush=True)
            C.write_json(a.out, {**meta, "rounds": rounds, "complete": False})
    finally:
        for w in workers.values():
            w.close()

    rows = []
    for s in SETUPS:
        sps = {side: [rd["results"][side][s]["steps_per_s"] for rd in rounds] for side in SIDES}
        vs_ng = [lt / ng for lt, ng in zip(sps["lite"], sps["neurogym"], strict=True)]
        vs_floor = [fl / lt for lt, fl in zip(sps["lite"], sps["floor"], strict=True)]
        rows.append({"setup": s, **{f"{side}_median_steps_per_s": C.median(v) for side, v in sps.items()},
                     "lite_over_neurogym_median": C.median(vs_ng), "lite_over_neurogym_range": [min(vs_ng), max(vs_ng)],
                     "floor_over_lite_median": C.median(vs_floor), "floor_over_lite_range": [min(vs_floor), max(vs_floor)]})
    trials = {side: rounds[0]["results"][side]["make"].get("trials_per_1k_steps") for side in ("lite", "neurogym")}
    C.write_json(a.out, {**meta, "rounds": rounds, "summary": rows, "trials_per_1k_steps": trials, "complete": True})

    print()
    other = "NeuroGym 2.3.1" if a.against is None else f"neurogym_lite @ {a.against}"
    print(f"| set-up | neurogym_lite steps/s | {other} steps/s | no-op floor steps/s | lite / {other} (min–max) | floor / lite (min–max) |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        lo, hi = row["lite_over_neurogym_range"]
        flo, fhi = row["floor_over_lite_range"]
        print(f"| {row['setup']} | {row['lite_median_steps_per_s']:,.0f} ({1e6 / row['lite_median_steps_per_s']:.1f} µs) "
              f"| {row['neurogym_median_steps_per_s']:,.0f} ({1e6 / row['neurogym_median_steps_per_s']:.1f} µs) "
              f"| {row['floor_median_steps_per_s']:,.0f} ({1e6 / row['floor_median_steps_per_s']:.1f} µs) "
              f"| **{row['lite_over_neurogym_median']:.2f}×** ({lo:.2f}–{hi:.2f}) "
              f"| {row['floor_over_lite_median']:.2f}× ({flo:.2f}–{fhi:.2f}) |")
    m = meta["machine"]
    print(f"\nMedians of {a.repeats} rounds; ratios taken within each round. {m['date']}, {m['cores']} cores, "
          f"Python {m['python']}, load average at start {m['loadavg_at_start']}. Trials per 1000 steps "
          f"(same actions): lite {trials['lite']}, NeuroGym {trials['neurogym']}. Wrote results/{a.out}")


if __name__ == "__main__":
    main()
