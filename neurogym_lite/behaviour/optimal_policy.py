"""The reward-rate-optimal policy of the reaction-time task, by dynamic programming.

An observer of ``PerceptualDecisionMakingRT-v0`` that integrates perfectly sums, frame by frame,
the difference of the two stimulus channels: after ``t`` frames its sum ``S`` is Gaussian with
mean ``t * coh / 100`` (signed by the direction) and variance ``t * 2 sigma^2 / dt``. With the
coherence drawn at random from the task's set, ``(S, t)`` is all it knows (the sufficient
statistics): its belief that the motion goes one way is the posterior over direction and coherence
given ``S`` and ``t``. At each frame it can answer (and collect the expected reward, then the
inter-trial time and any time-out) or watch one more frame. Trials follow one another, so the best
policy maximises the **reward rate**: :func:`optimal_policy` solves Bellman's equation with a cost
of ``rho`` per frame and adjusts ``rho`` until a trial's value is zero, ``rho`` then being the
best reward rate (Drugowitsch, Moreno-Bote, Churchland, Shadlen & Pouget 2012, J Neurosci
32:3612; Malhotra, Leslie, Ludwig & Bogacz 2018 explain the method). With coherences mixed at
random the optimal bound on ``S`` collapses as time passes: waiting helps less when the trial is
more likely a weak one.

:func:`flat_bound_policy` is the contrast: the best **constant** bound, the policy of a
drift-diffusion model with a flat bound (what ``tools/rt_reward_rate.py`` used to call the best
policy). :func:`policy_outcomes` propagates the evidence density through either policy (no
sampling) and gives, per coherence, the probability of a correct answer, of an error and of a
miss, and the decision-time distributions of correct and error answers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from neurogym_lite.utils.display import compact_repr
from neurogym_lite.utils.validation import check_numbers, check_positive, check_real

__all__ = ["Outcomes", "Policy", "RTTask", "describe", "flat_bound_policy", "optimal_policy", "policy_outcomes"]

#: Grid points of the summed evidence at most (the DP's work grows with their number).
MAX_GRID = 20_000


@dataclass(frozen=True)
class RTTask:
    """What the policy depends on: ``cohs`` (%, drawn uniformly), ``sigma`` and ``dt`` (ms; the
    per-frame noise of the evidence difference is ``sqrt(2) sigma / sqrt(dt)``), the deadline and
    the fixation period (ms; the fixation period is the inter-trial time: the agent waits it out
    whatever it does), the rewards (``correct``, ``fail``, ``miss``) and an optional time-out after
    an error or a miss (ms). Defaults: the task's (``PerceptualDecisionMakingRT-v0``)."""

    cohs: tuple[float, ...] = (0.0, 6.4, 12.8, 25.6, 51.2)
    sigma: float = 2.0
    dt: float = 20.0
    deadline_ms: float = 2000.0
    fixation_ms: float = 500.0
    correct: float = 1.0
    fail: float = -3.0
    miss: float = -3.0
    timeout_ms: float = 0.0

    @classmethod
    def from_env(cls, env: Any) -> RTTask:
        """The parameters of a ``PerceptualDecisionMakingRT`` env (fixed fixation and deadline)."""
        task = env.unwrapped
        fix, dead = task.timing["fixation"], task.timing["stimulus"]
        if not all(isinstance(v, (int, float)) for v in (fix, dead)):
            raise ValueError("from_env needs constant fixation and stimulus durations (numbers in ms)")
        return cls(tuple(float(c) for c in task.cohs), float(task.sigma), float(task.dt), float(dead), float(fix),
                   float(task.rewards["correct"]), float(task.rewards["fail"]), float(task.rewards["miss"]),
                   float(getattr(task, "timeout_after_error", 0.0)))

    def checked(self) -> RTTask:
        cohs = check_numbers("cohs", list(self.cohs))
        if cohs.size == 0 or np.any(cohs < 0) or np.any(cohs > 100):
            raise ValueError(f"cohs must be coherences in % between 0 and 100, got {list(self.cohs)}")
        check_positive("sigma", self.sigma)
        check_positive("dt", self.dt)
        check_real("deadline_ms", self.deadline_ms, low=self.dt, high=60_000.0)
        check_real("fixation_ms", self.fixation_ms, low=0.0, high=60_000.0)
        for name in ("correct", "fail", "miss"):
            check_real(name, getattr(self, name), low=-1e6, high=1e6)
        check_real("timeout_ms", self.timeout_ms, low=0.0, high=600_000.0)
        return self

    @property
    def frames(self) -> int:
        return round(self.deadline_ms / self.dt)

    @property
    def noise(self) -> float:
        return math.sqrt(2) * self.sigma / math.sqrt(self.dt)


