import pickle
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env as gym_check_env
from stable_baselines3.common.env_checker import check_env as sb3_check_env

import neurogym_lite as ngym
from neurogym_lite.tasks import PerceptualDecisionMakingRT

TIMING = {"fixation": 300, "stimulus": 1000}
# Coarse steps keep the hand-written trials short; the defaults are tested on their own.
KW = {"dt": 100, "timing": TIMING}


@pytest.fixture
def env():
    e = gym.make("PerceptualDecisionMakingRT-v0", **KW)
    yield e
    e.close()


def test_registered_and_exported():
    assert "PerceptualDecisionMakingRT-v0" in ngym.TASKS
    assert "PerceptualDecisionMakingRT-v0" in gym.registry
    assert isinstance(ngym.make_env("PerceptualDecisionMakingRT-v0").unwrapped, PerceptualDecisionMakingRT)


def test_defaults_and_trial_structure(env):
    u = PerceptualDecisionMakingRT()
    assert u.rewards == {"abort": -1.0, "correct": 1.0, "fail": -3.0, "miss": -3.0}
    assert u.timing == {"fixation": 500, "stimulus": 2000}
    assert u.dt == 20 and u.sigma == 2.0 and u.dim_ring == 2 and u.abort is True
    assert list(u.cohs) == [0, 6.4, 12.8, 25.6, 51.2]
    u.reset(seed=0)
    assert u.periods() == ["fixation"] * 25 + ["stimulus"] * 100
    env.reset(seed=0)
    u = env.unwrapped
    assert u.periods() == ["fixation"] * 3 + ["stimulus"] * 10
    gt = u.trial["ground_truth"]
    assert list(u.gt) == [0] * 3 + [gt + 1] * 10
    # the fixation cue is the go signal: on during fixation, off once the dots appear
    assert np.array_equal(u.ob[:, 0], [1] * 3 + [0] * 10)
    assert np.all(u.ob[:3, 1:] == 0) and np.all(u.ob[3:, 1:] != 0)
    assert u.trial["stim_onset_step"] == 3 and u.trial["rt"] is None


@pytest.mark.parametrize("wait", [0, 4])
def test_choosing_during_the_stimulus_ends_the_trial(env, wait):
    env.reset(seed=1, options={"trial": {"ground_truth": 1, "coh": 25.6}})
    for _ in range(3 + wait):
        _, reward, _, _, info = env.step(0)
        assert reward == 0 and not info["new_trial"]
    obs, reward, _, _, info = env.step(2)  # correct
    assert info["new_trial"] and info["performance"] == 1 and reward == 1.0
    trial = info["trial"]
    assert trial["ground_truth"] == 1 and trial["coh"] == 25.6
    assert trial["response_step"] == 3 + wait and trial["rt"] == (wait + 1) * 100
    assert env.unwrapped.t_ind == 0 and np.array_equal(obs, env.unwrapped.ob[0])  # next trial


def test_wrong_choice_costs_fail_reward():
    env = gym.make("PerceptualDecisionMakingRT-v0", **KW, rewards={"fail": -0.5})
    env.reset(seed=2, options={"trial": {"ground_truth": 0}})
    for _ in range(4):
        env.step(0)
    _, reward, _, _, info = env.step(2)
    assert info["new_trial"] and info["performance"] == 0 and reward == -0.5


def test_no_choice_by_the_deadline_is_a_miss():
    env = gym.make("PerceptualDecisionMakingRT-v0", **KW, rewards={"miss": -0.3})
    env.reset(seed=3)
    rewards = []
    for _ in range(13):
        _, reward, _, _, info = env.step(0)
        rewards.append(reward)
    assert info["new_trial"] and info["performance"] == 0 and info["trial"]["rt"] is None
    assert rewards == [0.0] * 12 + [-0.3]


