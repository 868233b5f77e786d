"""The reward-rate-optimal bound of an ideal integrator on PerceptualDecisionMakingRT-v0.

    python tools/rt_reward_rate.py                         # the task's defaults
    python tools/rt_reward_rate.py --fail -2 --fixation 200

An ideal observer sums the frame-by-frame evidence (the difference of the two stimulus channels,
mean coh/100, variance 2 sigma^2/dt per frame) and answers when the sum reaches +-B. Trials follow
one another, so its reward per unit time is (mean reward per trial) / (mean steps per trial:
fixation + decision). For each bound B on a grid this simulates the task's coherences (uniform, as
the task draws them) and prints the best bound's decision times and accuracies: what an agent that
integrated perfectly would do with these rewards. The docstring of the task quotes its output.
"""

from __future__ import annotations

import argparse

import numpy as np

from neurogym_lite.tasks.reaction_time import (
    DEFAULT_RT_DT,
    DEFAULT_RT_REWARDS,
    DEFAULT_RT_SIGMA,
    DEFAULT_RT_TIMING,
)

COHS = [0.0, 3.2, 6.4, 12.8, 25.6, 51.2]


def best_bound(fail: float, miss: float, fixation_ms: float, deadline_ms: float, dt: float, sigma: float,
               n: int = 4000, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    frames = round(deadline_ms / dt)
    noise = np.sqrt(2) * sigma / np.sqrt(dt)
    paths = {c: rng.normal(c / 100, noise, size=(n, frames)).cumsum(axis=1) for c in COHS}
    best = None
    for bound in np.arange(0.25, 10.0, 0.05) * noise:
        reward = steps = 0.0
        per_coh = {}
        for c, x in paths.items():
            hit = np.abs(x) >= bound
            answered = hit.any(axis=1)
            t = np.where(answered, hit.argmax(axis=1) + 1, frames)
            correct = x[np.arange(n), t - 1] > 0
            r = np.where(answered, np.where(correct, 1.0, fail), miss)
            reward += r.mean()
            steps += t.mean() + fixation_ms / dt
            per_coh[c] = (float(np.median(t[answered]) * dt) if answered.any() else np.nan,
                          float(correct[answered].mean()) if answered.any() else np.nan, float(answered.mean()))
        rate = reward / steps
        if best is None or rate > best["reward_per_step"]:
            best = {"bound_in_frame_sd": float(bound / noise), "reward_per_step": float(rate), "per_coh": per_coh}
    assert best is not None
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fail", type=float, default=DEFAULT_RT_REWARDS["fail"])
    parser.add_argument("--miss", type=float, default=DEFAULT_RT_REWARDS["miss"])
    parser.add_argument("--fixation", type=float, default=float(DEFAULT_RT_TIMING["fixation"]))  # type: ignore[arg-type]
    parser.add_argument("--deadline", type=float, default=float(DEFAULT_RT_TIMING["stimulus"]))  # type: ignore[arg-type]
    parser.add_argument("--dt", type=float, default=DEFAULT_RT_DT)
    parser.add_argument("--sigma", type=float, default=DEFAULT_RT_SIGMA)
    a = parser.parse_args()
    b = best_bound(a.fail, a.miss, a.fixation, a.deadline, a.dt, a.sigma)
    print(f"fail {a.fail:g}, miss {a.miss:g}, fixation {a.fixation:g} ms, dt {a.dt:g} ms, sigma {a.sigma:g}: "
          f"best bound {b['bound_in_frame_sd']:.2f} frame SDs, reward {b['reward_per_step']:.4f} per step")
    print(" coh %   median decision time (ms)   p correct   answered")
    for c, (rt, acc, ans) in b["per_coh"].items():
        print(f"{c:5.1f}   {rt:10.0f}                  {acc:.3f}       {ans:.3f}")


if __name__ == "__main__":
    main()
