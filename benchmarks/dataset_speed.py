"""Benchmark 3: supervised batches per second, neurogym_lite.Dataset vs NeuroGym 2.3.1's Dataset.

    python benchmarks/dataset_speed.py               # 9 rounds (creates benchmarks/.neurogym-venv once)
    python benchmarks/dataset_speed.py --repeats 5
    python benchmarks/dataset_speed.py --profile     # cProfile of neurogym_lite's Dataset calls

``Dataset('PerceptualDecisionMaking-v0', env_kwargs=..., batch_size=16, seq_len=100)`` on both
sides, called repeatedly (each call: 16 x 100 = 1600 steps of inputs and targets). Two set-ups: the
seed notebook's task (11-step trials) and NeuroGym's supervised PyTorch example (default timing,
22-step trials). Each side is one long-lived worker that builds its datasets once; for each set-up
the two sides run one timed burst each, back to back, in an order that alternates every round, so
that both see nearly the same machine load; ratios are taken within a round, then the median
over rounds. Prints a markdown table; writes benchmarks/results/dataset_speed.json.

What is timed is each library's own call as users make it: NeuroGym returns views of its cache
(refilled every ~15 calls), neurogym_lite returns new arrays.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C

WORKER = C.HERE / "workers" / "dataset_speed.py"
SIDES = ["lite", "neurogym"]


def profile(calls: int, batch_size: int, seq_len: int) -> None:
    import cProfile
    import pstats

    from workers import dataset_speed as W

    ds = W.build("lite", next(iter(W.SETUPS.values())), batch_size, seq_len, 0)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        ds()
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(15)


def main() -> None:
    from workers import dataset_speed as W

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=9, help="rounds (each runs both sides once per set-up)")
    ap.add_argument("--calls", type=int, default=300, help="timed dataset() calls per burst")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--seq-len", type=int, default=100)
    ap.add_argument("--profile", action="store_true", help="only profile neurogym_lite (cProfile) and exit")
    ap.add_argument("--out", default="dataset_speed.json", help="file name in benchmarks/results/, or a path")
    a = ap.parse_args()
    if a.profile:
        profile(a.calls, a.batch_size, a.seq_len)
        return

    pythons = {"lite": C.lite_python(), "neurogym": C.ensure_neurogym_venv()}
    setups = list(W.SETUPS)
    config = {"batch_size": a.batch_size, "seq_len": a.seq_len, "seed": 0, "threads": 1}
    meta = {"machine": C.machine(), "versions": {s: C.versions(pythons[s]) for s in SIDES},
            "settings": {**config, "calls_per_burst": a.calls, "repeats": a.repeats,
                         "setups": {s: repr(kw) for s, kw in W.SETUPS.items()}}}
    workers = {side: C.Worker(pythons[side], WORKER, {**config, "side": side}) for side in SIDES}
    rounds: list[dict[str, Any]] = []
    try:
        for r in range(a.repeats):
            order = SIDES if r % 2 == 0 else SIDES[::-1]
            res: dict[str, dict[str, Any]] = {side: {} for side in SIDES}
            for s in setups:
                for side in order:
                    res[side][s] = workers[side].ask({"setup": s, "calls": a.calls})
            rounds.append({"order": order, "results": res})
            print(f"round {r + 1}/{a.repeats} ({' '.join(order)}): " + ", ".join(
                f"{s.split(' (')[0]} {res['lite'][s]['steps_per_s'] / res['neurogym'][s]['steps_per_s']:.2f}x NG"
                for s in setups), flush=True)
            C.write_json(a.out, {**meta, "rounds": rounds, "complete": False})
    finally:
        for w in workers.values():
            w.close()

    rows = []
    for s in setups:
        sps = {side: [rd["results"][side][s]["steps_per_s"] for rd in rounds] for side in SIDES}
        ratio = [lt / ng for lt, ng in zip(sps["lite"], sps["neurogym"], strict=True)]
        rows.append({"setup": s, **{f"{side}_median_steps_per_s": C.median(v) for side, v in sps.items()},
                     "lite_over_neurogym_median": C.median(ratio), "lite_over_neurogym_range": [min(ratio), max(ratio)]})
    C.write_json(a.out, {**meta, "rounds": rounds, "summary": rows, "complete": True})

    print()
    print(f"| task (batch {a.batch_size}, seq_len {a.seq_len}) | neurogym_lite steps/s | NeuroGym 2.3.1 steps/s "
          "| lite / NeuroGym (min–max) |")
    print("|---|---|---|---|")
    for row in rows:
        lo, hi = row["lite_over_neurogym_range"]
        print(f"| {row['setup']} | {row['lite_median_steps_per_s']:,.0f} | {row['neurogym_median_steps_per_s']:,.0f} "
              f"| **{row['lite_over_neurogym_median']:.2f}×** ({lo:.2f}–{hi:.2f}) |")
    m = meta["machine"]
    print(f"\nMedians of {a.repeats} rounds of {a.calls} calls per side; ratios taken within each round. "
          f"{m['date']}, {m['cores']} cores, Python {m['python']}, load average at start {m['loadavg_at_start']}. "
          f"Wrote results/{a.out}")


if __name__ == "__main__":
    main()
