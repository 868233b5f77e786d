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
# Drift-diffusion fits to each monkey by neurogym_lite.behaviour.ddm.fit_ddm (PyDDM, maximum likelihood on
# choices and RT distributions jointly): drift = k * coh (coh as a fraction), unit noise (1/sqrt(s)), bounds
# +-bound ('flat') or +-bound * exp(-t / tau) ('collapsing'), non-decision time. Trials with RT outside
# 100-1650 ms are left out, as in PyDDM's example fit of this dataset. Columns: k (1/s per unit coherence),
# bound, tau_ms (collapsing only), nondecision_ms, neg_log_likelihood, bic (2 nll + n_params ln n_trials).
"""

QUANTILE_HEADER = """\
# Reaction-time quantiles (10, 30, 50, 70, 90 %) of correct and of error trials, per monkey and coherence (all
# trials; empty with fewer than 5 errors), and the shape of each RT distribution (neurogym_lite.behaviour.
# reaction_times.rt_shape): q10/q90 of RT, cv of decision time (RT minus the monkey's non-decision time from its
# flat diffusion fit) with a 95 % bootstrap interval, fast = fraction of decision times under 170 ms, skewness.
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


def _trials(rows: list[dict[str, str]], monkey: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sub = [r for r in rows if r["monkey"] == monkey]
    coh = np.array([float(r["coh"]) * 100 for r in sub])
    rt = np.array([float(r["rt"]) * 1000 for r in sub])
    correct = np.array([float(r["correct"]) == 1 for r in sub])
    return coh, rt, correct


def fit_ddm(rows: list[dict[str, str]]) -> list[dict[str, object]]:
    """Both bound shapes for each monkey, on the same trials."""
    from neurogym_lite.behaviour.ddm import fit_ddm as fit

    out = []
    for monkey in sorted({r["monkey"] for r in rows}):
        coh, rt, correct = _trials(rows, monkey)
        # As PyDDM's example fit of this dataset: RTs outside 100-1650 ms are left out.
        keep = (rt > 100) & (rt < 1650)
        for shape in ("flat", "collapsing"):
            t0 = time.perf_counter()
            res = fit(coh[keep], correct[keep], rt[keep], t_max=2.0, dt=0.005, shape=shape)
            print(f"monkey {monkey}, {shape}: {res}, BIC {res.bic:.1f}  ({time.perf_counter() - t0:.0f} s)")
            out.append({"monkey": int(float(monkey)), "shape": shape, "n_trials": int(keep.sum()),
                        "k": f"{res.k:.3f}", "bound": f"{res.bound:.4f}",
                        "tau_ms": "" if shape == "flat" else f"{res.tau * 1000:.1f}",
                        "nondecision_ms": f"{res.nondecision * 1000:.1f}",
                        "neg_log_likelihood": f"{res.loss:.1f}", "bic": f"{res.bic:.1f}"})
    return out


QUANTILES = (0.1, 0.3, 0.5, 0.7, 0.9)


def rt_quantiles(rows: list[dict[str, str]], ddm: list[dict[str, object]]) -> list[dict[str, object]]:
    """Per monkey and coherence: RT quantiles of correct and error trials (for quantile-probability
    plots) and the shape of the RT distribution (``rt_shape``: decision time = RT minus the monkey's
    own non-decision time from its flat diffusion fit)."""
    from neurogym_lite.behaviour.reaction_times import rt_shape

    out = []
    for monkey in sorted({r["monkey"] for r in rows}):
        coh, rt, correct = _trials(rows, monkey)
        tnd = next(float(d["nondecision_ms"]) for d in ddm if str(d["monkey"]) == str(int(float(monkey)))
                   and d["shape"] == "flat")
        for c in sorted(set(coh.tolist())):
            sel = coh == c
            row: dict[str, object] = {"monkey": int(float(monkey)), "coh": round(c, 1), "n_trials": int(sel.sum()),
                                      "p_correct": f"{correct[sel].mean():.4f}"}
            for name, which in (("correct", correct), ("error", ~correct)):
                x = rt[sel & which]
                for q in QUANTILES:
                    row[f"q{int(q * 100)}_{name}"] = f"{np.quantile(x, q):.1f}" if x.size >= 5 else ""
            s = rt_shape(rt[sel], nondecision_ms=min(tnd, float(rt[sel].min())), n_boot=1000, seed=0)
            row.update({"nondecision_ms": f"{tnd:.1f}", "q10": f"{s.q10:.1f}", "q90": f"{s.q90:.1f}",
                        "cv": f"{s.cv:.4f}", "cv_low": f"{s.ci['cv'][0]:.4f}", "cv_high": f"{s.ci['cv'][1]:.4f}",
                        "fast": f"{s.fast:.4f}", "fast_low": f"{s.ci['fast'][0]:.4f}",
                        "fast_high": f"{s.ci['fast'][1]:.4f}", "skewness": f"{s.skewness:.3f}"})
            out.append(row)
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
    ddm = fit_ddm(rows)
    write(OUT / "roitman_shadlen_2002_ddm.csv", ddm_header, ddm)
    write(OUT / "roitman_shadlen_2002_rt_quantiles.csv", HEADER.split("# No trial")[0] + QUANTILE_HEADER,
          rt_quantiles(rows, ddm))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