@dataclass
class Policy:
    """A policy on the summed evidence: answer at frame ``t`` (1-based) when ``|S| >= bound[t-1]``
    (the side of ``S``), ``inf`` where it never answers. ``belief_bound`` is the same bound as the
    posterior probability of the more likely direction; ``reward_rate`` is per second."""

    __repr__ = compact_repr  # arrays by shape: the default repr prints them in full

    kind: str
    bound: np.ndarray
    belief_bound: np.ndarray
    reward_rate: float
    task: RTTask

    @property
    def times_ms(self) -> np.ndarray:
        return self.task.dt * np.arange(1, self.bound.size + 1)


@dataclass
class Outcomes:
    """Per coherence ``c``: ``p_correct[c]``, ``p_error[c]``, ``p_miss[c]`` and the densities of the
    decision time over frames (``pdf_correct[c]``, ``pdf_error[c]``, probability per frame, frame
    ``f`` at ``times_ms[f]``); summaries of the answered trials' decision times in ``stats[c]``:
    mean, median, q10, q90 (ms), cv, the fraction faster than 170 ms (``fast``)."""

    __repr__ = compact_repr  # arrays by shape: the default repr prints them in full

    times_ms: np.ndarray
    p_correct: dict[float, float]
    p_error: dict[float, float]
    p_miss: dict[float, float]
    pdf_correct: dict[float, np.ndarray]
    pdf_error: dict[float, np.ndarray]
    stats: dict[float, dict[str, float]]


# ------------------------------------------------------------------ the evidence on a grid
class _Grid:
    def __init__(self, task: RTTask, ds: float) -> None:
        self.task = task
        mu_max = max(task.cohs) / 100
        half = mu_max * task.frames + 6 * task.noise * math.sqrt(task.frames)
        half = min(half, 40 * task.noise + mu_max * task.frames)
        n = int(2 * half / ds) + 1
        if n > MAX_GRID:
            raise ValueError(f"the evidence grid would have {n} points (more than MAX_GRID={MAX_GRID}): use a larger ds")
        self.s = np.linspace(-half, half, n)
        self.ds = self.s[1] - self.s[0]
        self.mus = np.array([c / 100 for c in task.cohs])
        # kernels of one frame's evidence for each coherence and direction (+1, -1)
        reach = math.ceil(6 * task.noise / self.ds) + math.ceil(mu_max / self.ds) + 1
        offs = np.arange(-reach, reach + 1) * self.ds
        self.kernels = {}
        for mu in self.mus:
            for d in (1.0, -1.0):
                k = np.exp(-0.5 * ((offs - d * mu) / task.noise) ** 2)
                self.kernels[(mu, d)] = k / k.sum()

    def expect(self, v: np.ndarray, mu: float, d: float) -> np.ndarray:
        """E[v(S + x)] for x one frame of evidence (coherence mu, direction d); constant beyond the grid."""
        k = self.kernels[(mu, d)]
        pad = k.size // 2
        padded = np.pad(v, pad, mode="edge")
        # correlation with the kernel: sum_j k[j] v(S + off_j)
        return np.correlate(padded, k, mode="valid")

    def propagate(self, f: np.ndarray, mu: float, d: float) -> np.ndarray:
        """The density of S + x for S ~ f (mass beyond the grid is lost: kept negligible by the grid's size)."""
        return np.convolve(f, self.kernels[(mu, d)], mode="same")

    def posterior(self, t: int) -> np.ndarray:
        """P(coherence i, direction +) and P(i, -) given S at frame t: shape (2, n_coh, n_grid)."""
        var = self.task.noise**2
        ll = np.stack([d * np.outer(self.mus, self.s) / var - t * (self.mus**2)[:, None] / (2 * var)
                       for d in (1.0, -1.0)])
        ll -= ll.max(axis=(0, 1), keepdims=True)
        p = np.exp(ll)
        return p / p.sum(axis=(0, 1), keepdims=True)


def _choose_value(task: RTTask, g: np.ndarray, rho: float) -> np.ndarray:
    """Expected reward of answering now, net of the time-out's cost, with belief g in the more likely side."""
    timeout = task.timeout_ms / task.dt
    return g * task.correct + (1 - g) * (task.fail - rho * timeout)


