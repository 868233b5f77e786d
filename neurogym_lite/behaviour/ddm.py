"""Drift-diffusion models fitted with PyDDM (as done for monkeys by Roitman & Shadlen 2002 and
Palmer, Huk & Shadlen 2005)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from neurogym_lite.utils.validation import (
    check_array,
    check_binary,
    check_choice,
    check_int,
    check_numbers,
    check_positive,
    check_real,
    check_same_length,
)

__all__ = [
    "BOUND_SHAPES",
    "MIN_FIT_TRIALS",
    "MIXTURE",
    "DDMFit",
    "check_rt_data",
    "ddm_predictions",
    "fit_ddm",
    "simulate_ddm",
]

# ------------------------------------------------------------------------------ drift diffusion
def _check_parameters(k: Any, bound: Any, nondecision: Any) -> None:
    check_real("k", k, low=0.0, high=1000.0)
    check_real("bound", bound, low=0.0, low_open=True, high=100.0)
    check_real("nondecision", nondecision, low=0.0, high=10.0)

#: Fraction of trials the fitted model draws from a uniform RT distribution (PyDDM's default
#: "mixture" of contaminants): without it one stray RT shorter than the non-decision time has zero
#: likelihood and the fit fails.
MIXTURE = 0.02


#: The bound shapes :func:`fit_ddm` fits: ``'flat'`` (constant) or ``'collapsing'``
#: (``bound * exp(-t / tau)``: urgency, the bound falling as time passes; Ditterich 2006,
#: Churchland, Kiani & Shadlen 2008, Hawkins et al. 2015).
BOUND_SHAPES = ("flat", "collapsing")


@dataclass
class DDMFit:
    """A drift-diffusion model in Palmer, Huk & Shadlen's (2005) form: evidence starts at 0 and
    drifts at ``k * coh`` (``coh`` as a fraction, so ``k`` is in 1/s per unit coherence) with
    unit noise (1/sqrt(s)) until it reaches ``+bound`` (correct) or ``-bound`` (error); with
    ``shape='collapsing'`` the bound at time t (s) is ``bound * exp(-t / tau)``. The reaction time
    is the decision time plus ``nondecision`` (s). ``loss`` is the fit's negative log-likelihood on
    ``n_trials`` trials; :attr:`bic` compares fits with different numbers of parameters; ``model``
    is the fitted PyDDM model."""

    k: float
    bound: float
    nondecision: float
    loss: float
    model: Any = None
    shape: str = "flat"
    tau: float = float("nan")
    n_trials: int = 0

    @property
    def n_params(self) -> int:
        return 3 if self.shape == "flat" else 4

    @property
    def bic(self) -> float:
        """Bayesian information criterion, 2 loss + n_params ln(n_trials) (Schwarz 1978): lower is
        better; it charges the collapsing model for its extra parameter in proportion to the log of
        the data's size, so that a better fit must be worth it."""
        return float(2 * self.loss + self.n_params * np.log(max(self.n_trials, 1)))

    def bound_at(self, t: Any) -> np.ndarray:
        """The bound at times ``t`` (s)."""
        t = np.asarray(t, dtype=float)
        return self.bound * (np.ones_like(t) if self.shape == "flat" else np.exp(-t / self.tau))

    def __str__(self) -> str:
        collapse = "" if self.shape == "flat" else f" collapsing with tau = {self.tau * 1000:.0f} ms,"
        return (f"k = {self.k:.2f} /s per unit coherence, bound = {self.bound:.3f},{collapse} "
                f"non-decision time = {self.nondecision * 1000:.0f} ms")


def _ddm(k: Any, bound: Any, nondecision: Any, t_max: float, dt: float, mixture: float = MIXTURE,
         shape: str = "flat", tau: Any = float("nan")) -> Any:
    """A PyDDM model; parameters given as None are free (fitted)."""
    import pyddm

    params: dict[str, tuple[float, float]] = {}
    for name, value, rng in (("k", k, (0.0, 60.0)), ("B", bound, (0.1, 3.0)), ("tnd", nondecision, (0.0, 0.6))):
        if value is None:
            params[name] = rng
    drift = (lambda coh, k: k * coh / 100) if k is None else (lambda coh: k * coh / 100)
    if shape == "flat":
        bound_spec: Any = "B" if bound is None else bound
    elif bound is None:
        params["tau"] = (0.05, 10.0)
        bound_spec = lambda t, B, tau: B * np.exp(-t / tau)  # noqa: E731
    else:
        bound_spec = lambda t: bound * np.exp(-t / tau)  # noqa: E731
    return pyddm.gddm(drift=drift, noise=1.0, bound=bound_spec,
                      nondecision="tnd" if nondecision is None else nondecision, parameters=params,
                      conditions=["coh"], T_dur=t_max, dt=dt, dx=dt, mixture_coef=mixture)


