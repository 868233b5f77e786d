"""How well does an agent do? Accuracy per coherence, and the best any observer could do.

:func:`evaluate` runs a trained model on fresh, seeded copies of a task, the way it was trained
(LSTM state carried across trials), and scores every completed trial. :func:`ideal_observer_accuracy`
gives the accuracy of an observer that integrates all the stimulus evidence perfectly: the
ceiling against which a trained network should be judged.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np
from scipy.stats import norm

__all__ = ["EndedTrial", "EvalResult", "evaluate", "ideal_observer", "ideal_observer_accuracy", "run_trials"]

#: Most Monte Carlo work :func:`ideal_observer_accuracy` does for ``dim_ring > 2``, counted as
#: ``n_samples * dim_ring * (dim_ring + distinct durations * coherences)`` operations (a few
#: seconds on one core at the limit). Raise it with
#: ``neurogym_lite.evaluation.MAX_MONTE_CARLO_WORK = ...``.
MAX_MONTE_CARLO_WORK = 1e10
#: Rows of Monte Carlo draws held in memory at once (the work is done in chunks of this size).
_MC_CHUNK_ELEMENTS = 2**20


def _is_int(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _is_real(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def _check_int(name: str, value: Any, minimum: int) -> int:
    if not _is_int(value):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _numbers(name: str, value: Any) -> np.ndarray:
    """A 1-D float array from a number or a sequence of numbers (no strings, no booleans)."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a number or a list of numbers, got {value!r}")
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iuf":
            raise TypeError(f"{name} must be numbers, got an array of dtype {value.dtype}")
        return np.atleast_1d(value.astype(float)).ravel()
    items = list(value) if isinstance(value, (list, tuple, range)) else [value]
    bad = [v for v in items if not _is_real(v)]
    if bad:
        raise TypeError(f"{name} must be a number or a list of numbers, got {value!r}")
    return np.asarray(items, dtype=float)


@contextlib.contextmanager
def _one_torch_thread() -> Iterator[None]:
    """Torch on one thread inside the block, the caller's setting restored on exit. A small LSTM
    run step by step is several times faster on one thread, most of all on a busy machine; the
    population's worker processes train on one thread each for the same reason."""
    try:
        import torch
    except ImportError:  # pragma: no cover - torch comes with stable-baselines3
        yield
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@contextlib.contextmanager
def _torch_for_evaluation(seed: int, *, seed_sampling: bool) -> Iterator[None]:
    """One torch thread (:func:`_one_torch_thread`) and, for sampled actions, torch's RNG seeded
    from ``seed``; both undone on exit, so the caller's thread setting and global RNG state are
    unchanged."""
    with contextlib.ExitStack() as stack:
        if seed_sampling:
            import torch

            stack.enter_context(torch.random.fork_rng(devices=[]))
            torch.manual_seed(seed)
        stack.enter_context(_one_torch_thread())
        yield


@dataclass
class EvalResult:
    """Per-trial records of an evaluation, and summaries of them.

    ``performance[k]`` is 1 for a correct trial; ``choices[k]`` the action that ended trial k (0 =
    no choice before the trial ran out); ``trials[k]`` the trial's parameters (``coh``,
    ``ground_truth``, ...); ``reaction_steps[k]`` the step within the trial at which it ended.
    """

    performance: np.ndarray
    choices: np.ndarray
    trials: list[dict[str, Any]]
    reaction_steps: np.ndarray
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        return float(self.performance.mean())

    @property
    def num_trials(self) -> int:
        return int(self.performance.size)

    def param(self, key: str) -> np.ndarray:
        """One trial parameter (e.g. ``'coh'``) for every trial."""
        return np.array([t[key] for t in self.trials])

    @property
    def cohs(self) -> np.ndarray:
        return self.param("coh").astype(float)

    def accuracy_by(self, key: str = "coh") -> dict[float, float]:
        """Accuracy for each value of a trial parameter (default: coherence)."""
        values = self.param(key)
        return {float(v): float(self.performance[values == v].mean()) for v in np.unique(values)}

    def count_by(self, key: str = "coh") -> dict[float, int]:
        values = self.param(key)
        return {float(v): int((values == v).sum()) for v in np.unique(values)}

    @property
    def accuracy_by_coh(self) -> dict[float, float]:
        return self.accuracy_by("coh")

    def summary(self) -> str:
        lines = [f"accuracy {self.accuracy:.3f} over {self.num_trials} trials"]
        if self.trials and "coh" in self.trials[0]:
            counts = self.count_by("coh")
            for coh, acc in self.accuracy_by_coh.items():
                lines.append(f"  coherence {coh:5.1f}%: {acc:.3f}  ({counts[coh]} trials)")
        return "\n".join(lines)


