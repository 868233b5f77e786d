"""The reward-rate-optimal policy of the reaction-time task (dynamic programming) against what is
known of it: flat when the difficulty is known, better than any flat bound when difficulties are
mixed, its propagated densities equal to a simulation of the same policy."""

import numpy as np
import pytest

from neurogym_lite.behaviour.optimal_policy import (
    RTTask,
    flat_bound_policy,
    optimal_policy,
    policy_outcomes,
)

SMALL = {"deadline_ms": 1200.0, "fixation_ms": 300.0}  # a shorter task keeps the tests quick


def test_with_one_known_coherence_the_optimal_bound_is_flat_until_the_deadline_nears():
    policy = optimal_policy(RTTask(cohs=(12.8,), **SMALL))
    early = policy.bound[2 : policy.bound.size // 2]  # 60 ms to half the deadline
    assert np.all(np.isfinite(early))
    assert early.max() - early.min() <= 0.15 * early.mean()  # within the grid's resolution


def test_with_mixed_coherences_it_beats_every_flat_bound_and_its_belief_bound_collapses():
    task = RTTask(cohs=(0.0, 6.4, 25.6), **SMALL)
    opt, flat = optimal_policy(task), flat_bound_policy(task)
    assert opt.reward_rate > flat.reward_rate * 1.02
    belief = opt.belief_bound[np.isfinite(opt.belief_bound)]
    assert belief[0] > belief[-1] + 0.1  # the confidence needed to answer falls as time passes
    assert np.all(np.isfinite(flat.bound)) and np.ptp(flat.bound) == 0


def test_propagated_outcomes_match_a_simulation_of_the_same_policy():
    task = RTTask(cohs=(0.0, 6.4, 25.6), **SMALL)
    opt = optimal_policy(task)
    out = policy_outcomes(opt)
    rng = np.random.default_rng(0)
    n, frames = 20_000, task.frames
    for c in task.cohs:
        total = out.p_correct[c] + out.p_error[c] + out.p_miss[c]
        assert total == pytest.approx(1.0, abs=1e-3)
        x = rng.normal(c / 100, task.noise, (n, frames)).cumsum(axis=1)
        hit = np.abs(x) >= opt.bound[None, :]
        answered = hit.any(axis=1)
        t = hit.argmax(axis=1)
        correct = answered & (x[np.arange(n), t] > 0)
        p_sim = correct.mean()
        se = np.sqrt(p_sim * (1 - p_sim) / n)
        assert abs(out.p_correct[c] - p_sim) < 4 * se + 0.01  # the grid's discretisation adds a little
        mean_sim = (t[answered] + 1).mean() * task.dt
        assert out.stats[c]["mean"] == pytest.approx(mean_sim, rel=0.05)


@pytest.mark.parametrize(("kwargs", "match"), [({"cohs": ()}, "cohs"), ({"cohs": (150.0,)}, "cohs"),
                                              ({"sigma": 0.0}, "sigma"), ({"deadline_ms": 5.0}, "deadline_ms"),
                                              ({"fail": float("nan")}, "fail"), ({"timeout_ms": -1.0}, "timeout_ms")])
def test_bad_tasks_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        optimal_policy(RTTask(**kwargs))


def test_a_grid_too_fine_is_refused_and_policy_outcomes_checks_its_input():
    with pytest.raises(ValueError, match="MAX_GRID"):
        optimal_policy(RTTask(**SMALL), ds=1e-5)
    with pytest.raises(TypeError, match="Policy"):
        policy_outcomes({"bound": []})


def test_from_env_reads_the_task():
    import gymnasium as gym

    task = RTTask.from_env(gym.make("PerceptualDecisionMakingRT-v0", timeout_after_error=1000))
    assert task.frames == 100 and task.timeout_ms == 1000 and task.fail == -3.0


@pytest.mark.slow
def test_the_rt_task_docstring_quotes_the_optimal_and_the_flat_policy_of_its_defaults():
    """``PerceptualDecisionMakingRT``'s docstring cites this computation (tools/rt_reward_rate.py):
    a change of the task's defaults or of the solver must change the text too."""
    import re

    from neurogym_lite.tasks.reaction_time import PerceptualDecisionMakingRT

    doc = " ".join(PerceptualDecisionMakingRT.__doc__.split())
    task = RTTask()
    opt, flat = optimal_policy(task), flat_bound_policy(task)
    out_opt, out_flat = policy_outcomes(opt), policy_outcomes(flat)
    first, last = min(task.cohs), max(task.cohs)

    def median_ms(out, c):
        return f"{out.stats[c]['median']:.0f}"

    expected = (f"earns {opt.reward_rate:.3f} rewards per second against {flat.reward_rate:.3f} for the best constant "
                f"bound, with median decision times of {median_ms(out_opt, first)} ms at 0 % coherence and "
                f"{median_ms(out_opt, last)} ms at 51.2 % (best constant bound: {median_ms(out_flat, first)} and "
                f"{median_ms(out_flat, last)} ms;")
    assert expected in doc, re.sub(r"\s+", " ", expected)


@pytest.mark.slow
def test_what_narrows_the_optimal_decision_times_as_tools_rt_policy_shapes_reports():
    """benchmarks/README.md (section 5) picks an urgency task by this theory: the monkeys' outcome
    (no reward, a time-out) makes the optimal observer faster and wider, not narrower; a 1,000 ms
    deadline with a 2,000 ms time-out after an error makes it as narrow as the monkeys (CV < 0.45 at
    0 %, fewer than 5 % of decisions under 170 ms)."""
    def at_zero(**kw):
        out = policy_outcomes(optimal_policy(RTTask(**kw)))
        return out.stats[0.0]

    default = at_zero()
    monkey_outcome = at_zero(fail=0.0, miss=0.0, timeout_ms=2000.0)
    deadline = at_zero(timeout_ms=2000.0, deadline_ms=1000.0)
    assert default["cv"] > 0.55 and default["fast"] < 0.1
    assert monkey_outcome["median"] < default["median"] / 2 and monkey_outcome["cv"] > default["cv"]
    assert monkey_outcome["fast"] > 0.2
    assert deadline["cv"] < 0.45 and deadline["fast"] < 0.05 and deadline["median"] > 500
