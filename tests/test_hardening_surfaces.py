"""Issue 21's families for the task-side surfaces: Monitor never writes outside its folder nor
loops forever, Dataset refuses absurd sizes up front, a Dataset call that raises leaves the streams
where they were, and a Dataset over an observation wrapper returns what the wrapper shows."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import neurogym_lite as ngym
from neurogym_lite.tasks.dataset import MAX_BATCH_ELEMENTS
from neurogym_lite.wrappers import Monitor


# ------------------------------------------------------------------ Monitor: files only under folder
@pytest.mark.parametrize(("name", "exc"), [("../../x", ValueError), ("/tmp/abs", ValueError), ("a/b", ValueError),
                                          ("..", ValueError), ("", ValueError), (3, TypeError)])
def test_monitor_refuses_a_name_that_would_leave_its_folder(tmp_path, name, exc):
    with pytest.raises(exc, match="name"):
        Monitor(gym.make("PerceptualDecisionMaking-v0"), folder=tmp_path, name=name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ext", ["png/../../x", "../x", "exe", "", "PNG "])
def test_monitor_refuses_an_extension_that_is_not_a_figure_format(tmp_path, ext):
    with pytest.raises((TypeError, ValueError), match="ext"):
        Monitor(gym.make("PerceptualDecisionMaking-v0"), folder=tmp_path, ext=ext)


def test_monitor_writes_only_inside_its_folder(tmp_path):
    folder = tmp_path / "runs"
    env = Monitor(gym.make("PerceptualDecisionMaking-v0"), folder=folder, name="mine", interval=20, verbose=False,
                  plot_create=True, plot_steps=50, ext="svg")
    env.reset(seed=0)
    for a in np.random.default_rng(0).integers(0, 3, 600):
        env.step(int(a))
    env.plot_training_history()
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written and all(p.startswith("runs/") for p in written)
    assert any(p.endswith(".svg") for p in written) and "runs/mine_training_history.png" in written


class _NoTrials(gym.Env):
    observation_space = gym.spaces.Box(0, 1, (1,), np.float32)
    action_space = gym.spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return np.zeros(1, np.float32), {}

    def step(self, action):
        return np.zeros(1, np.float32), 0.0, False, False, {}


def test_evaluate_policy_on_an_env_that_never_ends_a_trial_stops_with_a_reason(monkeypatch):
    import neurogym_lite.tasks.timing as timing

    monkeypatch.setattr(timing, "MAX_STEPS_PER_TRIAL", 2000)  # the same rule, reached quickly
    with pytest.raises(RuntimeError, match="new_trial"):
        Monitor(_NoTrials(), verbose=False).evaluate_policy(num_trials=3, verbose=False)


# ------------------------------------------------------------------ Dataset
@pytest.mark.parametrize(("kwargs", "match"), [
    ({"batch_size": 10**7}, "MAX_BATCH_SIZE"), ({"batch_size": 4, "seq_len": 10**12}, "MAX_BATCH_ELEMENTS"),
    ({"batch_size": 4096, "seq_len": 100_000}, "MAX_BATCH_ELEMENTS"),
])
def test_dataset_refuses_absurd_sizes_before_building_anything(kwargs, match):
    assert MAX_BATCH_ELEMENTS > 0
    with pytest.raises(ValueError, match=match):
        ngym.Dataset("PerceptualDecisionMaking-v0", **kwargs)


def test_a_call_that_raises_midway_leaves_the_streams_where_they_were():
    a = ngym.Dataset("PerceptualDecisionMaking-v0", batch_size=4, seq_len=50, seed=3)
    b = ngym.Dataset("PerceptualDecisionMaking-v0", batch_size=4, seq_len=50, seed=3)
    a()
    b()
    with pytest.raises(ValueError, match="coh"):
        a(coh=250.0)  # refused by the task, after some columns started trials
    for x, y in zip(a(), b(), strict=True):
        assert np.array_equal(x, y)


class _Doubled(gym.ObservationWrapper):
    def observation(self, observation):
        return (2 * observation).astype(np.float32)


def test_a_dataset_over_an_observation_wrapper_returns_what_the_wrapper_shows():
    bare = ngym.Dataset(gym.make("PerceptualDecisionMaking-v0"), batch_size=2, seq_len=30, seed=0)
    doubled = ngym.Dataset(_Doubled(gym.make("PerceptualDecisionMaking-v0")), batch_size=2, seq_len=30, seed=0)
    (x, t), (x2, t2) = bare(), doubled()
    assert np.allclose(x2, 2 * x) and np.array_equal(t, t2) and x2.dtype == np.float32


class _Sneaky(gym.Wrapper):
    def step(self, action):
        ob, r, te, tr, info = self.env.step(action)
        return ob + 1, r, te, tr, info


def test_a_dataset_over_a_wrapper_it_cannot_read_is_refused():
    with pytest.raises(ValueError, match="_Sneaky"):
        ngym.Dataset(_Sneaky(gym.make("PerceptualDecisionMaking-v0")), batch_size=2, seq_len=30)


# ------------------------------------------------------------------ analyses refuse a task they do not read
def test_each_collector_refuses_the_other_task_naming_the_one_it_needs():
    from neurogym_lite.agents.pretrained import load_pretrained
    from neurogym_lite.behaviour.reaction_times import collect_rts
    from neurogym_lite.behaviour.trials import collect_trials, trial_table

    model = load_pretrained()
    with pytest.raises(ValueError, match=r"collect_rts reads the reaction-time task.*PerceptualDecisionMaking-v0"):
        collect_rts(model, lambda: ngym.make_env("PerceptualDecisionMaking-v0"), 10)
    with pytest.raises(ValueError, match=r"collect_trials reads the fixed-duration task.*PerceptualDecisionMakingRT-v0"):
        collect_trials(model, lambda: ngym.make_env("PerceptualDecisionMakingRT-v0"), 10)
    rollout = ngym.run_env(ngym.make_env("PerceptualDecisionMakingRT-v0"), num_trials=5, seed=0)
    with pytest.raises(ValueError, match="use collect_rts"):
        trial_table(rollout)


def test_task_kind_sees_through_wrappers():
    from neurogym_lite.tasks import require_task, task_kind

    assert task_kind(ngym.make_env("PerceptualDecisionMakingRT-v0")) == "reaction-time"
    assert task_kind(gym.make("PerceptualDecisionMaking-v0")) == "fixed-duration"
    assert task_kind(gym.make("CartPole-v1")) == "other"
    with pytest.raises(ValueError, match="kind must be one of"):
        require_task(gym.make("CartPole-v1"), "cartpole", "x")


# ------------------------------------------------------------------ a task's own methods, checked
class _Task(ngym.TrialEnv):
    """A minimal task whose _step / _new_trial results a test sets."""

    def __init__(self, step_result=(0.0, False), trial_result=None, gt=1):
        super().__init__(dt=100)
        self.timing = {"fixation": 100, "decision": 100}
        self.observation_space = ngym.spaces.Box(-1.0, 1.0, shape=(1,), dtype=np.float32)
        self.action_space = ngym.spaces.Discrete(2)
        self.step_result, self.trial_result, self.gt_value = step_result, trial_result, gt

    def _new_trial(self, **kwargs):
        self.add_period(["fixation", "decision"])
        self.set_groundtruth(self.gt_value, "decision")
        return {"ground_truth": 1} if self.trial_result is None else self.trial_result

    def _step(self, action):
        return self.step_result


@pytest.mark.parametrize(("result", "exc", "match"), [
    ((0.0,), TypeError, "must return"), (None, TypeError, "must return"), ((0.0, 1, 2), TypeError, "must return"),
    (("1", False), TypeError, "not a number"), ((float("nan"), False), ValueError, "not finite"),
    ((0.0, "yes"), TypeError, "new_trial must be True or False"), ((0.0, 1), TypeError, "new_trial must be"),
    ((np.zeros(1), 0.0, False, False, "info"), TypeError, "info that is not a dict"),
    ((np.zeros(1), 0.0, False, False, {"new_trial": 1}), TypeError, "new_trial must be"),
])
def test_a_step_result_of_the_wrong_shape_is_named(result, exc, match):
    env = _Task(step_result=result)
    env.reset(seed=0)
    with pytest.raises(exc, match=match):
        env.step(0)


def test_numpy_scalars_from_step_are_accepted():
    env = _Task(step_result=(np.float32(0.5), np.bool_(False)))
    env.reset(seed=0)
    _, reward, *_ = env.step(0)
    assert reward == 0.5 and type(reward) is float


@pytest.mark.parametrize("trial", [[1, 2], "trial", 3])
def test_new_trial_must_return_a_dict(trial):
    env = _Task(trial_result=trial)
    with pytest.raises(TypeError, match="must return the trial's parameters as a dict"):
        env.reset(seed=0)


def test_a_ground_truth_outside_the_action_space_is_refused():
    with pytest.raises(ValueError, match="ground truth outside the action space"):
        _Task(gt=5).reset(seed=0)


# ------------------------------------------------------------------ named spaces
@pytest.mark.parametrize(("name", "exc", "match"), [
    ({"a": True}, TypeError, "not booleans"), ({"a": [0, np.bool_(True)]}, TypeError, "not booleans"),
    ({"a": []}, ValueError, "empty list"), ({"a": [1, 1]}, ValueError, "repeats an index"),
    ({"a": 0, "b": [0, 1]}, ValueError, "named twice"), ({"a": "0"}, TypeError, "index or a list"),
    ({"": 0}, TypeError, "non-empty strings"), ({"a": 5}, ValueError, "outside"),
])
def test_bad_names_of_a_space_are_refused(name, exc, match):
    with pytest.raises(exc, match=match):
        ngym.spaces.Box(-1.0, 1.0, shape=(3,), name=name)


def test_discrete_names_follow_its_start_and_a_scalar_box_takes_neurogyms_names():
    from neurogym_lite.tasks.spaces import names_of

    d = ngym.spaces.Discrete(2, start=1, name={"left": 1, "right": 2})
    assert names_of(d, "action") == ["left", "right"]
    with pytest.raises(ValueError, match="outside the actions"):
        ngym.spaces.Discrete(2, start=1, name={"left": 0})
    box = ngym.spaces.Box(low=0, high=1, name={"fixation": 0, "stimulus": [1, 2]})  # NeuroGym's docstring example
    assert box.name == {"fixation": 0, "stimulus": [1, 2]}
    assert names_of(box, "ob") == ["fixation", "stimulus_1", "stimulus_2"]
