"""The RT agents' trainer and measure for the population engine (neurogym_lite.agents.rt_population)."""

from __future__ import annotations

import numpy as np
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


def _planted(correct_at_0: int, rt_at_0: float, n: int = 100, seed: int = 0):
    """Trials of an agent on the monkeys' coherences, n per coherence, all answered: ``correct_at_0``
    of the 0 % trials correct, every 51.2 % trial correct, mean RT ``rt_at_0`` at 0 % (SD 200 ms)
    falling linearly to 400 ms at 51.2 % (SD 50 ms)."""
    from neurogym_lite.behaviour.reaction_times import RTData

    rng = np.random.default_rng(seed)
    coh = np.repeat(MONKEY_COHS, n)
    correct = np.ones(coh.size, dtype=bool)
    correct[:n] = np.arange(n) < correct_at_0
    centre = np.interp(coh, [0.0, 51.2], [rt_at_0, 400.0])
    noise = rng.standard_normal(coh.size)
    noise = np.concatenate([(z - z.mean()) / z.std(ddof=1) for z in noise.reshape(len(MONKEY_COHS), n)])
    rt = centre + noise * np.interp(coh, [0.0, 51.2], [200.0, 50.0])  # exact means and SDs per coherence
    gt = np.zeros(coh.size, dtype=int)
    return RTData(coh, gt, np.where(correct, 0, 1), correct, rt, 20.0)


def test_the_screen_passes_an_agent_within_its_standard_errors_of_the_targets_and_no_further():
    from neurogym_lite.agents.rt_population import could_meet_targets

    # 0.42 correct at 0 % on 100 trials: outside 0.5 +- 0.06, inside by one SE (0.05) more
    borderline = _planted(42, 700.0)
    assert not could_meet_targets(borderline, 0) and could_meet_targets(borderline, 1.0)
    biased = _planted(30, 700.0)  # 0.30: outside even by two SEs
    assert not could_meet_targets(biased, 1.0) and not could_meet_targets(biased, 2.0)
    # a 240-ms range: 10 ms short; its SE is sqrt(200^2/100 + 50^2/100) = 20.6 ms
    short = _planted(50, 640.0)
    assert not could_meet_targets(short, 0) and could_meet_targets(short, 0.5) and not could_meet_targets(short, 0.4)
    good = _planted(50, 800.0)
    assert all(could_meet_targets(good, z) for z in (0, 0.5, 1, 3))
    # z = 0 is the targets themselves, whatever the trials
    for seed, (k, rt0) in enumerate([(44, 651.0), (43, 700.0), (56, 700.0), (57, 700.0), (50, 649.0), (50, 651.0)]):
        data = _planted(k, rt0, seed=seed)
        assert could_meet_targets(data, 0) == rt_population._summary_meets_targets(rt_population._summary(data))
    with pytest.raises(ValueError, match="z must be"):
        could_meet_targets(good, -1)
    with pytest.raises(ValueError, match="unknown key"):
        meets_targets(**GOOD, slack={"bias": 0.1})


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
    with pytest.raises(ValueError, match="confirm_trials"):
        train(_config(stop_at_targets=True, screen_z=1.0))  # a screen without a confirmation
    with pytest.raises(ValueError, match="screen_z"):
        train(_config(stop_at_targets=True, confirm_trials=60, screen_z=-1.0))
    with pytest.raises(TypeError, match="screen_z"):
        train(_config(stop_at_targets=True, confirm_trials=60, screen_z=True))


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


@pytest.mark.slow
def test_with_a_screen_the_validation_test_screens_and_the_confirmation_applies_the_targets(monkeypatch):
    screens = iter([False, True, True])  # validation tests 1-3 as screened
    strict = iter([False, True])  # the two confirmations, on the targets themselves
    monkeypatch.setattr(rt_population, "could_meet_targets", lambda data, z: next(screens))
    monkeypatch.setattr(rt_population, "_summary_meets_targets", lambda summary: next(strict))
    model, extras = train(_config(stop_at_targets=True, confirm_trials=9, screen_z=1.0))
    assert extras["stopped_at_steps"] == 3 * 256 and model.num_timesteps == 3 * 256
    assert [(c["steps"], c["meets_targets"]) for c in extras["confirmations"]] == [(512, False), (768, True)]