#: The fewest trials a fit takes (three parameters from choices and RT distributions).
MIN_FIT_TRIALS = 30


def check_rt_data(coh: Any, correct: Any, rt_ms: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The conventions of the diffusion fits, checked: ``coh`` unsigned coherences in % (the
    direction is in ``correct``), ``correct`` 0/1 or booleans, ``rt`` in ms from stimulus onset,
    one entry per answered trial."""
    c = check_array("coh", coh, ndim=1, finite=True)
    ok = check_binary("correct", correct)
    rt = check_array("rt", rt_ms, ndim=1)
    check_same_length(coh=c, correct=ok, rt=rt)
    if np.any(c < 0):
        raise ValueError("coh must be unsigned coherences in % (the direction is in 'correct'); got negative values: "
                         "pass abs(signed_coh)")
    if c.size and c.max() <= 1.0 and np.any(c > 0):
        raise ValueError(f"coh looks like fractions (largest {c.max():g}): give coherences in %, e.g. 51.2")
    if not np.all(np.isfinite(rt)) or np.any(rt <= 0):
        raise ValueError("rt must be positive and finite (ms): leave out trials without a choice")
    if rt.size and np.median(rt) < 20:
        raise ValueError(f"rt looks like seconds (median {np.median(rt):.3g}): give reaction times in ms")
    return c, ok, rt


def _sample(coh: Any, correct: Any, rt_ms: Any, missed_coh: Any = None) -> Any:
    import pyddm

    c, ok, rt = check_rt_data(coh, correct, rt_ms)
    rt = rt / 1000
    if missed_coh is None:
        return pyddm.Sample(rt[ok], rt[~ok], 0, coh=(c[ok], c[~ok]))
    missed = check_array("missed_coh", missed_coh, ndim=1, finite=True)
    return pyddm.Sample(rt[ok], rt[~ok], int(missed.size), coh=(c[ok], c[~ok], missed))


def fit_ddm(coh: Any, correct: Any, rt: Any, *, t_max: float = 3.0, dt: float = 0.005,
            seed: int = 0, shape: str = "flat", missed_coh: Any = None) -> DDMFit:
    """Fit drift (``k * coh``), bound (flat, or collapsing with ``shape='collapsing'``) and
    non-decision time jointly to choices and reaction-time distributions by maximum likelihood
    with PyDDM (differential evolution).

    ``coh`` in %, ``correct`` booleans, ``rt`` in ms from stimulus onset (answered trials only);
    ``t_max`` (s) must exceed the longest RT; ``dt`` (s) is the solver's time and space step.
    ``missed_coh``: the coherences of trials that ended without a choice by the deadline; they are
    fitted, not dropped, as the model's probability of no bound crossing before ``t_max``, which
    must then be the task's deadline. (Fixation breaks before the stimulus are not decisions and
    stay out.)
    """
    import pyddm

    c, ok, rt_ms = check_rt_data(coh, correct, rt)
    if c.size < MIN_FIT_TRIALS:
        raise ValueError(f"fit_ddm needs at least {MIN_FIT_TRIALS} trials, got {c.size}")
    if not np.any(c > 0):
        raise ValueError("every trial is at 0 % coherence: the drift cannot be estimated (give several coherences)")
    if ok.all() or not ok.any():
        raise ValueError(f"every trial is {'correct' if ok.all() else 'an error'}: a diffusion model needs both outcomes")
    t_max = check_positive("t_max", t_max)
    dt = check_positive("dt", dt)
    shape = check_choice("shape", shape, BOUND_SHAPES)
    sample = _sample(c, ok, rt_ms, missed_coh)
    rt = rt_ms
    if np.max(np.asarray(rt, dtype=float)) / 1000 >= t_max:
        raise ValueError(f"t_max ({t_max} s) must exceed the longest rt ({np.max(rt)} ms)")
    model = _ddm(None, None, None, t_max, dt, shape=shape)
    pyddm.set_log_level("ERROR")  # its per-evaluation warnings would flood a notebook
    state = np.random.get_state()
    np.random.seed(seed)  # PyDDM's differential evolution draws from numpy's global generator
    try:
        model.fit(sample, lossfunction=pyddm.LossLikelihood, verbose=False)
    finally:
        np.random.set_state(state)
    p = {n: float(v) for n, v in zip(model.get_model_parameter_names(), model.get_model_parameters(), strict=True)}
    # gddm renames the non-decision parameter (to 'nondectime' in PyDDM 0.9): take what is left
    (tnd,) = (v for n, v in p.items() if n not in ("k", "B", "tau"))
    n = int(c.size + (0 if missed_coh is None else np.size(missed_coh)))
    return DDMFit(k=p["k"], bound=p["B"], nondecision=tnd, loss=float(model.fitresult.value()), model=model,
                  shape=shape, tau=p.get("tau", float("nan")), n_trials=n)


def ddm_predictions(fit: DDMFit, cohs: Any, *, t_max: float = 3.0, dt: float = 0.005) -> dict[float, dict[str, Any]]:
    """For each coherence (%): the model's probability correct, mean RT (ms) of correct and error
    responses, and the RT densities (``t`` in ms, ``pdf_correct`` and ``pdf_error`` per ms, which
    together integrate to 1)."""
    if not isinstance(fit, DDMFit):
        raise TypeError(f"fit must be a DDMFit (from fit_ddm or monkey_ddm_fits), got {type(fit).__name__}")
    _check_parameters(fit.k, fit.bound, fit.nondecision)
    cohs = check_numbers("cohs", cohs)
    t_max, dt = check_positive("t_max", t_max), check_positive("dt", dt)
    model = _ddm(fit.k, fit.bound, fit.nondecision, t_max, dt, mixture=0.0, shape=fit.shape, tau=fit.tau)
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
                 seed: int = 0, dt: float = 0.001, tau: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulated trials of the diffusion model of :class:`DDMFit` (Euler steps of ``dt`` s):
    coherences (%), correct (bool) and reaction times (ms), ``n_per_coh`` trials per coherence.
    With ``tau`` (s) the bound collapses as ``bound * exp(-t / tau)``."""
    _check_parameters(k, bound, nondecision)
    if tau is not None:
        tau = check_real("tau", tau, low=0.0, low_open=True, high=1000.0)
    cohs = check_numbers("cohs", cohs)
    if not np.all(np.isfinite(cohs)):
        raise ValueError("cohs must be finite coherences in %")
    n_per_coh = check_int("n_per_coh", n_per_coh, 1, 10_000_000)
    dt = check_real("dt", dt, low=1e-6, high=0.1)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    cohs_arr = np.repeat(np.asarray(cohs, dtype=float), n_per_coh)
    x = np.zeros(cohs_arr.size)
    t_hit = np.full(cohs_arr.size, np.nan)
    upper = np.zeros(cohs_arr.size, dtype=bool)
    alive = np.ones(cohs_arr.size, dtype=bool)
    drift = k * cohs_arr / 100
    t = 0.0
    # a finite bound is reached with probability 1; the cap only guards against absurd parameters
    t_cap = 100 * (bound / max(np.abs(drift).max(), 1e-9) + bound**2) + 1.0
    if tau is not None:
        t_cap = min(t_cap, 50 * tau + 10.0)  # a collapsing bound meets the evidence within a few tau
    while alive.any():
        if t > t_cap:
            raise RuntimeError(f"no bound crossing after {t:.0f} s of simulated time: are k and bound sensible?")
        t += dt
        idx = np.flatnonzero(alive)
        x[idx] += drift[idx] * dt + np.sqrt(dt) * rng.standard_normal(idx.size)
        hit = idx[np.abs(x[idx]) >= (bound if tau is None else bound * np.exp(-t / tau))]
        t_hit[hit] = t
        upper[hit] = x[hit] > 0
        alive[hit] = False
    return cohs_arr, upper, (t_hit + nondecision) * 1000