@pytest.mark.parametrize("abort", [False, True])
def test_choosing_during_fixation_is_an_abort(abort):
    env = gym.make("PerceptualDecisionMakingRT-v0", **KW, abort=abort)
    env.reset(seed=4)
    _, reward, _, _, info = env.step(1)
    assert reward == -1.0 and info["new_trial"] is abort
    if abort:
        assert info["performance"] == 0 and info["trial"]["rt"] is None


def test_seeding_is_reproducible():
    def rollout(seed):
        env = gym.make("PerceptualDecisionMakingRT-v0", **KW)
        env.reset(seed=seed)
        env.action_space.seed(seed)
        out = []
        for _ in range(60):
            obs, reward, _, _, info = env.step(env.action_space.sample())
            out.append((obs.tobytes(), reward, info["new_trial"]))
        return out

    assert rollout(5) == rollout(5)
    assert rollout(5) != rollout(6)


def test_observations_float32_inside_the_space(env):
    obs, _ = env.reset(seed=7)
    space = env.observation_space
    for _ in range(300):
        assert obs.dtype == np.float32 and space.contains(obs)
        obs, *_ = env.step(env.action_space.sample())


def test_env_checkers_pass_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gym_check_env(gym.make("PerceptualDecisionMakingRT-v0").unwrapped)
        gym_check_env(gym.make("PerceptualDecisionMakingRT-v0", dim_ring=3, abort=True).unwrapped)
        sb3_check_env(gym.make("PerceptualDecisionMakingRT-v0", **KW))
        sb3_check_env(ngym.make_env("PerceptualDecisionMakingRT-v0", **KW))


def test_pass_reward_bounds_cover_the_rewards():
    env = ngym.make_env("PerceptualDecisionMakingRT-v0", rewards={"fail": -3.0})
    assert env.observation_space.low[-1] == -3.0 and env.observation_space.high[-1] == 1.0


def test_pickle_round_trip(env):
    env.reset(seed=8)
    clone = pickle.loads(pickle.dumps(env.unwrapped))
    a = [env.unwrapped.step(0)[0] for _ in range(20)]
    b = [clone.step(0)[0] for _ in range(20)]
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_print_describes_the_task(env):
    text = str(env)
    for needle in ("PerceptualDecisionMakingRT-v0", "fixation: 300 ms", "stimulus: 1000 ms", "fail -3", "miss -3"):
        assert needle in text, needle


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"rewards": {"bonus": 1}}, ValueError, "unknown key"),
        ({"rewards": {"fail": "a lot"}}, TypeError, "finite number"),
        ({"rewards": [1, 2]}, TypeError, "dict"),
        ({"timing": {"decision": 100}}, ValueError, "unknown period"),
        ({"timing": {"stimulus": 0}}, ValueError, "stimulus"),
        ({"cohs": [150]}, ValueError, "between 0 and 100"),
        ({"sigma": -1}, ValueError, "sigma"),
        ({"dim_ring": 1}, ValueError, "dim_ring"),
        ({"dim_ring": 2.5}, TypeError, "dim_ring"),
        ({"abort": "yes"}, TypeError, "abort"),
        ({"dt": 0}, ValueError, "dt"),
    ],
)
def test_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        PerceptualDecisionMakingRT(**kwargs)


def test_bad_trial_parameters(env):
    with pytest.raises(ValueError, match="unknown trial parameter"):
        env.reset(seed=0, options={"trial": {"speed": 3}})
    with pytest.raises(ValueError, match="ground_truth"):
        env.reset(seed=0, options={"trial": {"ground_truth": 5}})


def test_fixed_duration_only_arguments_are_refused():
    # fixation is always enforced here (a choice before the go signal is an early choice):
    # keywords of the fixed-duration task that make no sense for this one are not accepted
    with pytest.raises(TypeError):
        PerceptualDecisionMakingRT(enforce_fixation=False)


def test_default_abort_ends_the_trial_on_an_early_choice():
    env = gym.make("PerceptualDecisionMakingRT-v0")
    env.reset(seed=0)
    _, reward, _, _, info = env.step(1)
    assert info["new_trial"] and reward == -1.0 and info["trial"]["rt"] is None


