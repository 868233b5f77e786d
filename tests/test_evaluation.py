import numpy as np
import pytest
from sb3_contrib import RecurrentPPO
from stable_baselines3.common.vec_env import DummyVecEnv

import neurogym_lite as ngym
from neurogym_lite.agents.callbacks import TrialAccuracyCallback
from neurogym_lite.agents.evaluation import evaluate
from neurogym_lite.agents.pretrained import load_pretrained, make_pretrained_env, pretrained_info
from neurogym_lite.behaviour.ideal_observer import _ring_accuracy_mc, ideal_observer, ideal_observer_accuracy
from neurogym_lite.tasks.explorer import draw_trial
from tests.conftest import SEED_TIMING


class Integrator:
    """A hand-made 'model' with SB3's predict signature: it sums stimulus_1 - stimulus_2 over the
    trial in its state and answers at the go signal, like the ideal observer."""

    def predict(self, obs, state=None, episode_start=None, deterministic=True):
        obs = np.asarray(obs)
        total = np.zeros(len(obs)) if state is None else state[0].copy()
        fixating = obs[:, 0] > 0.5
        new = (obs[:, 1] == 0) & (obs[:, 2] == 0) & fixating  # fixation period: reset
        total[new] = 0
        total += np.where(fixating, obs[:, 1] - obs[:, 2], 0)
        actions = np.where(fixating, 0, np.where(total > 0, 1, 2))
        return actions, (total,)


def make_env():
    return ngym.make_env("PerceptualDecisionMaking-v0", timing=SEED_TIMING)


def test_ideal_observer_values_for_the_seed_task():
    acc = ideal_observer_accuracy([0, 6.4, 12.8, 25.6, 51.2], stim_duration=500)
    assert acc == pytest.approx([0.5, 0.8442, 0.9785, 1.0, 1.0], abs=1e-3)
    assert acc.mean() == pytest.approx(0.865, abs=1e-3)
    assert ideal_observer(make_env()) == pytest.approx(dict(zip([0, 6.4, 12.8, 25.6, 51.2], acc, strict=True)))


def test_ideal_observer_scales_with_noise_duration_and_dt():
    base = ideal_observer_accuracy(6.4, stim_duration=500)[0]
    assert ideal_observer_accuracy(6.4, stim_duration=2000)[0] > base
    assert ideal_observer_accuracy(6.4, sigma=2.0, stim_duration=500)[0] < base
    # the noise per step is sigma/sqrt(dt): finer time steps carry the same total evidence
    assert ideal_observer_accuracy(6.4, dt=10, stim_duration=500)[0] == pytest.approx(base)
    assert ideal_observer_accuracy(0, dim_ring=4)[0] == pytest.approx(0.25, abs=0.01)


def test_monte_carlo_matches_analytic_for_two_directions():
    cohs = np.array([3.2, 6.4, 12.8])
    mc = _ring_accuracy_mc(cohs, 0.1, 5, 2, 200_000, 0)
    assert mc == pytest.approx(ideal_observer_accuracy(cohs, stim_duration=500), abs=0.005)


def test_evaluate_with_an_integrating_observer_reaches_the_ideal():
    result = evaluate(Integrator(), make_env, num_trials=3000, seed=0)
    ideal = ideal_observer(make_env())
    for coh, acc in result.accuracy_by_coh.items():
        n = result.count_by("coh")[coh]
        assert abs(acc - ideal[coh]) < 4 * np.sqrt(ideal[coh] * (1 - ideal[coh]) / n) + 0.01
    assert result.num_trials == 3000 and set(result.choices) <= {1, 2}
    # every trial was ended by the choice at the first decision step: 8 steps after trial start
    assert set(result.reaction_steps) == {8}


def test_evaluate_is_reproducible_and_validates():
    a = evaluate(Integrator(), make_env, num_trials=200, seed=5)
    b = evaluate(Integrator(), make_env, num_trials=200, seed=5)
    assert np.array_equal(a.performance, b.performance) and a.trials == b.trials
    with pytest.raises(ValueError, match="num_trials"):
        evaluate(Integrator(), make_env, num_trials=0)
    with pytest.raises(TypeError, match="make_env"):
        evaluate(Integrator(), "PerceptualDecisionMaking-v0")


def test_pretrained_model_is_far_above_chance():
    info = pretrained_info()
    assert info["task"] == "PerceptualDecisionMaking-v0" and info["evaluation"]["accuracy"] >= 0.82
    result = evaluate(load_pretrained(), make_pretrained_env, num_trials=1000, seed=1)
    assert result.accuracy >= 0.8
    with pytest.raises(ValueError, match="no pretrained model named 'nope'"):
        pretrained_info("nope")


def test_trial_accuracy_callback_counts_every_trial():
    venv = DummyVecEnv([make_env] * 2)
    venv.seed(0)
    model = RecurrentPPO("MlpLstmPolicy", venv, n_steps=32, batch_size=32, n_epochs=1, seed=0, device="cpu",
                         policy_kwargs={"lstm_hidden_size": 8})
    callback = TrialAccuracyCallback(log_every=64, window=1000)
    model.learn(256, callback=callback)
    steps, trials, accs = zip(*callback.history, strict=True)
    assert steps[0] == 64 and steps[-1] == 256 and list(trials) == sorted(trials)
    # 2 envs x 128 steps: each trial lasts at most 11 steps and at least 9 (choice at decision start)
    assert 2 * (128 // 11) <= callback.n_trials <= 2 * (128 // 9 + 1)
    assert 0 <= accs[-1] <= 1
    with pytest.raises(ValueError):
        TrialAccuracyCallback(log_every=0)


def test_draw_trial_redraws_with_new_settings():
    import matplotlib.pyplot as plt

    fig = draw_trial(coh=51.2, sigma=0.0, stimulus=500, ground_truth=0)
    ob_ax, ev_ax = fig.axes
    stim1 = ob_ax.get_lines()[1].get_ydata()
    assert max(stim1) == pytest.approx(0.5 + 51.2 / 200)
    assert "coherence 51.2%" in fig._suptitle.get_text() and ev_ax.get_xlabel() == "time in trial (ms)"
    fig2 = draw_trial(coh=0.0, sigma=0.0, stimulus=800)
    assert len(fig2.axes[0].get_lines()[1].get_ydata()) == 3 + 8 + 3 + 1  # 14 steps: 15 edges
    plt.close("all")
    with pytest.raises(ValueError, match="not a multiple of dt"):
        draw_trial(stimulus=550)
