import math

import gymnasium as gym
import numpy as np
import pytest

import neurogym_lite as ngym
from neurogym_lite.agents.recipe import SEED_TIMING
from neurogym_lite.behaviour.stats import binomial_ci, group_stats
from neurogym_lite.neural.decoding import decode_over_time
from neurogym_lite.neural.pca import condition_means, pca_fit
from neurogym_lite.neural.states import align_states
from neurogym_lite.neural.units import choice_selectivity
from neurogym_lite.tasks.rollout import Rollout

COHS = np.array([0.0, 3.2, 6.4, 12.8, 25.6, 51.2])


def test_binomial_ci_contains_the_proportion_and_stays_in_bounds():
    lo, hi = binomial_ci([0, 50, 100], [100, 100, 100])
    assert np.all(lo <= [0, 0.5, 1]) and np.all(hi >= [0, 0.5, 1])
    assert lo[0] == 0 and hi[2] == 1 and 0 < hi[0] < 0.05 and 0.95 < lo[2] < 1
    assert hi[1] - lo[1] == pytest.approx(2 * 1.96 * 0.05, rel=0.05)
    with pytest.raises(ValueError, match="n_correct"):
        binomial_ci([5], [4])


def test_group_stats_skips_nan():
    stats = group_stats([1.0, 3.0, np.nan, 10.0], [0, 0, 0, 5])
    assert stats[0][0] == 2.0 and stats[0][2] == 2 and stats[0][1] == pytest.approx(1.0)
    assert stats[5][2] == 1 and math.isnan(stats[5][1])
    with pytest.raises(ValueError, match="same length"):
        group_stats([1.0], [1, 2])