def test_a_time_out_follows_an_error_and_a_miss_not_a_correct_choice():
    env = gym.make("PerceptualDecisionMakingRT-v0", timeout_after_error=1000, timing={"fixation": 100, "stimulus": 200}).unwrapped
    env.reset(seed=0)
    assert "timeout" not in env.start_ind

    def finish(action_at_stim):
        onset = env.start_ind["stimulus"]
        while True:
            t = env.t_ind
            a = action_at_stim(env) if t >= onset else 0
            _, r, _, _, info = env.step(a)
            if info["new_trial"]:
                return r, info

    r, info = finish(lambda e: 2 - e.trial["ground_truth"])  # the wrong direction
    assert r == env.rewards["fail"] and info["trial"]["timeout_steps"] == 0
    assert env.start_ind["timeout"] == 0 and env.end_ind["timeout"] == 1000 // env.dt
    assert env.trial["timeout_steps"] == 1000 // env.dt
    # during the time-out the screen is blank and actions do nothing
    assert not env.ob[: env.end_ind["timeout"]].any()
    _, r, _, _, info = env.step(1)
    assert r == 0 and not info["new_trial"]
    r, info = finish(lambda e: 1 + e.trial["ground_truth"])  # correct: no time-out next
    assert r == env.rewards["correct"] and "timeout" not in env.start_ind
    # RTs still count from stimulus onset, after the time-out
    assert info["trial"]["rt"] == (info["trial"]["response_step"] - info["trial"]["stim_onset_step"] + 1) * env.dt
    r, info = finish(lambda e: 0)  # a miss: time-out too
    assert r == env.rewards["miss"] and "timeout" in env.start_ind
    env.reset(seed=1)
    assert "timeout" not in env.start_ind  # a new sequence starts clean


@pytest.mark.parametrize(("value", "exc"), [(-20, ValueError), (30, ValueError), ("1s", TypeError), (True, TypeError)])
def test_timeout_after_error_is_checked(value, exc):
    with pytest.raises(exc, match="timeout_after_error"):
        gym.make("PerceptualDecisionMakingRT-v0", timeout_after_error=value)


def test_the_docstring_states_what_the_shipped_population_tables_hold():
    """The class docstring's counts of held-out agents meeting the recipe's targets, and its shape claim."""
    from importlib import resources

    from neurogym_lite.agents.pretrained import population_table

    doc = " ".join(PerceptualDecisionMakingRT.__doc__.split())
    recipe = population_table("rt_rl")["networks"]
    meets = sum(bool(n.get("meets_targets")) for n in recipe)
    assert f"on {len(recipe)} seeds never used to tune it, {meets} do" in doc
    confirmed = [population_table(name)["networks"] for name in (
        "rt_rl_early_stop_confirm", "rt_rl_shared_early_stop_confirm", "rt_rl_screen_confirm", "rt_rl_screen_confirm_rep")]
    k, n = sum(bool(m.get("meets_targets")) for t in confirmed for m in t), sum(len(t) for t in confirmed)
    assert f"confirm gives {k} of {n} over four more held-out sets" in doc
    # "no population's median RT distribution is as narrow as the monkeys'" (CV of decision time at
    # 0-6.4 %: at most 0.43 for the monkeys, notebook 7 section 2): every RT population's median is above 0.5
    names = sorted(p.name[len("population_"):-len(".json")]
                   for p in (resources.files("neurogym_lite.agents") / "models").iterdir()
                   if p.name.startswith("population_rt_rl") and not p.name.endswith("_dynamics.json"))
    medians = {}
    for name in names:
        cvs = [m["shape"]["0-6.4"]["cv"] for m in population_table(name)["networks"] if m.get("shape")]
        if len(cvs) >= 8:  # the populations, not the two-agent tuning tries
            medians[name] = float(np.median(cvs))
    assert len(medians) >= 8 and min(medians.values()) > 0.5, medians
