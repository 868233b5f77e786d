import pickle
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env as gym_check_env
from gymnasium.wrappers import TransformObservation
from stable_baselines3.common.env_checker import check_env as sb3_check_env
from stable_baselines3.common.monitor import Monitor

from neurogym_lite.wrappers import PassReward, pass_reward
from tests.conftest import SEED_TIMING


def make():
    return gym.make("PerceptualDecisionMaking-v0", dt=100, timing=SEED_TIMING)


def test_neurogym_import_path():
    assert pass_reward.PassReward is PassReward


def test_reward_appended_float32_inside_space():
    env = PassReward(make())
    obs, _ = env.reset(seed=0)
    assert obs.dtype == np.float32 and obs.shape == (4,) and obs[-1] == 0.0 and obs in env.observation_space
    for a in np.random.default_rng(0).integers(0, 3, 400):
        obs, reward, *_ = env.step(a)
        assert obs.dtype == np.float32 and obs in env.observation_space
        assert obs[-1] == np.float32(reward)
        assert np.array_equal(obs[:-1], env.unwrapped.ob_now)
    assert env.observation_space.low[-1] == pytest.approx(-0.1) and env.observation_space.high[-1] == 1.0


def test_first_observation_has_no_phantom_reward():
    env = PassReward(make())
    for seed in range(5):
        obs, _ = env.reset(seed=seed)
        assert obs[-1] == 0.0
        assert np.array_equal(obs[:-1], env.unwrapped.ob[0])


def test_checkers_pass():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # gymnasium always notes that a wrapped env is not the raw env; nothing else may warn
        warnings.filterwarnings("ignore", message="(?s).*is different from the unwrapped version")
        gym_check_env(PassReward(make()))
        sb3_check_env(PassReward(make()))


def test_seed_and_options_pass_through():
    a, b = PassReward(make()), make()
    obs_a, _ = a.reset(seed=11, options={"trial": {"coh": 0.0, "ground_truth": 1}})
    obs_b, _ = b.reset(seed=11, options={"trial": {"coh": 0.0, "ground_truth": 1}})
    assert np.array_equal(obs_a[:-1], obs_b)
    assert a.unwrapped.trial == {"coh": 0.0, "ground_truth": 1}
    for act in [0, 0, 0, 1, 2, 0, 0, 0, 1]:
        sa, sb = a.step(act), b.step(act)
        assert np.array_equal(sa[0][:-1], sb[0]) and sa[1:] == sb[1:]


@pytest.mark.parametrize("order", ["monitor_inside", "monitor_outside"])
def test_composes_with_monitor(order):
    env = PassReward(Monitor(make())) if order == "monitor_inside" else Monitor(PassReward(make()))
    obs, _ = env.reset(seed=0)
    assert obs.shape == (4,)
    for _ in range(30):
        obs, reward, *_ = env.step(0)
        assert obs[-1] == reward and obs.shape == (4,)


def test_under_an_observation_wrapper_transforms_once():
    base = PassReward(make())
    scaled = TransformObservation(base, lambda o: o * 2, base.observation_space)
    obs, _ = scaled.reset(seed=0)
    ref, _ = PassReward(make()).reset(seed=0)
    assert np.array_equal(obs, ref * 2)


def test_rejects_non_box_observations():
    with pytest.raises(TypeError, match="1-D Box"):
        PassReward(gym.make("FrozenLake-v1"))  # Discrete observations, in every gymnasium >= 1.0


def test_pickle_wrapped():
    env = PassReward(make())
    env.reset(seed=3)
    clone = pickle.loads(pickle.dumps(env))
    for a in [0, 1, 0, 2, 0, 0, 0, 0, 1, 0]:
        s1, s2 = env.step(a), clone.step(a)
        assert np.array_equal(s1[0], s2[0]) and s1[1:] == s2[1:]


@pytest.mark.slow
def test_subprocess_vec_env():
    from stable_baselines3.common.vec_env import SubprocVecEnv

    venv = SubprocVecEnv([lambda: PassReward(make())] * 2, start_method="spawn")
    try:
        venv.seed(0)
        obs = venv.reset()
        assert obs.shape == (2, 4) and obs.dtype == np.float32
        obs, rewards, dones, infos = venv.step(np.array([0, 1]))
        assert infos[0]["new_trial"] is False
    finally:
        venv.close()
