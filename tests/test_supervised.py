"""The supervised recipe of notebook 8: it learns the task, is reproducible, and is judged as the
task judges an agent."""

import gymnasium as gym
import numpy as np
import pytest
import torch

from neurogym_lite.agents.evaluation import evaluate
from neurogym_lite.agents.recipe import MONKEY_TASK
from neurogym_lite.agents.supervised import (
    SupervisedAgent,
    make_network,
    make_trials,
    run_network,
    score_trials,
    train_supervised,
)


def make_task():
    return gym.make("PerceptualDecisionMaking-v0", **MONKEY_TASK)


@pytest.fixture(scope="module")
def trained():
    tests = make_trials(make_task, 300, seed=1000)
    net, curve = train_supervised(make_task, seed=0, updates=200, lr_schedule="linear", test_trials=tests,
                                  test_every=100)
    return net, curve, tests


def test_it_learns_the_task_well_above_chance(trained):
    net, curve, tests = trained
    scores = score_trials(tests, run_network(net, tests))
    strong = scores.coh >= 25.6
    assert scores.correct[strong & scores.completed].mean() > 0.9
    assert curve.updates == [100, 200] and curve.trials_taught[1] > curve.trials_taught[0] > 0


def test_training_is_reproducible_and_leaves_torchs_generator_alone(trained):
    net, _, tests = trained
    before = torch.random.get_rng_state()
    again, _ = train_supervised(make_task, seed=0, updates=200, lr_schedule="linear")
    assert torch.equal(torch.random.get_rng_state(), before)
    for a, b in zip(net.parameters(), again.parameters(), strict=True):
        assert torch.equal(a, b)


def test_scoring_follows_the_tasks_rules():
    trials = make_trials(make_task, 3, seed=0)
    n = [len(t["gt"]) for t in trials]
    stim = trials[0]["stim_on"]
    fixate = [np.zeros(k, int) for k in n]
    early = fixate[0].copy()
    early[stim] = 1  # answers while the cue is still on: aborted
    right = fixate[1].copy()
    decision = np.flatnonzero(trials[1]["gt"])[0]
    right[decision:] = trials[1]["gt"][decision]
    scores = score_trials(trials, [(early, None), (right, None), (fixate[2], None)])
    assert scores.aborted.tolist() == [True, False, False]
    assert scores.choice.tolist() == [0, trials[1]["gt"][decision], 0]
    assert scores.correct.tolist() == [False, True, False] and scores.completed.tolist() == [False, True, False]


def test_the_network_can_act_in_the_environment(trained):
    net, _, _ = trained
    result = evaluate(SupervisedAgent(net), make_task, num_trials=200, seed=5)
    assert result.num_trials >= 200


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"updates": 0}, ValueError, "updates"), ({"learning_rate": -1.0}, ValueError, "learning_rate"),
    ({"lr_schedule": "cosine"}, ValueError, "lr_schedule"), ({"seed": 1.5}, TypeError, "seed"),
])
def test_bad_arguments_are_refused_before_training(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        train_supervised(make_task, **kwargs)


def test_bad_inputs_of_the_helpers():
    with pytest.raises(TypeError, match="net must be"):
        SupervisedAgent(object())
    with pytest.raises(ValueError, match="n_actions"):
        make_network(3, 1)
    with pytest.raises(ValueError, match="one entry per trial"):
        score_trials(make_trials(make_task, 2, seed=0), [])


def test_the_population_engine_trains_and_measures_supervised_networks(tmp_path):
    from neurogym_lite.agents.population import train_and_evaluate
    from neurogym_lite.agents.supervised import SavedNetwork

    config = {"seed": 1, "trainer": "neurogym_lite.agents.supervised:train_for_population",
              "measure": "neurogym_lite.agents.supervised:measure_open_loop", "eval_trials": 300,
              "curve_every": 50, "curve_trials": 100, "options": {"updates": 100}}
    out = train_and_evaluate(config, save_path=tmp_path / "net.zip")
    again = train_and_evaluate(config)
    assert out["weights_sha256"] == again["weights_sha256"] and out["accuracy"] == again["accuracy"]
    assert out["curve"]["steps"] == [50, 100] and 0 < out["train_cpu_seconds"]
    assert set(out["accuracy_by_coh"]) <= set(out["ideal_by_coh"])
    loaded = SavedNetwork.load(str(tmp_path / "net.zip"))
    assert loaded.settings["updates"] == 100
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['epochs'\]"):
        train_and_evaluate({**config, "options": {"epochs": 3}})
