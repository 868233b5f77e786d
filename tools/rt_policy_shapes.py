"""Which task settings make the reward-rate-optimal policy's decision times as narrow as the monkeys'?

    python tools/rt_policy_shapes.py        # ~70 s: 16 dynamic programs

For the ideal integrator of PerceptualDecisionMakingRT-v0 (neurogym_lite.behaviour.optimal_policy:
dynamic programming over summed evidence and time, Drugowitsch et al. 2012), the optimal policy of
each combination of: an error's reward (-3, as the task's default, or 0, the monkeys' "no juice"),
a time-out after an error or a miss (0 or 2,000 ms), the deadline (1,000 or 2,000 ms) and the
fixation period, which is the inter-trial time (500 or 2,000 ms). Prints its reward rate and its
decision times at 0 % and 6.4 % coherence: median, 10th-90th percentiles, coefficient of variation
(CV) and the fraction faster than 170 ms (the measures notebook 7 puts on the monkeys, whose CV at
0-6.4 % is 0.37-0.43 with 3-5 % of decisions that fast). The theory behind picking a task for an
urgency recipe before training any agent on it (benchmarks/README.md, section 5).
"""

from __future__ import annotations

import itertools

from neurogym_lite.behaviour.optimal_policy import RTTask, optimal_policy, policy_outcomes


def main() -> None:
    print("error  time-out  deadline  fixation | rate/s |  0 %: median  q10-q90     CV   fast | 6.4 %: CV  P(correct)")
    for fail, timeout, deadline, fixation in itertools.product((-3.0, 0.0), (0.0, 2000.0), (1000.0, 2000.0),
                                                              (500.0, 2000.0)):
        # a miss costs what an error costs: never answering is never safer than guessing
        task = RTTask(fail=fail, miss=fail, timeout_ms=timeout, deadline_ms=deadline, fixation_ms=fixation)
        policy = optimal_policy(task)
        out = policy_outcomes(policy)
        s0, s6 = out.stats[0.0], out.stats[6.4]
        acc6 = out.p_correct[6.4] / (out.p_correct[6.4] + out.p_error[6.4])
        print(f"{fail:+5.0f}  {timeout:8.0f}  {deadline:8.0f}  {fixation:8.0f} | {policy.reward_rate:6.3f} | "
              f"{s0['median']:11.0f}  {s0['q10']:4.0f}-{s0['q90']:4.0f}  {s0['cv']:5.2f}  {s0['fast']:5.2f} | "
              f"{s6['cv']:9.2f}  {acc6:.3f}", flush=True)


if __name__ == "__main__":
    main()
