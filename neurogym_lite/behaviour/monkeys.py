"""The Roitman & Shadlen (2002) monkeys' trials and their drift-diffusion fits, shipped in
``neurogym_lite/behaviour/data/``."""

from __future__ import annotations

import csv
import io
from importlib import resources

import numpy as np

from neurogym_lite.behaviour.ddm import DDMFit

__all__ = [
    "monkey_data",
    "monkey_ddm_fits",
    "monkey_rt_quantiles",
]


# ------------------------------------------------------------------------------ the monkeys' data
def _read_data(name: str) -> list[dict[str, str]]:
    text = (resources.files("neurogym_lite.behaviour") / "data" / name).read_text()
    return list(csv.DictReader(io.StringIO("".join(ln for ln in text.splitlines(True) if not ln.startswith("#")))))


def _num(x: str) -> float:
    return float(x) if x != "" else float("nan")


def monkey_data() -> dict[int, dict[str, np.ndarray]]:
    """The two monkeys' psychometric and chronometric values of Roitman & Shadlen (2002), per
    coherence: ``{monkey: {column: array}}`` with columns ``coh`` (%), ``n_trials``,
    ``p_correct``, ``mean_rt``, ``sem_rt``, ``median_rt``, ``n_correct``, ``mean_rt_correct``,
    ``sem_rt_correct``, ``n_error``, ``mean_rt_error``, ``sem_rt_error`` (RTs in ms from motion
    onset; NaN where a monkey made no error). The file's header says where every number comes from:
    ``neurogym_lite/data/roitman_shadlen_2002.csv``."""
    rows = _read_data("roitman_shadlen_2002.csv")
    out: dict[int, dict[str, np.ndarray]] = {}
    for m in sorted({int(r["monkey"]) for r in rows}):
        sub = [r for r in rows if int(r["monkey"]) == m]
        out[m] = {k: np.array([_num(r[k]) for r in sub]) for k in sub[0] if k != "monkey"}
    return out


def monkey_ddm_fits(shape: str = "flat") -> dict[int, DDMFit]:
    """The diffusion model of :func:`~neurogym_lite.behaviour.ddm.fit_ddm` with a ``'flat'`` or a
    ``'collapsing'`` bound, fitted to each monkey's trials
    (``neurogym_lite/behaviour/data/roitman_shadlen_2002_ddm.csv``, made by
    ``tools/roitman_shadlen_data.py``); compare the two shapes with their ``bic``."""
    from neurogym_lite.behaviour.ddm import BOUND_SHAPES
    from neurogym_lite.utils.validation import check_choice

    shape = check_choice("shape", shape, BOUND_SHAPES)
    return {int(r["monkey"]): DDMFit(k=float(r["k"]), bound=float(r["bound"]),
                                     nondecision=float(r["nondecision_ms"]) / 1000,
                                     loss=float(r["neg_log_likelihood"]), shape=shape,
                                     tau=_num(r.get("tau_ms", "")) / 1000, n_trials=int(r["n_trials"]))
            for r in _read_data("roitman_shadlen_2002_ddm.csv") if r.get("shape", "flat") == shape}


def monkey_rt_quantiles() -> dict[int, dict[str, np.ndarray]]:
    """Each monkey's reaction-time quantiles per coherence, of correct and of error trials (for
    quantile-probability plots: columns ``q10_correct`` ... ``q90_error``, ms), and the shape of each
    coherence's RT distribution (``q10``, ``q90``, ``cv`` of decision time with ``cv_low``/``cv_high``,
    ``fast``: fraction of decision times under 170 ms, with its interval, ``skewness``)
    (``neurogym_lite/behaviour/data/roitman_shadlen_2002_rt_quantiles.csv``)."""
    rows = _read_data("roitman_shadlen_2002_rt_quantiles.csv")
    out: dict[int, dict[str, np.ndarray]] = {}
    for m in sorted({int(r["monkey"]) for r in rows}):
        sub = [r for r in rows if int(r["monkey"]) == m]
        out[m] = {k: np.array([_num(r[k]) for r in sub]) for k in sub[0] if k != "monkey"}
    return out
