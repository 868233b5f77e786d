import pickle
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env as gym_check_env
from stable_baselines3.common.env_checker import check_env as sb3_check_env

import neurogym_lite as ngym
from neurogym_lite import PerceptualDecisionMaking
from tests.conftest import SEED_TIMING


def run_trial(env, actions_by_period):
    """Step through one trial, choosing the action for each step from its period."""
    u = env.unwrapped
    while True:
        period = u.period_now
        obs, reward, terminated, truncated, info = env.step(actions_by_period.get(period, 0))
        if info["new_trial"]:
            return reward, info


def test_registered_on_import_and_builds_without_warnings():
    assert "PerceptualDecisionMaking-v0" in gym.registry
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        env = gym.make("PerceptualDecisionMaking-v0", dt=100, timing=SEED_TIMING)
        env.reset(seed=0)
        for _ in range(30):
            env.step(env.action_space.sample())
    assert isinstance(env.unwrapped, PerceptualDecisionMaking)


def test_defaults_match_neurogym():
    env = PerceptualDecisionMaking()
    assert env.dt == 100
    assert env.rewards == {"abort": -0.1, "correct": 1.0, "fail": 0.0}
    assert list(env.cohs) == [0, 6.4, 12.8, 25.6, 51.2]
    assert env.sigma == 1.0 and env.dim_ring == 2 and env.abort is False
    env.reset(seed=0)
    assert {k: v * 100 for k, v in env.end_ind.items()} == {
        "fixation": 100, "stimulus": 2100, "delay": 2100, "decision": 2200}
    assert env.observation_space.shape == (3,) and env.observation_space.dtype == np.float32
    assert env.action_space.n == 3


def test_print_shows_the_task(seed_env):
    text = str(seed_env)
    for needle in ("PerceptualDecisionMaking-v0", "dt: 100 ms", "fixation: 300 ms", "stimulus: 500 ms",
                   "decision: 300 ms", "correct +1", "abort -0.1", "6.4", "51.2",
                   "fixation, stimulus_1, stimulus_2", "0=fixate, 1=choice_1, 2=choice_2"):
        assert needle in text, needle


def test_trial_structure_seed_timing(seed_env):
    obs, info = seed_env.reset(seed=1)
    u = seed_env.unwrapped
    assert u.periods() == ["fixation"] * 3 + ["stimulus"] * 5 + ["decision"] * 3
    assert list(u.gt) == [0] * 8 + [u.trial["ground_truth"] + 1] * 3
    assert np.array_equal(u.ob[:, 0], [1] * 8 + [0] * 3)
    assert np.all(u.ob[:3, 1:] == 0) and np.all(u.ob[8:, 1:] == 0)
    assert np.array_equal(obs, u.ob[0]) and info == {"new_trial": False, "gt": 0}


def test_observation_follows_time_convention(seed_env):
    seed_env.reset(seed=2)
    u = seed_env.unwrapped
    trial_ob = u.ob.copy()
    for t in range(1, 11):
        obs, *_ = seed_env.step(0)
        assert np.array_equal(obs, trial_ob[t])
    obs, _, _, _, info = seed_env.step(0)  # last decision step: no choice, trial times out
    assert info["new_trial"] and info["performance"] == 0
    assert np.array_equal(obs, u.ob[0])  # first observation of the next trial


@pytest.mark.parametrize("dim_ring", [2, 3, 5])
def test_stimulus_statistics_match_the_formula(dim_ring):
    env = PerceptualDecisionMaking(dim_ring=dim_ring, sigma=1.0, dt=20,
                                   timing={"fixation": 0, "stimulus": 2000, "decision": 100})
    env.reset(seed=0)
    theta = np.linspace(0, 2 * np.pi, dim_ring + 1)[:-1]
    for coh, gt in [(51.2, 0), (25.6, dim_ring - 1), (0.0, 1)]:
        env.new_trial(coh=coh, ground_truth=gt)
        stim = env.ob[env.start_ind["stimulus"]:env.end_ind["stimulus"], 1:]
        assert stim.dtype == np.float32 and stim.shape == (100, dim_ring)
        expected = np.cos(theta - theta[gt]) * coh / 200 + 0.5
        std = 1.0 / np.sqrt(20)
        # 100 samples per channel: the mean is within 4 standard errors of the formula
        assert np.all(np.abs(stim.mean(0) - expected) < 4 * std / 10)
        assert np.all(np.abs(stim.std(0) / std - 1) < 0.3)
    noise_free = PerceptualDecisionMaking(sigma=0, timing=SEED_TIMING)
    noise_free.reset(seed=0)
    noise_free.new_trial(coh=25.6, ground_truth=1)
    assert np.allclose(noise_free.ob[3:8, 1:], [[0.5 - 0.128, 0.5 + 0.128]] * 5)


