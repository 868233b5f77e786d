"""One network's dynamics in a few numbers: what notebook 10 shows of the shipped agents, measured
the same way for every network of a population (``tools/population_dynamics.py``).

:func:`measure_dynamics` records the network on its own trials and returns its slow points under
the 0 % stimulus (their number, stability, the slowest eigenvalue and its time constant), how
well the slowest mode and the input's push line up with the network's choice axis, its memory
measured with a pulse of evidence, and, for a fixed-duration task, its pulse kernel at the choice
and the effect on choices of a push along its choice axis at the end of the dots.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from neurogym_lite.neural.fixed_points import find_fixed_points, time_constants
from neurogym_lite.neural.lstm_dynamics import (
    ActorDynamics,
    choice_preference,
    constant_input,
    full_state,
    pulse_response,
)
from neurogym_lite.utils.validation import check_int

__all__ = ["choice_axis", "measure_dynamics", "onset_steps", "pulse_decay", "push_effect"]


def onset_steps(rollout: Any) -> np.ndarray:
    """The step at which each completed trial's stimulus starts (the first ``'stimulus'`` step)."""
    periods = np.asarray(rollout.periods)
    out = []
    for k in range(rollout.num_trials):
        steps = np.arange(rollout.num_steps)[rollout.trial_steps(k)]
        stim = steps[periods[steps] == "stimulus"]
        out.append(int(stim[0]) if stim.size else -1)
    return np.array(out)


def choice_axis(states: np.ndarray, choices: np.ndarray) -> np.ndarray:
    """The unit vector from the mean state of choice-2 trials to that of choice-1 trials."""
    counts = [int(np.sum(np.asarray(choices) == c)) for c in (1, 2)]
    if min(counts) < 2:
        raise ValueError(f"a choice axis needs trials of both choices, got {counts[0]} of choice 1 and {counts[1]} of choice 2")
    axis = states[choices == 1].mean(axis=0) - states[choices == 2].mean(axis=0)
    return axis / np.linalg.norm(axis)


def pulse_decay(dyn: ActorDynamics, env: Any, start_states: np.ndarray, *, steps: int, dt: float) -> dict[str, Any]:
    """The network left with the noise-free 0 % stimulus from ``start_states`` (the states before
    the dots), a pulse of evidence on the first frame: the response of its choice preference over
    ``steps`` steps (per unit evidence, averaged over the starts), its peak and the time constant
    of its decay after the peak (log-linear fit where it is above 5 % of the peak)."""
    obs = np.repeat(constant_input(env, 0.0, 0)[None, None], start_states.shape[0], 0).repeat(steps, 1)
    r = np.nanmean(pulse_response(dyn, obs, start_states, pulse_at=[0], read_at=np.arange(steps))[:, 0], axis=0)
    peak = int(np.argmax(r))
    tail = np.arange(peak, steps)
    tail = tail[r[tail] > 0.05 * r[peak]]
    tau = float("nan")
    if tail.size >= 3:
        slope = np.polyfit(tail * dt, np.log(r[tail]), 1)[0]
        tau = float(-1 / slope) if slope < 0 else float("inf")
    return {"response": r.tolist(), "peak_ms": peak * dt, "tau_ms": tau}


def push_effect(dyn: ActorDynamics, obs: np.ndarray, s0: np.ndarray, *, push_at: int, read_at: int,
                direction: np.ndarray, size: float, n_boot: int = 1000, seed: int = 0) -> dict[str, float]:
    """P(choice 1) when the state is pushed by ``+size`` and ``-size`` along ``direction`` right
    after step ``push_at``, choices read at ``read_at`` (the larger of the two choice logits), and
    their difference with a bootstrap interval over trials (the same trials both ways)."""
    up = choice_preference(dyn, dyn.run(obs, s0, push_at=push_at, push=size * direction)[:, read_at]) > 0
    down = choice_preference(dyn, dyn.run(obs, s0, push_at=push_at, push=-size * direction)[:, read_at]) > 0
    diff = up.astype(float) - down
    boot = stats.bootstrap((diff,), np.mean, n_resamples=n_boot, random_state=seed, method="percentile")
    return {"p_up": float(up.mean()), "p_down": float(down.mean()), "effect": float(diff.mean()),
            "low": float(boot.confidence_interval.low), "high": float(boot.confidence_interval.high)}


