"""Build neurogym_lite/behaviour/data/roitman_shadlen_2002.csv (the monkeys' psychometric and chronometric
values) and roitman_shadlen_2002_ddm.csv (a drift-diffusion fit to each monkey) from the trials of
Roitman & Shadlen (2002).

    python tools/roitman_shadlen_data.py path/to/roitman_rts.csv

``roitman_rts.csv`` is the trial table (monkey, rt [s], coh [fraction], correct, trgchoice) that
PyDDM's documentation extracts from the Shadlen lab's public release of the experiment's data
(https://shadlenlab.columbia.edu/resources/RoitmanDataCode.html, files ``b_rt/*.mat`` = monkey 1,
``n_rt/*.mat`` = monkey 2) with its ``doc/downloads/extract_roitman.py``; it is
``doc/downloads/roitman_rts.csv`` in https://github.com/mwshinn/PyDDM (used here at commit
a1345d1833bd1565e5def8a99bb540b698206b99). It is not shipped: only the per-coherence summary and
the fitted parameters are.
"""

from __future__ import annotations

import csv
import math
import sys
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "neurogym_lite" / "behaviour" / "data"

HEADER = """\
# Roitman & Shadlen (2002) J Neurosci 22(21):9475-9489, reaction-time random-dots task, two monkeys.
# Computed (not read off a figure) by tools/roitman_shadlen_data.py from every trial of the
# Shadlen lab's public release of the experiment (shadlenlab.columbia.edu/resources/RoitmanDataCode.html),
# as tabulated in PyDDM's doc/downloads/roitman_rts.csv (github.com/mwshinn/PyDDM, commit a1345d18):
# monkey 1 = files b_rt/*.mat (monkey B), monkey 2 = n_rt/*.mat (monkey N); rt = saccade time - motion onset.
# The paper's Fig. 1 plots these monkeys' psychometric and chronometric functions; the values here are
# recomputed from the released trials, so they may differ slightly from the paper's figure.
# No trial is excluded here. At 0 % coherence 'correct' is the monkey's rewarded choice (random).
# Columns: p_correct = fraction correct; mean/sem/median RT in ms; *_correct / *_error = those trials only.
"""


DDM_HEADER = """\
# Drift-diffusion fit to each monkey by neurogym_lite.behaviour.ddm.fit_ddm (PyDDM, maximum likelihood on
# choices and RT distributions jointly): drift = k * coh (coh as a fraction), unit noise (1/sqrt(s)), bounds
# +-bound, non-decision time. Trials with RT outside 100-1650 ms are left out, as in PyDDM's example fit of this
# dataset. Columns: k (1/s per unit coherence), bound, nondecision_ms, neg_log_likelihood (of the fit).
"""


def summarise(rows: list[dict[str, str]]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for monkey in sorted({r["monkey"] for r in rows}):
        sub = [r for r in rows if r["monkey"] == monkey]
        for coh in sorted({float(r["coh"]) for r in sub}):
            trials = [r for r in sub if float(r["coh"]) == coh]
            rt = np.array([float(r["rt"]) * 1000 for r in trials])
            ok = np.array([float(r["correct"]) == 1 for r in trials])

            def mean_sem(x: np.ndarray) -> tuple[str, str]:
                if x.size == 0:
                    return "", ""
                sem = x.std(ddof=1) / math.sqrt(x.size) if x.size > 1 else float("nan")
                return f"{x.mean():.1f}", ("" if math.isnan(sem) else f"{sem:.1f}")

            mc, sc = mean_sem(rt[ok])
            me, se = mean_sem(rt[~ok])
            ma, sa = mean_sem(rt)
            out.append({
                "monkey": int(float(monkey)), "coh": round(coh * 100, 1), "n_trials": rt.size,
                "p_correct": f"{ok.mean():.4f}", "mean_rt": ma, "sem_rt": sa, "median_rt": f"{np.median(rt):.1f}",
                "n_correct": int(ok.sum()), "mean_rt_correct": mc, "sem_rt_correct": sc,
                "n_error": int((~ok).sum()), "mean_rt_error": me, "sem_rt_error": se,
            })
    return out


def fit_ddm(rows: list[dict[str, str]]) -> list[dict[str, object]]:
    from neurogym_lite.behaviour.ddm import fit_ddm as fit

    out = []
    for monkey in sorted({r["monkey"] for r in rows}):
        sub = [r for r in rows if r["monkey"] == monkey]
        coh = np.array([float(r["coh"]) * 100 for r in sub])
        rt = np.array([float(r["rt"]) * 1000 for r in sub])
        correct = np.array([float(r["correct"]) == 1 for r in sub])
        # As PyDDM's example fit of this dataset: RTs outside 100-1650 ms are left out.
        keep = (rt > 100) & (rt < 1650)
        t0 = time.perf_counter()
        res = fit(coh[keep], correct[keep], rt[keep], t_max=2.0, dt=0.005)
        print(f"monkey {monkey}: {res}  ({time.perf_counter() - t0:.0f} s)")
        out.append({"monkey": int(float(monkey)), "n_trials": int(keep.sum()),
                    "k": f"{res.k:.3f}", "bound": f"{res.bound:.4f}",
                    "nondecision_ms": f"{res.nondecision * 1000:.1f}",
                    "neg_log_likelihood": f"{res.loss:.1f}"})
    return out


def write(path: Path, header: str, table: list[dict[str, object]]) -> None:
    with path.open("w", newline="") as f:
        f.write(header)
        w = csv.DictWriter(f, fieldnames=list(table[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(table)
    print("wrote", path)


def main(src: str) -> None:
    with open(src, newline="") as f:
        rows = list(csv.DictReader(f))
    write(OUT / "roitman_shadlen_2002.csv", HEADER, summarise(rows))
    ddm_header = HEADER.split("# No trial")[0] + DDM_HEADER
    write(OUT / "roitman_shadlen_2002_ddm.csv", ddm_header, fit_ddm(rows))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
