"""The training recipe is the same whatever VecEnv carries the task."""

import pytest
from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv

from neurogym_lite.agents.recipe import make_model, make_monkey_env, make_vec_env


@pytest.mark.slow
def test_subproc_vec_env_gets_the_same_input_scaling_as_the_recipe():
    reference = make_model(make_vec_env(make_monkey_env, 2)).policy.features_extractor.state_dict()
    venv = SubprocVecEnv([make_monkey_env] * 2, start_method="spawn")
    try:
        model = make_model(venv)
    finally:
        venv.close()
    got = model.policy.features_extractor.state_dict()
    assert type(model.policy.features_extractor).__name__ == "ScaledInput"
    assert all((got[k] == reference[k]).all() for k in reference)


def test_a_task_without_stimulus_channels_is_left_unscaled():
    import gymnasium as gym

    model = make_model(DummyVecEnv([lambda: gym.make("CartPole-v1")]))
    assert type(model.policy.features_extractor).__name__ != "ScaledInput"


def test_make_model_refuses_what_is_not_a_vec_env():
    with pytest.raises(TypeError, match="venv must be a stable-baselines3 VecEnv"):
        make_model(object())