def _solve(grid: _Grid, rho: float) -> tuple[float, np.ndarray]:
    """Backward induction with a cost rho per frame: the value of a trial at its start, and the
    answer region (bool, frames x grid)."""
    task = grid.task
    n_t = task.frames
    answer = np.zeros((n_t, grid.s.size), dtype=bool)
    v_next = None
    for t in range(n_t, 0, -1):
        post = grid.posterior(t)
        g_plus = post[0].sum(axis=0)
        g = np.maximum(g_plus, 1 - g_plus)
        choose = _choose_value(task, g, rho)
        if t == n_t:
            wait = np.full_like(choose, task.miss - rho * task.timeout_ms / task.dt)
        else:
            ev = sum(post[i_d, i_c] * grid.expect(v_next, mu, d)
                     for i_d, d in enumerate((1.0, -1.0)) for i_c, mu in enumerate(grid.mus))
            wait = ev - rho
        answer[t - 1] = choose >= wait
        v_next = np.maximum(choose, wait)
    # before the first frame: nothing seen, the agent must watch one frame (the fixation period is
    # charged below); the prior is uniform over coherences and directions
    n = 2 * grid.mus.size
    v0 = sum(grid.expect(v_next, mu, d)[grid.s.size // 2] for d in (1.0, -1.0) for mu in grid.mus) / n - rho
    return float(v0 - rho * task.fixation_ms / task.dt), answer


def _bound_from_answer(grid: _Grid, answer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    bounds = np.full(answer.shape[0], np.inf)
    beliefs = np.full(answer.shape[0], np.nan)
    upper = grid.s >= 0
    for t in range(answer.shape[0]):
        hit = np.flatnonzero(answer[t] & upper)
        if hit.size:
            bounds[t] = grid.s[hit[0]]
            post = grid.posterior(t + 1)
            g = post[0].sum(axis=0)
            beliefs[t] = float(g[hit[0]])
    return bounds, beliefs


def optimal_policy(task: RTTask | None = None, *, ds: float | None = None, tol: float = 1e-7) -> Policy:
    """The reward-rate-optimal policy of the task (:class:`RTTask`; the task's defaults if None),
    by backward induction on a grid of the summed evidence (spacing ``ds``, a tenth of a frame's
    noise by default) and bisection on the reward rate."""
    task = (task or RTTask()).checked()
    grid = _Grid(task, ds if ds is not None else task.noise / 10)
    # the reward rate is between the worst and the best reward per frame of one trial
    frames_min = task.fixation_ms / task.dt + 1
    lo, hi = min(task.fail, task.miss, 0.0) / frames_min - 1.0, task.correct / frames_min
    for _ in range(60):
        mid = (lo + hi) / 2
        value, _ = _solve(grid, mid)
        if value > 0:
            lo = mid
        else:
            hi = mid
        if hi - lo < tol:
            break
    rho = (lo + hi) / 2
    _, answer = _solve(grid, rho)
    bound, belief = _bound_from_answer(grid, answer)
    return Policy("optimal", bound, belief, rho * 1000 / task.dt, task)


def policy_outcomes(policy: Policy, *, ds: float | None = None) -> Outcomes:
    """Propagate the evidence density through ``policy`` for each coherence (direction +; the task
    is symmetric) and collect what happens, frame by frame (:class:`Outcomes`)."""
    if not isinstance(policy, Policy):
        raise TypeError(f"policy must be a Policy (from optimal_policy or flat_bound_policy), got {type(policy).__name__}")
    task = policy.task
    grid = _Grid(task, ds if ds is not None else task.noise / 10)
    times = task.dt * np.arange(1, task.frames + 1)
    out = Outcomes(times, {}, {}, {}, {}, {}, {})
    for mu, c in zip(grid.mus, task.cohs, strict=True):
        f = np.zeros(grid.s.size)
        f[grid.s.size // 2] = 1.0
        pc, pe = np.zeros(task.frames), np.zeros(task.frames)
        for t in range(task.frames):
            f = grid.propagate(f, mu, 1.0)
            b = policy.bound[t]
            up, down = grid.s >= b, grid.s <= -b
            if np.isfinite(b) and b == 0:  # S exactly 0 is a coin flip
                zero = grid.s == 0
                pc[t] += 0.5 * f[zero].sum()
                pe[t] += 0.5 * f[zero].sum()
                up, down = up & ~zero, down & ~zero
            pc[t] += f[up].sum()
            pe[t] += f[down].sum()
            f = np.where(up | down, 0.0, f)
        out.p_correct[c], out.p_error[c], out.p_miss[c] = float(pc.sum()), float(pe.sum()), float(max(f.sum(), 0.0))
        out.pdf_correct[c], out.pdf_error[c] = pc, pe
        dens = pc + pe
        total = dens.sum()
        if total > 0:
            w = dens / total
            mean = float(np.sum(w * times))
            sd = float(np.sqrt(np.sum(w * (times - mean) ** 2)))
            cdf = np.cumsum(w)
            q = {p: float(times[np.searchsorted(cdf, p)]) for p in (0.1, 0.5, 0.9)}
            out.stats[c] = {"mean": mean, "median": q[0.5], "q10": q[0.1], "q90": q[0.9], "cv": sd / mean,
                            "fast": float(np.sum(w[times < 170]))}
    return out


def _rate(task: RTTask, outcomes: Outcomes) -> float:
    reward = frames = 0.0
    timeout = task.timeout_ms / task.dt
    for c in task.cohs:
        p_c, p_e, p_m = outcomes.p_correct[c], outcomes.p_error[c], outcomes.p_miss[c]
        t_mean = np.sum((outcomes.pdf_correct[c] + outcomes.pdf_error[c]) * np.arange(1, task.frames + 1))
        reward += p_c * task.correct + p_e * task.fail + p_m * task.miss
        frames += task.fixation_ms / task.dt + t_mean + p_m * task.frames + (p_e + p_m) * timeout
    return reward / frames * 1000 / task.dt


def flat_bound_policy(task: RTTask | None = None, *, bounds: Sequence[float] | None = None,
                      ds: float | None = None) -> Policy:
    """The best constant bound on the summed evidence (the flat-bound diffusion model's policy),
    found by trying ``bounds`` (in units of one frame's noise; 0.25 to 15 by default) and keeping
    the highest reward rate."""
    task = (task or RTTask()).checked()
    grid_ds = ds if ds is not None else task.noise / 10
    trials = np.arange(0.25, 15.0, 0.25) if bounds is None else check_numbers("bounds", list(bounds))
    best: Policy | None = None
    for b in trials:
        bound = np.full(task.frames, float(b) * task.noise)
        candidate = Policy("flat", bound, np.full(task.frames, np.nan), 0.0, task)
        candidate.reward_rate = _rate(task, policy_outcomes(candidate, ds=grid_ds))
        if best is None or candidate.reward_rate > best.reward_rate:
            best = candidate
    assert best is not None
    grid = _Grid(task, grid_ds)
    idx = np.clip(np.searchsorted(grid.s, best.bound), 0, grid.s.size - 1)
    best.belief_bound = np.array([grid.posterior(t + 1)[0].sum(axis=0)[i] for t, i in enumerate(idx)])
    return best


def describe(policy: Policy, outcomes: Outcomes, at_ms: Sequence[float] = (100, 500, 1000, 1500)) -> str:
    """A short table of a policy: its bound at a few times and, per coherence, accuracy and decision times."""
    lines = [f"{policy.kind} policy: reward rate {policy.reward_rate:.4f} per s"]
    t = policy.times_ms
    for ms in at_ms:
        i = int(np.argmin(np.abs(t - ms)))
        lines.append(f"  bound at {t[i]:.0f} ms: {policy.bound[i] / policy.task.noise:.2f} frame SDs "
                     f"(belief {policy.belief_bound[i]:.3f})")
    lines.append("  coh %   p correct  miss    median  q10-q90 (ms)  cv    fast")
    for c in policy.task.cohs:
        s = outcomes.stats.get(c, {})
        p_ans = outcomes.p_correct[c] + outcomes.p_error[c]
        acc = outcomes.p_correct[c] / p_ans if p_ans else math.nan
        lines.append(f"  {c:5.1f}   {acc:.3f}      {outcomes.p_miss[c]:.3f}   {s.get('median', math.nan):5.0f}   "
                     f"{s.get('q10', math.nan):4.0f}-{s.get('q90', math.nan):4.0f}     {s.get('cv', math.nan):.2f}  "
                     f"{s.get('fast', math.nan):.3f}")
    return "\n".join(lines)