def evaluate(
    model: Any,
    make_env: Callable[[], gym.Env],
    num_trials: int = 1000,
    *,
    n_envs: int = 16,
    deterministic: bool = True,
    seed: int = 0,
    reset_state_each_trial: bool = False,
) -> EvalResult:
    """Run ``model`` on ``n_envs`` fresh envs from ``make_env`` until ``num_trials`` trials end.

    Env ``i`` is reset with ``seed + i``, so a given (model, seed) always gives the same result,
    also with ``deterministic=False``: the policy's sampling then draws from torch's generator
    seeded with ``seed`` inside the call (the caller's global torch RNG state is restored
    afterwards). The envs run side by side with one batched ``model.predict`` call per step
    (much faster than one env at a time; ``n_envs`` is capped at ``num_trials``); a recurrent
    model's LSTM state is carried across trials, as in training, unless
    ``reset_state_each_trial``. Actions are the policy's most likely ones
    (``deterministic=True``) unless told otherwise.

    The evaluation runs torch on one thread (restoring the caller's setting afterwards): a small
    LSTM evaluated step by step is several times faster so, above all when other work shares the
    cores (``benchmarks/evaluate_threads.py`` measures it).
    """
    ended = run_trials(model, make_env, num_trials, n_envs=n_envs, seed=seed, deterministic=deterministic,
                       reset_state_each_trial=reset_state_each_trial)
    return EvalResult(np.array([int(t.info.get("performance", 0)) for t in ended]),
                      np.array([t.action for t in ended]),
                      [dict(t.info.get("trial", {})) for t in ended],
                      np.array([t.steps for t in ended]))


@dataclass(frozen=True)
class EndedTrial:
    """One trial that ended during :func:`run_trials`."""

    #: which of the ``n_envs`` envs ran it (each env's trials come in the order they ran)
    env_index: int
    #: the action of the step that ended it
    action: int
    #: that step's ``info`` (``performance``, ``trial``: the ended trial's parameters, ...)
    info: dict[str, Any]
    #: the step within the trial at which it ended (0: its first step)
    steps: int


def run_trials(
    model: Any,
    make_env: Callable[[], gym.Env],
    num_trials: int,
    *,
    n_envs: int = 16,
    seed: int = 0,
    deterministic: bool = True,
    reset_state_each_trial: bool = False,
    before_step: Callable[[int, gym.Env, np.ndarray], None] | None = None,
) -> list[EndedTrial]:
    """The loop behind :func:`evaluate` (and the behavioural collectors built on it): ``model`` on
    ``n_envs`` fresh envs from ``make_env``, env ``i`` reset with ``seed + i``, one batched
    ``model.predict`` per step, the LSTM state carried across trials unless
    ``reset_state_each_trial``, torch on one thread (and seeded for sampled actions), until
    ``num_trials`` trials have ended. Returns those trials in the order they ended.

    ``before_step(i, env, obs)``, when given, is called with env ``i`` and the observation it is
    about to act on, before every step: the place to record what the agent saw.
    """
    if not callable(getattr(model, "predict", None)):
        raise TypeError(f"model must have a predict() method (a stable-baselines3 model), got {type(model).__name__}")
    if not callable(make_env):
        raise TypeError(f"make_env must be a function that builds an env, got {make_env!r}")
    num_trials = _check_int("num_trials", num_trials, 1)
    n_envs = min(_check_int("n_envs", n_envs, 1), num_trials)
    deterministic = _check_bool("deterministic", deterministic)
    reset_state_each_trial = _check_bool("reset_state_each_trial", reset_state_each_trial)
    seed = _check_int("seed", seed, 0)
    envs = []
    for _ in range(n_envs):
        env = make_env()
        if not isinstance(env, gym.Env):
            for built in envs:
                built.close()
            raise TypeError(f"make_env must return a gymnasium Env, but it returned {type(env).__name__}")
        envs.append(env)
    try:
        with _torch_for_evaluation(seed, seed_sampling=not deterministic):
            return _run_trials(model, envs, num_trials, seed, deterministic, reset_state_each_trial, before_step)
    finally:
        for env in envs:
            env.close()