def separable_states(n_trials=200, n_time=6, n_units=10, seed=0):
    """Trials whose state carries the label more and more strongly over time."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(1, 3, n_trials)
    direction = rng.standard_normal(n_units)
    ramp = np.linspace(0, 3, n_time)
    signs = np.where(labels == 2, 1.0, -1.0)
    x = rng.standard_normal((n_trials, n_time, n_units)) + signs[:, None, None] * ramp[None, :, None] * direction
    return x, labels


def test_decoder_high_on_separable_data_and_near_chance_on_shuffled_labels():
    x, labels = separable_states()
    dec = decode_over_time(x, labels)
    assert dec.accuracy[0] < 0.65  # no signal at the first step
    assert dec.accuracy[-1] > 0.95
    assert dec.chance == pytest.approx(max(np.mean(labels == 1), np.mean(labels == 2)))
    shuffled = np.random.default_rng(1).permutation(labels)
    dec_shuffled = decode_over_time(x, shuffled)
    assert np.all(np.abs(dec_shuffled.accuracy - 0.5) < 0.15)
    groups = np.arange(labels.size) % 2
    by = dec.accuracy_by(groups)
    assert set(by) == {0, 1} and by[0].shape == (x.shape[1],)


def test_decoder_skips_nan_steps_and_checks_input():
    x, labels = separable_states()
    x[:, -1] = np.nan
    dec = decode_over_time(x, labels)
    assert np.isnan(dec.accuracy[-1]) and dec.accuracy[-2] > 0.9
    with pytest.raises(ValueError, match="one entry per trial"):
        decode_over_time(x, labels[:-1])
    with pytest.raises(ValueError, match="two classes"):
        decode_over_time(x, np.ones(labels.size))
    with pytest.raises(ValueError, match="shape"):
        decode_over_time(x[0], labels)


def test_pca_recovers_the_dominant_direction():
    rng = np.random.default_rng(0)
    direction = np.zeros(8)
    direction[2] = 1.0
    x = 0.05 * rng.standard_normal((30, 5, 8)) + rng.standard_normal((30, 5, 1)) * 3 * direction
    x[0, -1] = np.nan
    pca = pca_fit(x, n_components=2)
    assert pca.projection.shape == (30, 5, 2)
    assert np.all(np.isnan(pca.projection[0, -1])) and np.isfinite(pca.projection[0, 0]).all()
    assert abs(pca.components[0] @ direction) > 0.99
    assert pca.explained_variance_ratio[0] > 0.95
    with pytest.raises(ValueError, match="n_components"):
        pca_fit(x, n_components=9)


def test_condition_means_and_choice_selectivity():
    x, labels = separable_states(n_trials=300, n_units=4)
    means = condition_means(x, labels)
    assert set(means) == {1, 2} and means[1].shape == (6, 4)
    d = choice_selectivity(x, labels)
    assert d.shape == (6, 4)
    assert np.all(np.abs(d[0]) < 0.4) and np.abs(d[-1]).max() > 2
    with pytest.raises(ValueError, match="exactly two"):
        choice_selectivity(x, np.arange(300) % 3)


class FakeModel:
    """A 'recurrent model' whose hidden state is the observation itself (for align_states)."""

    def predict(self, obs, state=None, episode_start=None, deterministic=True):
        n = obs.shape[0]
        h = np.zeros((1, n, obs.shape[1]), dtype=np.float32)
        h[0] = obs
        return np.zeros(n, dtype=np.int64), (h, h.copy())


def test_align_states_puts_stimulus_onset_at_time_zero():
    env = gym.make("PerceptualDecisionMaking-v0", timing=SEED_TIMING)
    rollout = ngym.run_env(env, num_trials=6, model=FakeModel(), seed=0)
    aligned = align_states(rollout, "stimulus", before=2, after=5)
    assert aligned.data.shape == (6, 7, 3) and list(aligned.times) == [-2, -1, 0, 1, 2, 3, 4]
    # the fixation cue (unit 0 here) is 1 throughout; the stimulus channels switch on at time 0
    assert np.all(aligned.data[:, :2, 1:] == 0) and np.all(aligned.data[:, 2:, 1:] != 0)
    assert aligned.param("coh").shape == (6,)
    sub = aligned.select(aligned.param("coh") >= 0)
    assert sub.n_trials == 6


def test_align_states_pads_short_trials_with_nan():
    env = ngym.make_env("PerceptualDecisionMakingRT-v0", dt=100, timing={"fixation": 200, "stimulus": 500})
    rollout = ngym.run_env(env, num_trials=5, model=FakeModel(), seed=0)  # never chooses: deadline
    aligned = align_states(rollout, "stimulus", before=1, after=8)
    assert np.isfinite(aligned.data[:, :6]).all() and np.isnan(aligned.data[:, 6:]).all()


def test_align_states_bad_input():
    rollout = Rollout(obs=np.zeros((3, 2)), actions=np.zeros(3, int), gt=np.zeros(3, int), rewards=np.zeros(3),
                      new_trial=np.zeros(3, bool), performance=np.zeros(0, int), trials=[], agent="x",
                      ob_names=["a", "b"], act_names=["0"], periods=["p"] * 3)
    with pytest.raises(ValueError, match="no LSTM states"):
        align_states(rollout)
    with pytest.raises(TypeError, match="Rollout"):
        align_states(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="states must be"):
        align_states(rollout, states="gates")


def test_pca_remove_time_mean_finds_the_axis_along_which_trials_differ():
    rng = np.random.default_rng(5)
    clock = np.zeros(6)
    clock[0] = 1.0
    choice_axis = np.zeros(6)
    choice_axis[1] = 1.0
    ramp = np.linspace(-5, 5, 8)  # every trial sweeps along `clock` (big), trials differ along `choice_axis`
    signs = rng.choice([-1.0, 1.0], size=40)
    x = ramp[None, :, None] * clock + signs[:, None, None] * np.linspace(0, 1, 8)[None, :, None] * choice_axis
    x += 0.01 * rng.standard_normal(x.shape)
    assert abs(pca_fit(x, 1).components[0] @ clock) > 0.99
    pca = pca_fit(x, 1, remove_time_mean=True)
    assert abs(pca.components[0] @ choice_axis) > 0.99 and pca.time_mean.shape == (8, 6)
    assert pca.transform(x[0]).shape == (8, 1)
    with pytest.raises(ValueError, match="units"):
        pca.transform(np.zeros((3, 5)))
