"""Drift-diffusion models fitted with PyDDM (as done for monkeys by Roitman & Shadlen 2002 and
Palmer, Huk & Shadlen 2005)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "MIXTURE",
    "DDMFit",
    "ddm_predictions",
    "fit_ddm",
    "simulate_ddm",
]

# ------------------------------------------------------------------------------ drift diffusion
#: Fraction of trials the fitted model draws from a uniform RT distribution (PyDDM's default
#: "mixture" of contaminants): without it one stray RT shorter than the non-decision time has zero
#: likelihood and the fit fails.
MIXTURE = 0.02


@dataclass
class DDMFit:
    """A drift-diffusion model in Palmer, Huk & Shadlen's (2005) form: evidence starts at 0 and
    drifts at ``k * coh`` (``coh`` as a fraction, so ``k`` is in 1/s per unit coherence) with
    unit noise (1/sqrt(s)) until it reaches ``+bound`` (correct) or ``-bound`` (error); the reaction
    time is the decision time plus ``nondecision`` (s). ``loss`` is the fit's negative
    log-likelihood; ``model`` the fitted PyDDM model."""

    k: float
    bound: float
    nondecision: float
    loss: float
    model: Any = None

    def __str__(self) -> str:
        return (f"k = {self.k:.2f} /s per unit coherence, bound = {self.bound:.3f}, "
                f"non-decision time = {self.nondecision * 1000:.0f} ms")


def _ddm(k: Any, bound: Any, nondecision: Any, t_max: float, dt: float, mixture: float = MIXTURE) -> Any:
    import pyddm

    params: dict[str, tuple[float, float]] = {}
    for name, value, rng in (("k", k, (0.0, 60.0)), ("B", bound, (0.1, 3.0)), ("tnd", nondecision, (0.0, 0.6))):
        if value is None:
            params[name] = rng
    drift = (lambda coh, k: k * coh / 100) if k is None else (lambda coh: k * coh / 100)
    return pyddm.gddm(drift=drift, noise=1.0, bound="B" if bound is None else bound,
                      nondecision="tnd" if nondecision is None else nondecision, parameters=params,
                      conditions=["coh"], T_dur=t_max, dt=dt, dx=dt, mixture_coef=mixture)


def _sample(coh: Any, correct: Any, rt_ms: Any) -> Any:
    import pyddm

    c = np.asarray(coh, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    rt = np.asarray(rt_ms, dtype=float) / 1000
    if not (c.shape == ok.shape == rt.shape) or c.ndim != 1:
        raise ValueError(f"coh, correct and rt must be 1-d and of one length, got {c.shape}, {ok.shape}, {rt.shape}")
    if not np.all(np.isfinite(rt)) or np.any(rt <= 0):
        raise ValueError("rt must be positive and finite (ms): leave out trials without a choice")
    return pyddm.Sample(rt[ok], rt[~ok], 0, coh=(c[ok], c[~ok]))


def fit_ddm(coh: Any, correct: Any, rt: Any, *, t_max: float = 3.0, dt: float = 0.005,
            seed: int = 0) -> DDMFit:
    """Fit drift (``k * coh``), bound and non-decision time jointly to choices and reaction-time
    distributions by maximum likelihood with PyDDM (differential evolution).

    ``coh`` in %, ``correct`` booleans, ``rt`` in ms from stimulus onset (answered trials only);
    ``t_max`` (s) must exceed the longest RT; ``dt`` (s) is the solver's time and space step.
    """
    import pyddm

    sample = _sample(coh, correct, rt)
    if np.max(np.asarray(rt, dtype=float)) / 1000 >= t_max:
        raise ValueError(f"t_max ({t_max} s) must exceed the longest rt ({np.max(rt)} ms)")
    model = _ddm(None, None, None, t_max, dt)
    pyddm.set_log_level("ERROR")  # its per-evaluation warnings would flood a notebook
    state = np.random.get_state()
    np.random.seed(seed)  # PyDDM's differential evolution draws from numpy's global generator
    try:
        model.fit(sample, lossfunction=pyddm.LossLikelihood, verbose=False)
    finally:
        np.random.set_state(state)
    p = {n: float(v) for n, v in zip(model.get_model_parameter_names(), model.get_model_parameters(), strict=True)}
    # gddm renames the non-decision parameter (to 'nondectime' in PyDDM 0.9): take what is left
    (tnd,) = (v for n, v in p.items() if n not in ("k", "B"))
    return DDMFit(k=p["k"], bound=p["B"], nondecision=tnd, loss=float(model.fitresult.value()), model=model)


def ddm_predictions(fit: DDMFit, cohs: Any, *, t_max: float = 3.0, dt: float = 0.005) -> dict[float, dict[str, Any]]:
    """For each coherence (%): the model's probability correct, mean RT (ms) of correct and error
    responses, and the RT densities (``t`` in ms, ``pdf_correct`` and ``pdf_error`` per ms, which
    together integrate to 1)."""
    model = _ddm(fit.k, fit.bound, fit.nondecision, t_max, dt, mixture=0.0)  # the diffusion alone
    out: dict[float, dict[str, Any]] = {}
    for c in np.asarray(cohs, dtype=float):
        sol = model.solve(conditions={"coh": float(c)})
        t = model.t_domain() * 1000
        pc, pe = sol.pdf("correct") / 1000, sol.pdf("error") / 1000
        p_ok = float(sol.prob("correct"))
        p_err = float(sol.prob("error"))
        out[float(c)] = {
            "p_correct": p_ok / (p_ok + p_err),
            "mean_rt_correct": float(np.sum(t * pc) / np.sum(pc)),
            "mean_rt_error": float(np.sum(t * pe) / np.sum(pe)) if np.sum(pe) > 0 else float("nan"),
            "mean_rt": float(np.sum(t * (pc + pe)) / np.sum(pc + pe)),
            "t": t, "pdf_correct": pc, "pdf_error": pe,
        }
    return out


def simulate_ddm(k: float, bound: float, nondecision: float, cohs: Any, n_per_coh: int, *,
                 seed: int = 0, dt: float = 0.001) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulated trials of the diffusion model of :class:`DDMFit` (Euler steps of ``dt`` s):
    coherences (%), correct (bool) and reaction times (ms), ``n_per_coh`` trials per coherence."""
    rng = np.random.default_rng(seed)
    cohs_arr = np.repeat(np.asarray(cohs, dtype=float), n_per_coh)
    x = np.zeros(cohs_arr.size)
    t_hit = np.full(cohs_arr.size, np.nan)
    upper = np.zeros(cohs_arr.size, dtype=bool)
    alive = np.ones(cohs_arr.size, dtype=bool)
    drift = k * cohs_arr / 100
    t = 0.0
    while alive.any():
        t += dt
        idx = np.flatnonzero(alive)
        x[idx] += drift[idx] * dt + np.sqrt(dt) * rng.standard_normal(idx.size)
        hit = idx[np.abs(x[idx]) >= bound]
        t_hit[hit] = t
        upper[hit] = x[hit] > 0
        alive[hit] = False
    return cohs_arr, upper, (t_hit + nondecision) * 1000
