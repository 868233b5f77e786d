"""The fixation rule: NeuroGym's (only the fixation period is policed) by default, the monkey's
(fixation required whenever the fixation cue is on) with ``enforce_fixation=True``."""

import numpy as np
import pytest

import neurogym_lite as ngym
from neurogym_lite import PerceptualDecisionMaking
from neurogym_lite.agents.recipe import MONKEY_TASK, make_monkey_env
from tests.conftest import SEED_TIMING


def step_to(env, period):
    """Fixate until the trial reaches ``period``."""
    u = env.unwrapped
    while u.period_now != period:
        env.step(0)


@pytest.mark.parametrize("period", ["stimulus", "delay"])
def test_default_rule_lets_a_choice_during_the_cue_pass(period):
    env = PerceptualDecisionMaking(timing={**SEED_TIMING, "delay": 200}, abort=True)
    env.reset(seed=0)
    step_to(env, period)
    assert env.ob_now[0] == 1.0  # the cue says "fixate" ...
    _, r, _, _, info = env.step(1)
    assert r == 0 and not info["new_trial"]  # ... but nothing enforces it (NeuroGym's rule)


@pytest.mark.parametrize("period", ["fixation", "stimulus", "delay"])
@pytest.mark.parametrize("abort", [False, True])
def test_enforced_fixation_punishes_every_break_while_the_cue_is_on(period, abort):
    env = PerceptualDecisionMaking(timing={**SEED_TIMING, "delay": 200}, abort=abort, enforce_fixation=True,
                                   rewards={"abort": -0.3})
    env.reset(seed=0)
    step_to(env, period)
    assert env.ob_now[0] == 1.0
    _, r, _, _, info = env.step(2)
    assert r == pytest.approx(-0.3) and info["new_trial"] is abort
    if abort:
        assert info["performance"] == 0 and info["trial"]["aborted"] is True
        assert env.t_ind == 0 and env.period_now == "fixation"  # the next trial starts


def test_enforced_fixation_still_rewards_the_choice_after_the_cue():
    env = PerceptualDecisionMaking(timing=SEED_TIMING, abort=True, enforce_fixation=True)
    env.reset(seed=3)
    step_to(env, "decision")
    assert env.ob_now[0] == 0.0
    _, r, _, _, info = env.step(env.gt_now)
    assert r == 1.0 and info["new_trial"] and info["performance"] == 1
    assert "aborted" not in info["trial"]  # a completed trial is not marked aborted


def test_an_aborted_trial_is_told_apart_from_a_wrong_choice():
    env = PerceptualDecisionMaking(timing=SEED_TIMING, abort=True, enforce_fixation=True)
    env.reset(seed=5)
    step_to(env, "decision")
    _, r, _, _, wrong = env.step(3 - env.gt_now)
    assert r == 0 and wrong["performance"] == 0 and not wrong["trial"].get("aborted", False)
    step_to(env, "stimulus")
    _, r, _, _, aborted = env.step(1)
    assert r == pytest.approx(-0.1) and aborted["performance"] == 0 and aborted["trial"].get("aborted", False)


def test_fixating_throughout_gives_the_same_trials_under_both_rules():
    # The rule changes rewards only: observations and trial draws are identical for a fixating agent.
    envs = [PerceptualDecisionMaking(timing=SEED_TIMING, enforce_fixation=e) for e in (False, True)]
    obs = [env.reset(seed=11)[0] for env in envs]
    for _ in range(50):
        steps = [env.step(0) for env in envs]
        assert np.array_equal(steps[0][0], steps[1][0]) and steps[0][1] == steps[1][1]
    assert envs[0].trial == envs[1].trial and np.array_equal(obs[0], obs[1])


@pytest.mark.parametrize("bad", [1, 0, "yes", None, 1.0])
def test_enforce_fixation_must_be_a_bool(bad):
    with pytest.raises(TypeError, match="enforce_fixation must be True or False"):
        PerceptualDecisionMaking(enforce_fixation=bad)


def test_print_says_which_rule_applies():
    assert "fixation required: in the fixation period only" in str(PerceptualDecisionMaking())
    assert "whenever the fixation cue is on" in str(PerceptualDecisionMaking(enforce_fixation=True))


def test_the_monkey_task_is_enforced_fixation_with_abort_on_the_seed_timing():
    env = make_monkey_env()
    u = env.unwrapped
    assert isinstance(env, ngym.wrappers.PassReward)
    assert u.enforce_fixation and u.abort and u.dt == 100 and MONKEY_TASK["timing"] == SEED_TIMING
    assert u.rewards == {"abort": -0.1, "correct": 1.0, "fail": 0.0}
    env.reset(seed=0)
    assert u.periods() == ["fixation"] * 3 + ["stimulus"] * 5 + ["decision"] * 3


def test_monkey_criteria_counts_breaks_bias_and_ideal_gaps():
    from neurogym_lite.agents.evaluation import EvalResult
    from neurogym_lite.agents.recipe import monkey_criteria

    env = make_monkey_env()  # 8 cue-on steps a trial (300 ms fixation + 500 ms stimulus)
    trials, perf, choices, rts = [], [], [], []

    def add(coh, gt, choice, aborted_at=None):
        t = {"coh": coh, "ground_truth": gt}
        if aborted_at is not None:
            t["aborted"] = True
        trials.append(t)
        perf.append(int(aborted_at is None and choice == gt + 1))
        choices.append(choice)
        rts.append(8 if aborted_at is None else aborted_at)

    for i in range(100):  # 0 %: choice 1 on 70 of 100 completed trials
        add(0.0, i % 2, 1 if i < 70 else 2)
    for i in range(100):  # 51.2 %: all correct ...
        add(51.2, i % 2, i % 2 + 1)
    add(51.2, 0, 2, aborted_at=3)  # ... plus one trial aborted at its 4th step
    r = EvalResult(np.array(perf), np.array(choices), trials, np.array(rts))
    c = monkey_criteria(r, env)
    assert c["aborted_trials"] == 1
    assert c["fix_break_rate"] == pytest.approx(1 / (200 * 8 + 4))
    assert c["p_choice1_at_0"] == pytest.approx(0.7) and c["n_choice_at_0"] == 100
    assert c["accuracy_by_coh"][51.2] == 1.0 and c["accuracy_all_by_coh"][51.2] == pytest.approx(100 / 101)
    assert not c["meets_criterion"]  # the 0.7 bias fails it
