"""The reward-rate-optimal policy of PerceptualDecisionMakingRT-v0, and the best flat bound for contrast.

    python tools/rt_reward_rate.py                              # the task's defaults
    python tools/rt_reward_rate.py --cohs 0 3.2 6.4 12.8 25.6 51.2 # the monkeys' coherences
    python tools/rt_reward_rate.py --fail 0 --miss 0 --timeout 2000  # no reward and a time-out after errors

An ideal observer sums the frame-by-frame evidence; ``neurogym_lite.behaviour.optimal_policy``
finds, by dynamic programming over (summed evidence, time), the policy that maximises reward per
unit time (Drugowitsch et al. 2012), and the best constant bound (a flat-bound diffusion model).
Prints both: the bound over time and, per coherence, accuracy, misses and decision times (median,
10th-90th percentiles, coefficient of variation, fraction faster than 170 ms). The task's docstring
quotes its output.
"""

from __future__ import annotations

import argparse

from neurogym_lite.behaviour.optimal_policy import (
    RTTask,
    describe,
    flat_bound_policy,
    optimal_policy,
    policy_outcomes,
)
from neurogym_lite.tasks.reaction_time import (
    DEFAULT_RT_DT,
    DEFAULT_RT_REWARDS,
    DEFAULT_RT_SIGMA,
    DEFAULT_RT_TIMING,
)


def main() -> None:
    defaults = RTTask()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cohs", type=float, nargs="+", default=list(defaults.cohs))
    p.add_argument("--fail", type=float, default=DEFAULT_RT_REWARDS["fail"])
    p.add_argument("--miss", type=float, default=DEFAULT_RT_REWARDS["miss"])
    p.add_argument("--fixation", type=float, default=float(DEFAULT_RT_TIMING["fixation"]))  # type: ignore[arg-type]
    p.add_argument("--deadline", type=float, default=float(DEFAULT_RT_TIMING["stimulus"]))  # type: ignore[arg-type]
    p.add_argument("--timeout", type=float, default=0.0, help="time-out after an error or a miss (ms)")
    p.add_argument("--dt", type=float, default=DEFAULT_RT_DT)
    p.add_argument("--sigma", type=float, default=DEFAULT_RT_SIGMA)
    a = p.parse_args()
    task = RTTask(tuple(a.cohs), a.sigma, a.dt, a.deadline, a.fixation, DEFAULT_RT_REWARDS["correct"], a.fail, a.miss,
                  a.timeout)
    for policy in (optimal_policy(task), flat_bound_policy(task)):
        print(describe(policy, policy_outcomes(policy)))
        print()


if __name__ == "__main__":
    main()
