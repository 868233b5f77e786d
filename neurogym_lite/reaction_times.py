"""Reaction-time analyses: collect an agent's choices and reaction times, summarise them by
coherence, and fit a drift-diffusion model to them with PyDDM (as done for monkeys by Roitman &
Shadlen 2002 and Palmer, Huk & Shadlen 2005).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import gymnasium as gym
import numpy as np

__all__ = [
    "RT_RECIPE",
    "DDMFit",
    "RTData",
    "align_to_response",
    "collect_rts",
    "ddm_predictions",
    "fit_ddm",
    "monkey_data",
    "monkey_ddm_fits",
    "rt_summary",
    "simulate_ddm",
    "train_rt_agent",
]

#: How the reaction-time agent is trained: notebook 2's recipe (:mod:`neurogym_lite.training`) with
#: these changes, each needed because a trial at dt = 20 ms lasts 30-125 steps instead of ~10:
#:
#: - ``gamma`` 0.998: the discount must reach back over several trials (a reward 500 steps = 10 s
#:   away still counts e^-1); with 0.995, one seed of three answered only 75 % of trials, quickly;
#: - ``n_steps`` 256 per env between updates (64 in notebook 2): a rollout then holds several whole
#:   trials, so the advantage of waiting is measured on outcomes rather than guessed by the critic;
#: - ``learning_rate`` 3e-4 (falling linearly to 0, as in notebook 2; 1e-3 there): with 1e-3 the
#:   agents drifted back to answering after 3-5 frames (``benchmarks/README.md``, section 5);
#: - ``lstm_forget_bias`` 2: the LSTM starts as a leaky integrator with a ~8-step memory instead of
#:   ~2 (:func:`neurogym_lite.training.set_forget_bias`); without it no agent integrated for long.
RT_RECIPE: dict[str, Any] = {"gamma": 0.998, "n_steps": 256, "learning_rate": 3e-4, "lstm_forget_bias": 2.0}
#: Training steps of the reaction-time agent (tools/train_rt_model.py): ~3-4 min of one CPU core.
RT_TOTAL_TIMESTEPS = 400_000


@dataclass
class RTData:
    """One row per completed trial: coherence (%), 0-based direction, choice (0-based direction,
    -1 when the trial ended without a choice), ``correct`` (bool), reaction time in ms from
    stimulus onset (NaN without a choice), and ``dt`` (ms per step)."""

    coh: np.ndarray
    ground_truth: np.ndarray
    choice: np.ndarray
    correct: np.ndarray
    rt: np.ndarray
    dt: float

    @property
    def n_trials(self) -> int:
        return int(self.coh.size)

    @property
    def answered(self) -> np.ndarray:
        """Trials that ended with a choice during the stimulus (not aborted, not missed)."""
        return np.isfinite(self.rt)

    def select(self, mask: Any) -> RTData:
        m = np.asarray(mask, dtype=bool)
        return RTData(self.coh[m], self.ground_truth[m], self.choice[m], self.correct[m], self.rt[m], self.dt)


def collect_rts(model: Any, make_env: Callable[[], gym.Env], num_trials: int, *, seed: int = 0,
                n_envs: int = 16, deterministic: bool = True) -> RTData:
    """Run a recurrent SB3 ``model`` on ``n_envs`` copies of ``make_env()`` side by side (the LSTM
    state carried across trials, as in training) until ``num_trials`` trials have ended; return
    every completed trial's coherence, choice and reaction time.

    It is :func:`neurogym_lite.evaluation.run_trials`, the loop of ``evaluate`` (env ``i`` reset
    with ``seed + i``): batching the envs makes it ~10x faster than :func:`neurogym_lite.run_env`,
    which steps one env; use ``run_env`` when you need the hidden states.
    """
    from neurogym_lite.evaluation import run_trials

    probe = make_env()
    dt = float(probe.unwrapped.dt)
    probe.close()
    ended = run_trials(model, make_env, num_trials, n_envs=n_envs, seed=seed, deterministic=deterministic)
    rows: list[tuple[float, int, int, bool, float]] = []
    for t in ended:
        trial = t.info["trial"]
        rt = trial.get("rt")
        choice = t.action - 1 if rt is not None else -1
        rows.append((float(trial["coh"]), int(trial["ground_truth"]), choice,
                     bool(t.info["performance"]), float("nan") if rt is None else float(rt)))
    return RTData(
        coh=np.array([r[0] for r in rows]), ground_truth=np.array([r[1] for r in rows]),
        choice=np.array([r[2] for r in rows]), correct=np.array([r[3] for r in rows]),
        rt=np.array([r[4] for r in rows]), dt=dt,
    )


def rt_summary(data: RTData) -> dict[float, dict[str, float]]:
    """Per coherence: number of trials, fraction answered, accuracy among answered trials, and the
    mean / median reaction time (ms) of correct and of error trials."""
    out: dict[float, dict[str, float]] = {}
    for c in np.unique(data.coh):
        d = data.select(data.coh == c)
        ans = d.answered
        ok = ans & d.correct
        err = ans & ~d.correct
        out[float(c)] = {
            "n": int(d.n_trials),
            "answered": float(ans.mean()),
            "accuracy": float(d.correct[ans].mean()) if ans.any() else float("nan"),
            "mean_rt": float(d.rt[ans].mean()) if ans.any() else float("nan"),
            "median_rt": float(np.median(d.rt[ans])) if ans.any() else float("nan"),
            "mean_rt_correct": float(d.rt[ok].mean()) if ok.any() else float("nan"),
            "mean_rt_error": float(d.rt[err].mean()) if err.any() else float("nan"),
            "n_error": int(err.sum()),
        }
    return out


def train_rt_agent(seed: int = 0, total_timesteps: int = RT_TOTAL_TIMESTEPS, env_kwargs: dict[str, Any] | None = None,
                   **overrides: Any) -> tuple[Any, float]:
    """Train a ``RecurrentPPO`` agent on ``PerceptualDecisionMakingRT-v0`` (with ``env_kwargs``)
    with :data:`RT_RECIPE` (``overrides`` replace any hyperparameter); return it and the training
    wall time in seconds."""
    import time

    import neurogym_lite as ngym
    from neurogym_lite.training import make_model, make_vec_env

    kwargs = dict(env_kwargs or {})

    def make_env() -> gym.Env:
        return ngym.make_env("PerceptualDecisionMakingRT-v0", **kwargs)

    model = make_model(make_vec_env(make_env, seed=seed), seed=seed, **{**RT_RECIPE, **overrides})
    t0 = time.perf_counter()
    model.learn(total_timesteps)
    return model, time.perf_counter() - t0


def align_to_response(rollout: Any, *, before: int = 30, after: int = 1, states: str = "hidden") -> Any:
    """Cut a rollout's LSTM states into trials aligned to the response, as LIP activity is shown
    aligned to the saccade (Roitman & Shadlen 2002, Fig. 7-9).

    Keeps the completed trials that ended with a choice during the stimulus (``trial['rt']`` set);
    ``times`` run from ``-before`` to ``after - 1`` steps, 0 = the step whose state produced the
    choice. Returns an :class:`neurogym_lite.analysis.AlignedStates` (``period='response'``), NaN
    where a trial has no such step (before its stimulus onset, or after it ended).
    """
    from neurogym_lite.analysis import AlignedStates, _check_int, _lstm_states

    x = _lstm_states(rollout, states)
    before = _check_int("before", before, 0)
    after = _check_int("after", after, 1)
    ids = [k for k in range(rollout.num_trials) if rollout.trials[k].get("rt") is not None]
    if not ids:
        raise ValueError("no completed trial ended with a choice during the stimulus")
    times = np.arange(-before, after)
    data = np.full((len(ids), times.size, x.shape[1]), np.nan, dtype=float)
    for row, k in enumerate(ids):
        sl = rollout.trial_steps(k)
        trial = rollout.trials[k]
        # the stimulus-onset step bounds the window: LIP is aligned within the decision epoch
        first = sl.start + int(trial["stim_onset_step"])
        resp = sl.start + int(trial["response_step"])
        steps = resp + times
        ok = (steps >= first) & (steps < sl.stop)
        data[row, ok] = x[steps[ok]]
    idx = np.asarray(ids)
    return AlignedStates(data=data, times=times, trials=[rollout.trials[i] for i in ids],
                         choices=rollout.choices[idx], performance=rollout.performance[idx], trial_ids=idx,
                         period="response", dt=rollout.dt)


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


# ------------------------------------------------------------------------------ the monkeys' data
def _read_data(name: str) -> list[dict[str, str]]:
    text = (resources.files("neurogym_lite") / "data" / name).read_text()
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


def monkey_ddm_fits() -> dict[int, DDMFit]:
    """The same diffusion model as :func:`fit_ddm`, fitted to each monkey's trials
    (``neurogym_lite/data/roitman_shadlen_2002_ddm.csv``, made by ``tools/roitman_shadlen_data.py``)."""
    return {int(r["monkey"]): DDMFit(k=float(r["k"]), bound=float(r["bound"]),
                                     nondecision=float(r["nondecision_ms"]) / 1000,
                                     loss=float(r["neg_log_likelihood"]))
            for r in _read_data("roitman_shadlen_2002_ddm.csv")}
