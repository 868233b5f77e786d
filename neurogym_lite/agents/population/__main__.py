"""``python -m neurogym_lite.agents.population {worker,enqueue,results}``: the cluster command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from neurogym_lite.agents.population.config import check_config, check_liveness
from neurogym_lite.agents.population.store import load_study, make_storage, results
from neurogym_lite.agents.population.workers import enqueue_missing, worker_process


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m neurogym_lite.agents.population",
                                     description="Train a population of networks on Optuna storage.")
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("worker", help="train the study's waiting configs until none is left (launch N of these)")
    e = sub.add_parser("enqueue", help="add configs (a JSON list of dicts) to a study, without training them")
    r = sub.add_parser("results", help="write the study's results as CSV")
    for p in (w, e, r):
        p.add_argument("--storage", required=True, help="journal file path, or an RDB URL")
        p.add_argument("--study", required=True, help="study name")
        p.add_argument("--lock", choices=("symlink", "open"), default="symlink",
                       help="journal file lock: symlink (NFS v2+, default) or open (O_EXCL, NFS v3+)")
    w.add_argument("--save-dir", default=None, help="save each trained model here")
    w.add_argument("--heartbeat", type=float, default=30.0, help="seconds between heartbeats (>= 1)")
    w.add_argument("--grace", type=float, default=120.0,
                   help="seconds without heartbeat before a run is retried (> 2 x heartbeat)")
    e.add_argument("--configs", required=True, help="a JSON file holding a list of config dicts")
    r.add_argument("--out", default="-", help="CSV file (default: standard output)")
    args = parser.parse_args(argv)
    try:
        if args.command == "enqueue":  # every config checked before the storage is touched
            configs = json.loads(Path(args.configs).read_text())
            if not isinstance(configs, list) or not configs:
                raise ValueError(f"{args.configs} must hold a non-empty JSON list of config dicts")
            checked = [check_config(c, i) for i, c in enumerate(configs)]
        if args.command == "worker":
            heartbeat, grace = check_liveness(args.heartbeat, args.grace)  # before the storage is touched
        storage = make_storage(args.storage, lock=args.lock)
        if args.command == "worker":
            worker_process(storage, args.study, args.save_dir, heartbeat, grace)
        elif args.command == "enqueue":
            study = load_study(storage, args.study, create=True)
            print(f"enqueued {enqueue_missing(study, checked, retry_failed=False)} of {len(checked)} configs")
        else:
            frame = results(storage, args.study)
            frame.to_csv(args.out if args.out != "-" else sys.stdout, index=False)
    except (TypeError, ValueError, OSError) as err:
        parser.exit(2, f"{parser.prog} {args.command}: error: {err}\n")


if __name__ == "__main__":
    main()