def test_noise_scales_with_sigma_over_sqrt_dt():
    stds = {}
    for dt in (10, 100):
        env = PerceptualDecisionMaking(dt=dt, sigma=2.0, timing={"fixation": 0, "stimulus": 100_000, "decision": dt})
        env.reset(seed=0)
        env.new_trial(coh=0)
        stds[dt] = env.ob[:-1, 1:].std()
    assert stds[10] == pytest.approx(2 / np.sqrt(10), rel=0.03)
    assert stds[100] == pytest.approx(2 / np.sqrt(100), rel=0.05)


def test_rewards_and_performance(seed_env):
    seed_env.reset(seed=3)
    u = seed_env.unwrapped
    gt = u.trial["ground_truth"] + 1
    reward, info = run_trial(seed_env, {"decision": gt})
    assert reward == 1.0 and info["performance"] == 1
    gt = u.trial["ground_truth"] + 1
    reward, info = run_trial(seed_env, {"decision": 3 - gt})
    assert reward == 0.0 and info["performance"] == 0
    # choosing during the stimulus is neither punished nor ends the trial (as in NeuroGym)
    rewards = []
    for _ in range(3):
        _, r, _, _, info = seed_env.step(0)
        rewards.append(r)
    assert rewards == [0, 0, 0] and u.period_now == "stimulus"
    _, r, _, _, info = seed_env.step(1)
    assert r == 0 and not info["new_trial"]


def test_breaking_fixation_costs_abort_reward():
    env = PerceptualDecisionMaking(timing=SEED_TIMING)
    env.reset(seed=0)
    _, r, _, _, info = env.step(1)
    assert r == pytest.approx(-0.1) and not info["new_trial"]
    env = PerceptualDecisionMaking(timing=SEED_TIMING, abort=True, rewards={"abort": -0.5})
    env.reset(seed=0)
    _, r, _, _, info = env.step(2)
    assert r == -0.5 and info["new_trial"] and info["performance"] == 0


def test_info_trial_describes_the_trial_that_ended(seed_env):
    u = seed_env.unwrapped
    seed_env.reset(seed=4)
    for _ in range(40):
        finished = dict(u.trial)
        reward, info = run_trial(seed_env, {"decision": 1})
        assert info["trial"] == finished
        assert info["performance"] == int(finished["ground_truth"] == 0)
        assert info["trial"] is not u.trial


def test_reset_seed_reproduces_the_trial_sequence():
    def sequence(seed):
        env = gym.make("PerceptualDecisionMaking-v0", timing=SEED_TIMING)
        env.reset(seed=seed)
        obs, trials = [], []
        for a in np.random.default_rng(0).integers(0, 3, 300):
            ob, _, _, _, info = env.step(a)
            obs.append(ob)
            if info["new_trial"]:
                trials.append(info["trial"])
        return np.array(obs), trials

    a, b, c = sequence(7), sequence(7), sequence(8)
    assert np.array_equal(a[0], b[0]) and a[1] == b[1]
    assert not np.array_equal(a[0], c[0])


def test_reset_without_seed_continues_the_stream(seed_env):
    seed_env.reset(seed=0)
    first = seed_env.unwrapped.ob.copy()
    seed_env.reset()
    assert not np.array_equal(first, seed_env.unwrapped.ob)


def test_reset_does_not_reseed_the_action_space(seed_env):
    draws = []
    for _ in range(3):
        seed_env.reset(seed=0)
        draws.append([int(seed_env.action_space.sample()) for _ in range(20)])
    assert draws[0] != draws[1] or draws[1] != draws[2]


def test_reset_options_fix_the_first_trial(seed_env):
    seed_env.reset(seed=0, options={"trial": {"coh": 51.2, "ground_truth": 1}})
    assert seed_env.unwrapped.trial == {"coh": 51.2, "ground_truth": 1}
    with pytest.raises(ValueError, match="unknown key"):
        seed_env.reset(options={"coherence": 3})
    with pytest.raises(ValueError, match="unknown trial parameter"):
        seed_env.reset(options={"trial": {"coherence": 3}})


def test_observations_float32_and_inside_space(seed_env):
    obs, _ = seed_env.reset(seed=0)
    space = seed_env.observation_space
    for a in np.random.default_rng(1).integers(0, 3, 500):
        assert obs.dtype == np.float32 and obs in space
        obs, *_ = seed_env.step(a)