def measure_dynamics(model: Any, env: Any, *, n_trials: int = 600, seed: int = 0, n_initial: int = 128,
                     pulse_ms: float = 2000.0) -> dict[str, Any]:
    """Notebook 10's measures of one network on ``n_trials`` of its own trials (``env`` seeded with
    ``seed``; argmax actions)."""
    from neurogym_lite.tasks.rollout import run_env

    n_trials = check_int("n_trials", n_trials, 50)
    n_initial = check_int("n_initial", n_initial, 8)
    rollout = run_env(env, num_trials=n_trials, model=model, seed=seed)
    dyn = ActorDynamics(model)
    dt = float(rollout.dt)
    states = full_state(rollout.hidden, rollout.cell)
    rng = np.random.default_rng(seed)
    starts = states[rng.choice(len(states), size=min(n_initial, len(states)), replace=False)]
    fp = find_fixed_points(dyn.map_for(constant_input(env, 0.0, 0)), starts)
    out: dict[str, Any] = {"n_trials": rollout.num_trials, "n_slow_points": len(fp),
                           "n_stable": int(fp.stable.sum()) if len(fp) else 0}
    if len(fp):
        lam = fp.top_eigenvalue[0]
        out.update(top_eigenvalue=abs(lam), oscillatory=bool(abs(lam.imag) > 1e-9),
                   tau_ms=float(time_constants([lam], dt)[0]), preference=float(choice_preference(dyn, fp.points[:1])[0]))
    cmax = float(np.max(env.unwrapped.cohs))
    ends = {gt: find_fixed_points(dyn.map_for(constant_input(env, cmax, gt)), starts) for gt in (0, 1)}

    onset = onset_steps(rollout)
    choices = rollout.choices
    answered = (onset > 0) & (choices > 0)
    idx = np.flatnonzero(answered)
    if idx.size == 0 or min(np.sum(choices[idx] == 1), np.sum(choices[idx] == 2)) < 20:
        out["note"] = "fewer than 20 trials of one choice: no choice axis, pulse or push measures"
        return out
    half_a, half_b = idx[::2], idx[1::2]  # axes chosen on one half, tested on the other
    last = np.array([rollout.trial_steps(k).stop - 2 for k in range(rollout.num_trials)])  # the step before the choice
    axis = choice_axis(states[last[half_a]], choices[half_a])
    if len(fp):
        out["slow_mode_vs_choice_axis"] = float(abs(fp.top_mode(0) @ axis))
    radius = float(np.mean(np.linalg.norm(starts - starts.mean(axis=0), axis=1)))
    if len(fp) > 1:  # several slow points: how far apart, and (three or more) along which line
        gaps = np.linalg.norm(fp.points[:, None] - fp.points[None], axis=2)
        out["slow_points_spread"] = float(gaps.max() / radius)
        if len(fp) >= 3:
            line = np.linalg.svd(fp.points - fp.points.mean(axis=0), full_matrices=False)[2][0]
            out["slow_points_line_vs_choice_axis"] = float(abs(line @ axis))
    rts = [t["rt"] for t in rollout.trials if t.get("rt") is not None and t.get("coh") == 0]
    if rts:
        out["median_rt_at_0_ms"] = float(np.median(rts))
    if len(ends[0]) and len(ends[1]):
        push = ends[0].points[0] - ends[1].points[0]
        out["input_vs_choice_axis"] = float(abs(push @ axis) / np.linalg.norm(push))
    decay = pulse_decay(dyn, env, states[onset[idx] - 1], steps=max(2, round(pulse_ms / dt)), dt=dt)
    out["pulse"] = decay

    lengths = np.array([rollout.trial_steps(k).stop - rollout.trial_steps(k).start for k in idx])
    if np.unique(lengths).size == 1:  # fixed duration: every trial has its frames, then the choice
        trial = np.array([rollout.trial_steps(k).start for k in idx])
        n = int(lengths[0])
        obs = np.stack([rollout.obs[t:t + n] for t in trial])
        s0 = np.where((trial > 0)[:, None], states[np.maximum(trial - 1, 0)], 0.0)
        frames = np.arange(int(onset[idx[0]] - trial[0]), n - 1)
        kernel = np.nanmean(pulse_response(dyn, obs, s0, pulse_at=frames, read_at=[n - 1])[:, :, 0], axis=0)
        out["pulse_kernel"] = kernel.tolist()
        out["pulse_late_over_early"] = float(kernel[-1] / kernel[0])
        b = np.isin(idx, half_b) & np.array([rollout.trials[k]["coh"] == 0 for k in idx])
        sd = float(np.std(states[last[half_a]] @ axis))
        out["push"] = push_effect(dyn, obs[b], s0[b], push_at=n - 2, read_at=n - 1, direction=axis, size=sd)
        out["push"]["size_sd"] = sd
        # the same push along random directions orthogonal to the choice axis: what any push of that size does
        rand = rng.normal(size=(10, axis.size))
        rand -= np.outer(rand @ axis, axis)
        rand /= np.linalg.norm(rand, axis=1, keepdims=True)
        control = [push_effect(dyn, obs[b], s0[b], push_at=n - 2, read_at=n - 1, direction=r, size=sd)["effect"]
                   for r in rand]
        out["push"]["control_effect"] = float(np.mean(control))
        out["push"]["control_max"] = float(np.max(np.abs(control)))
    return out
