"""The RT agents' trainer and measure for the population engine (neurogym_lite.agents.rt_population)."""

from __future__ import annotations

import pytest

from neurogym_lite.agents import rt_population
from neurogym_lite.agents.rt_population import MONKEY_COHS, meets_targets, train

# An agent like the shipped one: chance at 0 %, perfect at 51.2 %, mean RT falling by 400 ms.
GOOD = {"answered": 0.99, "accuracies": [0.5, 0.6, 0.7, 0.85, 0.97, 1.0],
        "mean_rts": [700.0, 650.0, 600.0, 500.0, 400.0, 300.0]}


def _summary(answered: float, accuracies: list[float | None], mean_rts: list[float | None]) -> dict:
    return {"answered": answered,
            "accuracy_by_coh": {f"{c:g}": a for c, a in zip(MONKEY_COHS, accuracies, strict=True)},
            "mean_rt_by_coh": {f"{c:g}": r for c, r in zip(MONKEY_COHS, mean_rts, strict=True)}}


def test_the_design_targets_fail_on_each_of_their_conditions():
    assert meets_targets(**GOOD)
    assert not meets_targets(**{**GOOD, "answered": 0.94})
    assert not meets_targets(**{**GOOD, "accuracies": [0.57, *GOOD["accuracies"][1:]]})  # biased at 0 %
    assert not meets_targets(**{**GOOD, "accuracies": [0.43, *GOOD["accuracies"][1:]]})
    assert not meets_targets(**{**GOOD, "accuracies": [*GOOD["accuracies"][:-1], 0.97]})
    assert not meets_targets(**{**GOOD, "mean_rts": [549.0, *GOOD["mean_rts"][1:]]})  # a 249-ms range
    assert meets_targets(**{**GOOD, "mean_rts": [550.0, *GOOD["mean_rts"][1:]]})


def test_a_coherence_never_answered_does_not_meet_the_targets():
    assert rt_population._summary_meets_targets(_summary(GOOD["answered"], GOOD["accuracies"], GOOD["mean_rts"]))
    accs = [*GOOD["accuracies"][:-1], None]
    assert not rt_population._summary_meets_targets(_summary(GOOD["answered"], accs, GOOD["mean_rts"]))
    rts = [float("nan"), *GOOD["mean_rts"][1:]]
    assert not rt_population._summary_meets_targets(_summary(GOOD["answered"], GOOD["accuracies"], rts))


def _config(**options: object) -> dict:
    # 4 envs x 64 steps per rollout: a test every rollout, 4 rollouts in all
    return {"seed": 3, "eval_seed": 7, "total_timesteps": 1024, "curve_every": 256, "curve_trials": 6,
            "eval_trials": 10, "options": {"n_envs": 4, "n_steps": 64, "batch_size": 64, **options}}


def test_bad_stop_option_is_refused_before_training():
    with pytest.raises(TypeError, match="stop_at_targets"):
        train(_config(stop_at_targets="yes"))
    with pytest.raises(ValueError, match="curve_every"):
        train({**_config(stop_at_targets=True), "curve_every": 0})
    with pytest.raises(ValueError, match="unknown key"):
        train(_config(stop_early=True))
    with pytest.raises(TypeError, match="confirm_trials"):
        train(_config(stop_at_targets=True, confirm_trials=True))
    with pytest.raises(TypeError, match="confirm_trials"):
        train(_config(stop_at_targets=True, confirm_trials=60.0))
    with pytest.raises(ValueError, match="confirm_trials"):
        train(_config(stop_at_targets=True, confirm_trials=-1))
    with pytest.raises(ValueError, match="stop_at_targets"):
        train(_config(confirm_trials=60))
    with pytest.raises(TypeError, match="shared_lstm"):
        train(_config(shared_lstm="yes"))


def test_a_shared_lstm_gives_the_critic_no_lstm_of_its_own():
    model, _ = train({**_config(shared_lstm=True), "total_timesteps": 256, "curve_every": 0})
    assert model.policy.shared_lstm and model.policy.lstm_critic is None
    forget = model.policy.lstm_actor.bias_ih_l0[64:128]
    assert (forget - 2.0).abs().max() < 0.01  # the recipe's forget bias was set on the one LSTM there is


@pytest.mark.slow
def test_training_stops_at_the_first_validation_test_that_meets_the_targets(monkeypatch):
    """The stop is on the curve's own trials; a network that never meets the targets trains to the end."""
    tests: list[dict] = []

    def third_test_meets(summary: dict) -> bool:
        tests.append(summary)
        return len(tests) == 3

    monkeypatch.setattr(rt_population, "_summary_meets_targets", third_test_meets)
    model, extras = train(_config(stop_at_targets=True))
    assert extras["stopped_at_steps"] == 3 * 256 and extras["curve"]["steps"] == [256, 512, 768]
    assert model.num_timesteps == 3 * 256 and len(tests) == 3

    monkeypatch.setattr(rt_population, "_summary_meets_targets", lambda summary: False)
    model, extras = train(_config(stop_at_targets=True))
    assert extras["stopped_at_steps"] is None and model.num_timesteps == 1024
    assert extras["curve"]["steps"] == [256, 512, 768, 1024]


@pytest.mark.slow
def test_a_validation_pass_stops_training_only_once_fresh_trials_confirm_it(monkeypatch):
    """Validation passes at tests 2 and 3; the first confirmation fails (training goes on), the second
    holds (training stops there); each confirmation runs on its own fresh trials."""
    from neurogym_lite.behaviour import reaction_times

    verdicts = iter([False, True, False, True, True])  # val 1, val 2, its confirmation, val 3, its confirmation
    monkeypatch.setattr(rt_population, "_summary_meets_targets", lambda summary: next(verdicts))
    calls: list[tuple[int, int]] = []
    collect = reaction_times.collect_rts

    def recording(model, env_fn, n_trials, seed=None, **kwargs):
        calls.append((n_trials, seed))
        return collect(model, env_fn, n_trials, seed=seed, **kwargs)

    monkeypatch.setattr(reaction_times, "collect_rts", recording)
    model, extras = train(_config(stop_at_targets=True, confirm_trials=9))
    assert extras["stopped_at_steps"] == 3 * 256 and model.num_timesteps == 3 * 256
    assert [(c["steps"], c["meets_targets"]) for c in extras["confirmations"]] == [(512, False), (768, True)]
    assert [n for n, _ in calls] == [6, 6, 9, 6, 9]
    validation_seeds = {seed for n, seed in calls if n == 6}
    confirmation_seeds = [seed for n, seed in calls if n == 9]
    assert len(validation_seeds) == 1 and len(set(confirmation_seeds)) == 2
    assert validation_seeds.isdisjoint(confirmation_seeds) and 7 not in confirmation_seeds  # 7: the test trials' seed