def test_env_checkers_pass_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gym_check_env(gym.make("PerceptualDecisionMaking-v0", timing=SEED_TIMING).unwrapped)
        gym_check_env(gym.make("PerceptualDecisionMaking-v0", dim_ring=4, abort=True).unwrapped)
        sb3_check_env(gym.make("PerceptualDecisionMaking-v0", timing=SEED_TIMING))


def test_two_envs_same_seed_same_rollout():
    envs = [gym.make("PerceptualDecisionMaking-v0") for _ in range(2)]
    outs = [e.reset(seed=123)[0] for e in envs]
    assert np.array_equal(outs[0], outs[1])
    for a in np.random.default_rng(0).integers(0, 3, 200):
        s1, s2 = envs[0].step(a), envs[1].step(a)
        assert np.array_equal(s1[0], s2[0]) and s1[1:] == s2[1:]


def test_pickle_round_trip_continues_identically(seed_env):
    seed_env.reset(seed=5)
    clone = pickle.loads(pickle.dumps(seed_env))
    for a in [0, 0, 1, 2, 0, 0, 0, 0, 1, 0, 2, 0]:
        s1, s2 = seed_env.step(a), clone.step(a)
        assert np.array_equal(s1[0], s2[0]) and s1[1:] == s2[1:]


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"timing": {"stimulus": ("gauss", 300)}}, ValueError, "unknown timing distribution"),
        ({"timing": {"stimulis": 300}}, ValueError, "unknown period"),
        ({"timing": {"stimulus": -100}}, ValueError, ">= 0"),
        ({"timing": {"decision": 0}}, ValueError, "at least one step"),
        ({"timing": {"stimulus": 250}}, ValueError, "not a multiple of dt"),
        ({"timing": "fast"}, TypeError, "timing must be a dict"),
        ({"dt": 0}, ValueError, "dt must be a positive"),
        ({"dt": -5}, ValueError, "dt must be a positive"),
        ({"rewards": {"correct": "yes"}}, TypeError, r"rewards\['correct'\]"),
        ({"rewards": {"win": 1}}, ValueError, "unknown key"),
        ({"cohs": []}, ValueError, "cohs"),
        ({"cohs": [10, 150]}, ValueError, "between 0 and 100"),
        ({"sigma": -1}, ValueError, "sigma"),
        ({"dim_ring": 1}, ValueError, "dim_ring"),
        ({"dim_ring": 2.5}, TypeError, "dim_ring"),
        ({"abort": "no"}, TypeError, "abort"),
        ({"coherence": [1]}, TypeError, "coherence"),
    ],
)
def test_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        gym.make("PerceptualDecisionMaking-v0", **kwargs)


@pytest.mark.parametrize(("action", "exc"), [(3, ValueError), (-1, ValueError), (1.5, TypeError),
                                             ("1", TypeError), (np.array([1, 2]), TypeError)])
def test_actions_outside_the_space(action, exc):
    env = PerceptualDecisionMaking(timing=SEED_TIMING)
    env.reset(seed=0)
    with pytest.raises(exc, match="action"):
        env.step(action)
    # nothing half-done: the env is still at step 0 of the same trial
    assert env.t_ind == 0


def test_numpy_integer_actions_accepted(seed_env):
    seed_env.reset(seed=0)
    for a in (np.int64(0), np.int32(0), np.array(0), 0):
        seed_env.step(a)


def test_step_before_reset():
    with pytest.raises(RuntimeError, match="reset"):
        PerceptualDecisionMaking().step(0)


def test_make_env_unknown_id():
    with pytest.raises(ValueError, match="unknown task id 'PerceptualDecisionMakng-v0'.*Did you mean"):
        ngym.make_env("PerceptualDecisionMakng-v0")
    env = ngym.make_env("PerceptualDecisionMaking-v0", timing=SEED_TIMING)
    assert env.observation_space.shape == (4,)


@pytest.mark.parametrize("bad", ["no", 0, 1, None])
def test_make_env_pass_reward_must_be_a_bool(bad):
    # "no" is truthy: without the check it would silently wrap the env
    with pytest.raises(TypeError, match="pass_reward must be True or False"):
        ngym.make_env("PerceptualDecisionMaking-v0", pass_reward=bad)


def test_random_timing_varies_trial_length():
    env = PerceptualDecisionMaking(timing={"fixation": ("uniform", (100, 500)),
                                           "stimulus": ("truncated_exponential", (400, 100, 1000)),
                                           "decision": [100, 200]})
    env.reset(seed=0)
    lengths = set()
    for _ in range(50):
        lengths.add(env.tmax)
        env.new_trial()
    assert len(lengths) > 5
    assert all(t % 100 == 0 for t in lengths)