def _run_trials(model: Any, envs: list[gym.Env], num_trials: int, seed: int, deterministic: bool,
                reset_state_each_trial: bool, before_step: Any) -> list[EndedTrial]:
    n_envs = len(envs)
    obs = np.stack([env.reset(seed=seed + i)[0] for i, env in enumerate(envs)])
    step_in_trial = np.zeros(n_envs, dtype=np.int64)
    episode_start = np.ones(n_envs, dtype=bool)
    state = None
    ended: list[EndedTrial] = []
    max_steps = 1000 * num_trials
    steps = 0
    while len(ended) < num_trials:
        actions, state = model.predict(obs, state=state, episode_start=episode_start, deterministic=deterministic)
        actions = np.asarray(actions).reshape(n_envs)
        for i, env in enumerate(envs):
            if before_step is not None:
                before_step(i, env, obs[i])
            ob, _, terminated, truncated, info = env.step(int(actions[i]))
            episode_start[i] = False
            if info.get("new_trial", False):
                ended.append(EndedTrial(i, int(actions[i]), info, int(step_in_trial[i])))
                step_in_trial[i] = 0
                episode_start[i] = reset_state_each_trial
            else:
                step_in_trial[i] += 1
            if terminated or truncated:
                ob, _ = env.reset()
                episode_start[i] = True
            obs[i] = ob
        steps += 1
        if steps > max_steps:
            raise RuntimeError(f"only {len(ended)} of {num_trials} trials ended within {steps} steps")
    return ended[:num_trials]


def ideal_observer_accuracy(
    cohs: float | Sequence[float],
    *,
    sigma: float = 1.0,
    dt: float = 100,
    stim_duration: float | Sequence[float] = 2000,
    dim_ring: int = 2,
    n_samples: int = 200_000,
    seed: int = 0,
) -> np.ndarray:
    """Accuracy of the ideal observer of the random-dots task, for each coherence in ``cohs``.

    The observer sees every stimulus step (``stim_duration / dt`` of them, each channel with
    Gaussian noise of standard deviation ``sigma / sqrt(dt)``) and picks the most likely
    direction. Its sufficient statistic is the evidence summed over time, so with
    ``N`` steps and noise ``s`` its accuracy on two directions is
    ``Phi(sqrt(N) * (coh / 100) / (s * sqrt(2)))``; with more directions it is computed by Monte
    Carlo (``n_samples`` draws, seeded). ``stim_duration`` may be a sample of durations (for a
    random stimulus duration): the accuracy is then averaged over them.

    Arguments are checked as the task checks them (coherences in [0, 100] %, ``sigma`` and
    ``stim_duration`` finite, every duration at least half a step so that the observer sees one
    frame, ``dim_ring`` up to the task's ``MAX_DIM_RING``); the Monte Carlo work is capped at
    :data:`MAX_MONTE_CARLO_WORK` (the error says which argument to lower) and done in chunks,
    so memory stays small whatever ``n_samples``.
    """
    from neurogym_lite.envs.perceptual_decision_making import MAX_DIM_RING
    from neurogym_lite.timing import check_dt

    coh_arr = _numbers("cohs", cohs)
    if coh_arr.size == 0:
        raise ValueError("cohs must hold at least one coherence")
    if not np.all((coh_arr >= 0) & (coh_arr <= 100)):  # also refuses NaN
        raise ValueError(f"cohs must be coherences in % between 0 and 100, got {cohs!r}")
    if not _is_real(sigma):
        raise TypeError(f"sigma must be a non-negative number, got {sigma!r}")
    if not (math.isfinite(sigma) and sigma >= 0):
        raise ValueError(f"sigma must be a non-negative finite number, got {sigma!r}")
    dt = check_dt(dt)
    durations = _numbers("stim_duration", stim_duration)
    if durations.size == 0:
        raise ValueError("stim_duration must hold at least one duration (ms)")
    if not np.all(np.isfinite(durations)) or np.any(durations < dt / 2):
        raise ValueError(
            f"stim_duration must be finite durations in ms of at least half a step (dt/2 = {dt / 2:g} ms), "
            f"so that the observer sees at least one frame; got {stim_duration!r}"
        )
    dim_ring = _check_int("dim_ring", dim_ring, 2)
    if dim_ring > MAX_DIM_RING:
        raise ValueError(f"dim_ring={dim_ring} is above the task's limit MAX_DIM_RING={MAX_DIM_RING}")
    n_samples = _check_int("n_samples", n_samples, 1)
    seed = _check_int("seed", seed, 0)
    steps, counts = np.unique(np.round(durations / dt), return_counts=True)
    weights = counts / counts.sum()
    if dim_ring > 2 and sigma > 0:
        work = float(n_samples) * dim_ring * (dim_ring + steps.size * coh_arr.size)
        if work > MAX_MONTE_CARLO_WORK:
            raise ValueError(
                f"the Monte Carlo estimate for dim_ring={dim_ring} would take n_samples * dim_ring * "
                f"(dim_ring + distinct durations ({steps.size}) * coherences ({coh_arr.size})) = {work:.3g} "
                f"operations, above the limit MAX_MONTE_CARLO_WORK={MAX_MONTE_CARLO_WORK:g}; lower "
                "n_samples (or the number of distinct durations / coherences), or raise "
                "neurogym_lite.evaluation.MAX_MONTE_CARLO_WORK"
            )
    s = sigma / math.sqrt(dt)
    if s == 0:
        return np.where(coh_arr > 0, 1.0, 1.0 / dim_ring)
    if dim_ring == 2:
        table = norm.cdf(np.sqrt(steps)[:, None] * (coh_arr / 100)[None, :] / (s * math.sqrt(2)))
    else:
        table = _ring_accuracy_table(coh_arr, s, steps, dim_ring, n_samples, seed)
    return np.asarray(weights @ table, dtype=float)


def _ring_accuracy_mc(cohs: np.ndarray, s: float, n_steps: int, dim_ring: int, n: int, seed: int) -> np.ndarray:
    return _ring_accuracy_table(cohs, s, np.array([n_steps]), dim_ring, n, seed)[0]


def _ring_accuracy_table(cohs: np.ndarray, s: float, steps: np.ndarray, dim_ring: int, n: int,
                         seed: int) -> np.ndarray:
    """Monte Carlo accuracy of the ideal observer, ``[duration, coherence]``.

    With ``N`` steps the summed evidence is ``N * m_c + s * sqrt(N) * Z`` (``m_c`` the mean
    frame for coherence ``c``, ``Z`` standard normal); its projections on the candidate
    directions, divided by ``s * sqrt(N)``, are ``sqrt(N) / s * m_c @ proj + Z @ proj``, so one
    draw of ``Z @ proj`` serves every duration and coherence (common random numbers).
    """
    rng = np.random.default_rng(seed)
    theta = np.linspace(0, 2 * np.pi, dim_ring + 1)[:-1]
    proj = np.cos(theta[:, None] - theta[None, :])  # channel i x candidate j
    means = [(np.cos(theta - theta[0]) * coh / 200 + 0.5) @ proj for coh in cohs]
    hits = np.zeros((len(steps), len(cohs)))
    # In chunks of rows: bounded memory whatever n.
    chunk = max(1, _MC_CHUNK_ELEMENTS // dim_ring)
    for start in range(0, n, chunk):
        zp = rng.standard_normal((min(chunk, n - start), dim_ring)) @ proj
        for k, n_steps in enumerate(steps):
            scale = math.sqrt(n_steps) / s
            for i, mean in enumerate(means):
                hits[k, i] += np.count_nonzero(np.argmax(zp + scale * mean, axis=1) == 0)
    return hits / n


def ideal_observer(env: gym.Env, n_duration_samples: int = 2000, n_samples: int = 200_000) -> dict[float, float]:
    """The ideal observer's accuracy for each coherence of a ``PerceptualDecisionMaking`` env
    (read from the env: its ``cohs``, ``sigma``, ``dt``, ``dim_ring`` and stimulus timing).

    A random stimulus duration is represented by ``n_duration_samples`` draws from the env's
    timing spec (seeded), over which the accuracy is averaged. ``n_samples`` is passed on to
    :func:`ideal_observer_accuracy` (its Monte Carlo draws, for ``dim_ring > 2``)."""
    n_duration_samples = _check_int("n_duration_samples", n_duration_samples, 1)
    if not isinstance(env, gym.Env):
        raise TypeError(f"env must be a gymnasium Env (a PerceptualDecisionMaking task), got {type(env).__name__}")
    task: Any = env.unwrapped
    for attr in ("cohs", "sigma", "dt", "dim_ring", "_timing"):
        if not hasattr(task, attr):
            raise TypeError(f"ideal_observer needs a PerceptualDecisionMaking-like env; {type(task).__name__} has no {attr!r}")
    timing = task._timing["stimulus"]
    rng = np.random.default_rng(0)
    durations = [timing.sample(rng) * task.dt for _ in range(1 if timing.kind == "constant" else n_duration_samples)]
    acc = ideal_observer_accuracy(task.cohs, sigma=task.sigma, dt=task.dt, stim_duration=durations,
                                  dim_ring=task.dim_ring, n_samples=n_samples)
    return {float(c): float(a) for c, a in zip(task.cohs, acc, strict=True)}
