"""User code written in NeuroGym's style runs after ``neurogym`` -> ``neurogym_lite``.

The snippets below are written for this test in the style of NeuroGym's documentation (its RL
tutorial, its custom-task template, its Monitor examples); they are not NeuroGym's files. Each is
written against ``neurogym`` and renamed before it runs, exactly as a user would do it.
"""

from __future__ import annotations

import textwrap

import gymnasium as gym
import numpy as np
import pytest

import neurogym_lite as ngym
from neurogym_lite import spaces
from neurogym_lite.tasks.trial_env import TrialEnv
from neurogym_lite.wrappers import Monitor, PassReward


def run_renamed(code: str) -> dict:
    """Execute NeuroGym-style code after the rename, the one change a user makes."""
    namespace: dict = {"__name__": "__neurogym_user__"}
    exec(compile(textwrap.dedent(code).replace("neurogym", "neurogym_lite"), "<user code>", "exec"), namespace)
    return namespace


RL_TUTORIAL = """
import neurogym as ngym
from neurogym.wrappers import pass_reward

task = 'PerceptualDecisionMaking-v0'
timing = {'fixation': ('constant', 300), 'stimulus': ('constant', 500), 'decision': ('constant', 300)}
kwargs = {'dt': 100, 'timing': timing}
env = ngym.make(task, **kwargs)
print(env)
env = pass_reward.PassReward(env)
_ = ngym.utils.plot_env(env, fig_kwargs={'figsize': (12, 12)}, num_steps=100,
                        ob_traces=['Fixation cue', 'Stim 1', 'Stim 2', 'Previous reward'])

total_timesteps = 256
from sb3_contrib import RecurrentPPO
from stable_baselines3.common.vec_env import DummyVecEnv

env = DummyVecEnv([lambda: env])
model = RecurrentPPO(policy='MlpLstmPolicy', env=env, n_steps=128, batch_size=128, verbose=0)
model.learn(total_timesteps=total_timesteps, log_interval=total_timesteps)
env.close()

env = ngym.make(task, **kwargs)
print(env)
env = pass_reward.PassReward(env)
env = DummyVecEnv([lambda: env])
fig = ngym.utils.plot_env(env, fig_kwargs={'figsize': (12, 12)}, num_steps=100,
                          ob_traces=['Fixation cue', 'Stim 1', 'Stim 2', 'Previous reward'], model=model)
"""


@pytest.mark.slow
def test_rl_tutorial_runs_after_the_rename(capsys):
    ns = run_renamed(RL_TUTORIAL)
    printed = capsys.readouterr().out
    assert "PerceptualDecisionMaking" in printed and "stimulus: 500 ms" in printed.replace("constant ", "")
    assert ns["model"].num_timesteps >= 256
    assert ns["fig"].axes[0].get_ylabel() or ns["fig"].axes[0].get_legend() is not None


def test_make_is_a_function_that_returns_the_task():
    env = ngym.make("PerceptualDecisionMaking-v0", dt=50, timing={"stimulus": 300})
    assert callable(ngym.make) and isinstance(env, ngym.PerceptualDecisionMaking)
    assert env.spec is not None and env.spec.id == "PerceptualDecisionMaking-v0"
    # NeuroGym code reads the task's attributes straight from what make returned
    assert env.timing["stimulus"] == 300 and env.dt == 50
    trial = env.new_trial(coh=25.6)
    assert trial["coh"] == 25.6 and env.ob.shape == (env.gt.shape[0], 3)
    assert ngym.make_env("PerceptualDecisionMaking-v0").observation_space.shape == (4,)  # still there
    wrapped = ngym.make("PerceptualDecisionMaking-v0", max_episode_steps=7)
    assert isinstance(wrapped, gym.wrappers.TimeLimit) and isinstance(wrapped.unwrapped, ngym.PerceptualDecisionMaking)
    with pytest.raises(ValueError, match="unknown task id 'PerceptualDecisionMaking-v1'.*Did you mean"):
        ngym.make("PerceptualDecisionMaking-v1")


def test_attributes_reach_the_task_through_our_wrappers():
    env = Monitor(PassReward(ngym.make("PerceptualDecisionMaking-v0", timing={"stimulus": 200})), verbose=False)
    assert env.timing["stimulus"] == 200  # Monitor -> PassReward -> task
    env.reset(seed=0)
    trial = env.new_trial(coh=0.0, ground_truth=1)
    assert trial == {"coh": 0.0, "ground_truth": 1} and env.unwrapped.trial == trial
    assert env.ob is env.unwrapped.ob and env.ob_names[-1] == "reward"  # PassReward's own names win
    # through gymnasium's wrappers too (gym.make adds them)
    assert PassReward(gym.make("PerceptualDecisionMaking-v0")).dt == 100
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = env.no_such_thing
    with pytest.raises(AttributeError):
        _ = env._private_of_the_task


# --------------------------------------------------------------------------- a task in NeuroGym's idiom
CUSTOM_TASK = """
import numpy as np
import neurogym as ngym
from neurogym import spaces
from neurogym.core import TrialEnv


class CompareTwo(TrialEnv):
    '''Say which of two noisy inputs is larger, after a delay.'''

    def __init__(self, dt=100, rewards=None, timing=None, sigma=1.0):
        super().__init__(dt=dt)
        self.choices = [0, 1]
        self.sigma = sigma / np.sqrt(self.dt)
        self.rewards = {'abort': -0.1, 'correct': +1.0, 'fail': 0.0}
        if rewards:
            self.rewards.update(rewards)
        self.timing = {'fixation': 200, 'stimulus': 500, 'delay': 0, 'decision': 200}
        if timing:
            self.timing.update(timing)
        self.observation_space = spaces.Box(-np.inf, np.inf, shape=(3,), dtype=np.float32,
                                            name={'fixation': 0, 'stimulus': [1, 2]})
        self.action_space = spaces.Discrete(3, name={'fixation': 0, 'choice': [1, 2]})

    def _new_trial(self, **kwargs):
        trial = {'ground_truth': self.rng.choice(self.choices)}
        trial.update(kwargs)
        self.add_period(['fixation', 'stimulus', 'delay', 'decision'])
        self.add_ob(1, where='fixation')
        self.set_ob(0, 'decision', where='fixation')
        stim = np.full(2, 0.4)
        stim[trial['ground_truth']] = 0.6
        self.add_ob(stim, 'stimulus', where='stimulus')
        self.add_randn(0, self.sigma, 'stimulus', where='stimulus')
        self.set_groundtruth(trial['ground_truth'], 'decision', where='choice')
        return trial

    def _step(self, action):
        terminated = False
        reward = 0.0
        gt = self.gt_now
        new_trial = False
        if not self.in_period('decision'):
            if action != 0:
                reward = self.rewards['abort']
        elif action != 0:
            new_trial = True
            if action == gt:
                reward = self.rewards['correct']
                self.performance = 1
            else:
                reward = self.rewards['fail']
        return self.ob_now, reward, terminated, False, {'new_trial': new_trial, 'gt': gt}

"""


@pytest.fixture(scope="module")
def CompareTwo():
    return run_renamed(CUSTOM_TASK)["CompareTwo"]


def test_custom_task_trial_is_built_as_written(CompareTwo):
    env = CompareTwo(dt=100, timing={"delay": 300})
    assert env.timing == {"fixation": 200, "stimulus": 500, "delay": 300, "decision": 200}
    env.reset(seed=1)
    ob, gt = env.ob, env.gt
    assert ob.dtype == np.float32 and ob.shape == (12, 3)  # 2 + 5 + 3 + 2 steps
    assert np.all(ob[:10, 0] == 1) and np.all(ob[10:, 0] == 0)  # fixation cue, off in decision
    assert np.all(ob[:2, 1:] == 0) and np.all(ob[7:, 1:] == 0)  # stimulus only in its period
    right = env.trial["ground_truth"]
    assert abs(ob[2:7, 1 + right].mean() - 0.6) < 0.3 and ob[2:7, 1:].std() > 0  # signal + noise
    assert np.all(gt[:10] == 0) and np.all(gt[10:] == 1 + right)  # name['choice'][ground_truth]
    assert env.ob_names == ["fixation", "stimulus_1", "stimulus_2"]
    assert env.act_names == ["fixation", "choice_1", "choice_2"]
    assert env.view_ob("stimulus").shape == (5, 3) and np.shares_memory(env.view_ob("stimulus"), env.ob)
    assert "CompareTwo" in str(env) and "delay: 300 ms" in str(env).replace("constant ", "")


def test_custom_task_steps_like_neurogym(CompareTwo):
    env = CompareTwo()
    ob, info = env.reset(seed=3)
    assert np.array_equal(ob, env.ob[0])
    correct = 1 + env.trial["ground_truth"]
    for t in range(1, 9):  # fixate through fixation (2), stimulus (5), delay (0), decision step 1
        ob, reward, terminated, truncated, info = env.step(0)
        assert np.array_equal(ob, env.ob[t]) and reward == 0.0 and not info["new_trial"]
    ob, reward, terminated, truncated, info = env.step(correct)
    assert reward == 1.0 and info["new_trial"] and info["performance"] == 1 and info["gt"] == correct
    assert info["trial"]["ground_truth"] == correct - 1  # the trial that just ended
    assert np.array_equal(ob, env.ob[0]) and env.t_ind == 0  # first observation of the next trial
    ob, reward, *_ = env.step(2)  # breaking fixation
    assert reward == -0.1


def test_custom_task_timing_changes_after_init_take_effect(CompareTwo):
    env = CompareTwo()
    env.reset(seed=0)
    assert env.ob.shape[0] == 9
    env.timing["stimulus"] = 1000  # in place, as NeuroGym code does
    env.new_trial()
    assert env.ob.shape[0] == 14 and env.end_t["stimulus"] - env.start_t["stimulus"] == 1000
    env.timing = {"fixation": 100, "stimulus": ("choice", [200, 400]), "delay": 0, "decision": 100}
    env.new_trial()
    assert env.ob.shape[0] in (4, 6)
    with pytest.raises(ValueError, match="stimulus"):
        env.timing = {"fixation": 100, "stimulus": 250, "decision": 100}  # not a multiple of dt


def test_custom_task_is_seeded_trains_and_plots(CompareTwo):
    a, b = CompareTwo(), CompareTwo()
    a.reset(seed=7)
    b.reset(seed=7)
    for _ in range(30):
        oa, ra, *_ = a.step(1)
        ob, rb, *_ = b.step(1)
        assert np.array_equal(oa, ob) and ra == rb
    env = PassReward(CompareTwo())
    fig = ngym.utils.plot_env(env, num_trials=3, seed=0)
    assert fig.axes
    rollout = ngym.run_env(env, num_trials=20, seed=0)
    assert rollout.num_trials == 20 and rollout.ob_names[:2] == ["fixation", "stimulus_1"]


def test_custom_task_may_return_its_own_observation():
    class OwnObservation(TrialEnv):
        def __init__(self, dt=100):
            super().__init__(dt=dt)
            self.timing = {"stimulus": 300, "decision": 200}
            self.observation_space = gym.spaces.Box(-1.0, 1.0, shape=(1,), dtype=np.float32)
            self.action_space = gym.spaces.Discrete(2)

        def _new_trial(self):
            self.add_period(["stimulus", "decision"])
            return {"stimulus": float(self.rng.uniform(-1, 1))}

        def _step(self, action):
            ob = np.array([self.trial["stimulus"] if self.in_period("stimulus") else 0.0])
            return ob, 0.0, False, False, {"new_trial": False, "custom": 1}

    env = OwnObservation()
    env.reset(seed=0)
    ob, reward, terminated, truncated, info = env.step(0)
    assert ob.dtype == np.float32 and ob[0] == np.float32(env.trial["stimulus"])
    assert info["custom"] == 1 and info["new_trial"] is False
    for _ in range(4):
        *_, info = env.step(0)
    assert info["new_trial"]  # the trial ran out of time after 5 steps


def test_named_spaces_are_gymnasium_spaces_and_check_their_names():
    box = spaces.Box(0, 1, shape=(3,), name={"fixation": 0, "stimulus": range(1, 3)})
    assert isinstance(box, gym.spaces.Box) and box.name == {"fixation": 0, "stimulus": [1, 2]}
    assert box.dtype == np.float32 and box.contains(np.zeros(3, np.float32))
    assert isinstance(spaces.Discrete(3, name={"choice": [1, 2]}), gym.spaces.Discrete)
    with pytest.raises(ValueError, match="stimulus"):
        spaces.Box(0, 1, shape=(2,), name={"stimulus": [1, 2]})
    with pytest.raises(TypeError, match="name"):
        spaces.Discrete(2, name=["a", "b"])


# --------------------------------------------------------------------------- Monitor
MONITOR_USER = """
import numpy as np
import neurogym as ngym
from neurogym.wrappers import Monitor, PassReward

env = PassReward(ngym.make('PerceptualDecisionMaking-v0', dt=100,
                           timing={'fixation': 100, 'stimulus': 200, 'decision': 100}))
monitor = Monitor(env, folder=FOLDER, interval=50, verbose=True, plot_create=True, plot_steps=40)
metrics_before = monitor.evaluate_policy(num_trials=40, seed=0)
obs, _ = monitor.reset(seed=0)
for _ in range(600):
    obs, reward, terminated, truncated, info = monitor.step(monitor.action_space.sample())
data = monitor.data
trials = data['trial']
coh = np.array([t['coh'] for t in trials])
fig = monitor.plot_training_history(figsize=(6, 4), plot_performance=True)
"""


def test_monitor_records_trials_as_neurogym_users_read_them(tmp_path, capsys):
    ns = run_renamed(MONITOR_USER.replace("FOLDER", repr(str(tmp_path))))
    monitor = ns["monitor"]
    # 600 steps of 4-step trials at most: >= 150 trials, 3 blocks of 50 saved and reset
    assert monitor.num_tr >= 150 and len(monitor.history) == monitor.num_tr // 50
    saved = sorted(tmp_path.glob("trial_*.npz"), key=lambda p: int(p.stem.split("_")[1]))
    assert [p.name for p in saved] == [f"trial_{50 * (i + 1)}.npz" for i in range(len(monitor.history))]
    block = np.load(saved[0], allow_pickle=True)
    for key in ("action", "reward", "cum_reward", "performance", "gt", "new_trial", "trial"):
        assert len(block[key]) == 50, key
    assert set(np.unique(block["performance"])) <= {0, 1}
    assert np.all(block["reward"] == np.where(block["performance"] == 1, 1.0, block["reward"]))
    # 'trial' is the trial that ended: its ground truth is what the ending step judged
    assert all(t["ground_truth"] + 1 == g for t, g in zip(block["trial"], block["gt"], strict=True))
    assert len(ns["trials"]) == monitor.num_tr % 50 and set(ns["coh"]) <= {0.0, 6.4, 12.8, 25.6, 51.2}
    assert list(tmp_path.glob("task_*.png")) and (tmp_path / "PerceptualDecisionMaking_training_history.png").exists()
    assert "trials; last block: mean reward" in capsys.readouterr().out
    before = ns["metrics_before"]
    assert len(before["performances"]) == 40 and 0 <= before["mean_performance"] <= 1
    assert len(monitor.data_eval["trial"]) == 40
    assert ns["fig"].axes[0].get_xlabel() == "trials"


def test_monitor_old_argument_names_and_evaluation_is_reproducible(tmp_path):
    env = ngym.make("PerceptualDecisionMaking-v0", timing={"stimulus": 200})
    m = Monitor(env, folder=tmp_path, sv_per=10, sv_stp="trial", verbose=False)
    assert m.interval == 10 and m.trigger == "trial"
    first = m.evaluate_policy(num_trials=30, seed=5, verbose=False)
    again = m.evaluate_policy(num_trials=30, seed=5, verbose=False)
    assert first == again and m.data == {"action": [], "reward": [], "cum_reward": [], "performance": []}
    with pytest.raises(FileNotFoundError, match="config.toml"):  # a config file that is not there is said so
        Monitor(env, config="config.toml")
    with pytest.raises(ValueError, match="interval"):
        Monitor(env, interval=0)


def test_monitor_inside_sb3_training():
    from sb3_contrib import RecurrentPPO
    from stable_baselines3.common.vec_env import DummyVecEnv

    monitor = Monitor(PassReward(ngym.make("PerceptualDecisionMaking-v0", timing={"stimulus": 200})),
                      interval=20, verbose=False)
    model = RecurrentPPO("MlpLstmPolicy", DummyVecEnv([lambda: monitor]), n_steps=128, batch_size=128,
                         policy_kwargs={"lstm_hidden_size": 16}, device="cpu", seed=0)
    model.learn(128)
    assert monitor.num_tr >= 20 and monitor.history
    assert all(isinstance(a, int) for a in monitor.data["action"])


def test_timing_specs_written_as_lists_work_like_tuples():
    """JSON and TOML configs, and NeuroGym's own tests, write a (distribution, params) pair as a list."""
    as_lists = {"fixation": ["constant", 200], "stimulus": ["uniform", [300, 700]],
                "decision": ["choice", [100, 200]]}
    as_tuples = {"fixation": ("constant", 200), "stimulus": ("uniform", (300, 700)),
                 "decision": ("choice", [100, 200])}
    durations = []
    for timing in (as_lists, as_tuples):
        env = ngym.make("PerceptualDecisionMaking-v0", timing=timing)
        env.reset(seed=3)
        trials = []
        for _ in range(20):
            env.new_trial()
            trials.append({p: env.end_t[p] - env.start_t[p] for p in ("fixation", "stimulus", "decision")})
        durations.append(trials)
    assert durations[0] == durations[1]
    assert {t["stimulus"] for t in durations[0]} != {durations[0][0]["stimulus"]}  # drawn, not fixed
    # a plain list of numbers is still a choice among durations
    env = ngym.make("PerceptualDecisionMaking-v0", timing={"stimulus": [300, 500]})
    env.reset(seed=0)
    seen = set()
    for _ in range(30):
        env.new_trial()
        seen.add(env.end_t["stimulus"] - env.start_t["stimulus"])
    assert seen == {300, 500}


NEUROGYM_PATHS = """
import neurogym as ngym
from neurogym.envs.registration import make, register
from neurogym.utils.data import Dataset
from neurogym.utils.logging import logger
from neurogym.utils.plotting import plot_env
from neurogym.utils.spaces import Box, Discrete


class Blink(ngym.TrialEnv):
    def __init__(self, dt=100):
        super().__init__(dt=dt)
        self.timing = {"cue": 200}
        self.observation_space = Box(-1.0, 1.0, shape=(1,), dtype=float, name={"cue": 0})
        self.action_space = Discrete(2, name={"wait": 0, "go": 1})

    def _new_trial(self, **kwargs):
        self.add_period("cue")
        self.add_ob(1.0, "cue", where="cue")
        self.set_groundtruth(1, "cue")
        return {}

    def _step(self, action):
        logger.info("step")
        new_trial = self.in_period("cue") and self.t + self.dt >= self.tmax
        reward = float(action == self.gt_now)
        return self.ob_now, reward, False, False, {"new_trial": new_trial, "gt": self.gt_now}


register(id_="Blink-v0", entry_point=Blink)
env = make("Blink-v0")
env.reset(seed=0)
env.step(1)
inputs, targets = Dataset("Blink-v0", batch_size=4, seq_len=6)()
"""


def test_neurogym_module_paths_run_after_the_rename():
    """NeuroGym's template and tests import from its utils package and envs.registration."""
    import gymnasium as gym

    scope: dict = {}
    exec(compile(NEUROGYM_PATHS.replace("neurogym", "neurogym_lite"), "<neurogym-style>", "exec"), scope)
    assert scope["inputs"].shape[:2] == (6, 4) and scope["targets"].shape == (6, 4)
    assert scope["register"] is ngym.register and "Blink-v0" in gym.registry
    import sys

    import neurogym_lite.envs.registration as old_path
    import neurogym_lite.utils.spaces as utils_spaces

    # an old path is the module itself, not a second copy of it (whose state would drift apart)
    assert old_path is sys.modules["neurogym_lite.tasks.registration"]
    assert utils_spaces is sys.modules["neurogym_lite.tasks.spaces"]
    # registering again (a notebook cell run after an edit) replaces the entry, without a warning
    ngym.register(id_="Blink-v0", entry_point=scope["Blink"], kwargs={"dt": 50})
    assert ngym.make("Blink-v0").dt == 50
    with pytest.raises(TypeError, match="entry_point"):
        ngym.register(id_="Nothing-v0")
    with pytest.raises(TypeError, match="id_"):
        ngym.register(id_=3, entry_point=scope["Blink"])


@pytest.mark.parametrize("task", ["PerceptualDecisionMaking-v0", "PerceptualDecisionMakingRT-v0"])
def test_every_task_names_its_spaces_as_neurogym_does(task):
    env = ngym.make(task, dim_ring=3) if task.startswith("PerceptualDecisionMaking-") else ngym.make(task)
    ring = list(range(1, env.action_space.n))
    assert env.observation_space.name == {"fixation": 0, "stimulus": ring}
    assert env.action_space.name == {"fixation": 0, "choice": ring}
    ob, _ = env.reset(seed=0)
    assert ob[env.observation_space.name["fixation"]] == 1.0  # the cue is on at the start of a trial


def test_monitor_with_figures_and_no_folder_writes_where_neurogym_does_and_says_so(tmp_path, monkeypatch, capsys):
    """NeuroGym's perceptual-decision-making notebook calls Monitor(env, ..., plot_create=True) alone."""
    monkeypatch.chdir(tmp_path)
    env = Monitor(ngym.make("PerceptualDecisionMaking-v0"), interval=5, plot_create=True, plot_steps=20, verbose=False)
    said = capsys.readouterr().out
    assert env.folder.parent == tmp_path / "runs" / "PerceptualDecisionMaking" and str(env.folder) in said
    env.reset(seed=0)
    trials = 0
    while trials < 6:
        _, _, _, _, info = env.step(env.action_space.sample())
        trials += bool(info.get("new_trial"))
    assert list(env.folder.glob("task_*.png")), "the block's figure was written there"
    assert not Monitor(ngym.make("PerceptualDecisionMaking-v0"), verbose=False).folder  # no figures: no files


def test_trial_length_stats_and_env_string_as_neurogym_users_call_them():
    from neurogym_lite.core import env_string

    env = ngym.make("PerceptualDecisionMaking-v0", timing={"fixation": 300, "stimulus": ("uniform", (300, 700)),
                                                           "decision": 200})
    env.reset(seed=1)
    trial, ob = dict(env.trial), env.ob.copy()
    stats = env.trial_length_stats(num_trials=2000)
    assert set(stats) == {"mean", "std", "percentile_95", "max"}
    # fixation 3 + stimulus 3..7 + decision 2 steps of 100 ms
    assert 8 <= stats["mean"] <= 12 and stats["max"] == 12 and stats["std"] > 0
    assert env.trial == trial and np.array_equal(env.ob, ob), "the task's own trial is untouched"
    fixed = ngym.make("PerceptualDecisionMaking-v0", timing={"fixation": 300, "stimulus": 500, "decision": 200})
    assert fixed.trial_length_stats(50) == {"mean": 10.0, "std": 0.0, "percentile_95": 10.0, "max": 10.0}
    with pytest.raises(ValueError, match="num_trials"):
        env.trial_length_stats(0)
    assert env_string(env, short=True) == "<PerceptualDecisionMaking>"
    text = env_string(env)
    assert text.startswith("### PerceptualDecisionMaking") and "Reward structure" in text and "Tags: perceptual" in text
    assert "Roitman" in env_string(ngym.make("PerceptualDecisionMakingRT-v0"))


def test_pass_action_appends_the_previous_action_as_neurogym_does():
    from neurogym_lite.wrappers import pass_action

    env = pass_action.PassAction(ngym.make("PerceptualDecisionMaking-v0"))
    ob, _ = env.reset(seed=0)
    assert ob.dtype == np.float32 and ob.shape == (4,) and ob[-1] == 0.0  # nothing done yet
    for action in (0, 2, 1, 0):
        ob, *_ = env.step(action)
        assert ob[-1] == action and env.observation_space.contains(ob)
    assert env.observation_space.name == {"fixation": 0, "stimulus": [1, 2], "action": 3}
    assert env.timing == env.unwrapped.timing  # attributes reach the task, as NeuroGym code expects
    again = pass_action.PassAction(ngym.make("PerceptualDecisionMaking-v0"))
    first, _ = again.reset(seed=0)
    assert np.array_equal(first, pass_action.PassAction(ngym.make("PerceptualDecisionMaking-v0")).reset(seed=0)[0])
    with pytest.raises(TypeError, match="Discrete action space"):
        pass_action.PassAction(gym.make("MountainCarContinuous-v0"))


def test_truncexp_timing_is_drawn_from_the_task_and_reproducible():
    """NeuroGym's perceptual-decision-making notebook: timing={'fixation': TruncExp(600, 400, 700), ...}."""
    from neurogym_lite.utils.ngym_random import TruncExp as same

    from neurogym_lite.utils import TruncExp

    assert same is TruncExp

    def fixations(seed):
        env = ngym.make("PerceptualDecisionMaking-v0", timing={"fixation": TruncExp(600, 400, 700), "stimulus": 200})
        env.reset(seed=seed)
        out = []
        for _ in range(200):
            env.new_trial()
            out.append(env.end_t["fixation"] - env.start_t["fixation"])
        return np.array(out)

    a = fixations(0)
    assert np.array_equal(a, fixations(0)) and not np.array_equal(a, fixations(1))
    assert a.min() >= 400 and a.max() <= 700 and len(set(a.tolist())) > 1
    draws = np.array([TruncExp(600, 400, 700)(np.random.default_rng(k)) for k in range(2000)])
    assert draws.min() >= 400 and draws.max() <= 700 and draws.mean() < 550  # exponential: more short ones
    assert TruncExp(100, 300, 200)() == 200  # vmin >= vmax: vmax, as NeuroGym
    with pytest.raises(ValueError, match="vmean"):
        TruncExp(-1)


def test_plot_psychometric_as_neurogym_users_call_it():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neurogym_lite.utils import plot_psychometric

    rng = np.random.default_rng(0)
    sig_ev = rng.choice([-0.5, -0.2, -0.1, 0.0, 0.1, 0.2, 0.5], 3000)
    ch = (rng.random(3000) < 0.5 * (1 + np.tanh(4 * sig_ev + 0.3))).astype(int)  # a planted bias to choice 1
    fig, ax = plt.subplots()
    fit = plot_psychometric(sig_ev, ch, ax, title="psychometric", legend="agent")
    assert ax.get_title() == "psychometric" and ax.get_lines()
    assert fit.bias < 0  # the planted preference for choice 1 shifts the curve left
    plt.close(fig)
    with pytest.warns(UserWarning, match="both choices"):  # one choice only: the rates are drawn, no curve
        assert plot_psychometric(sig_ev, np.ones_like(ch), plt.subplots()[1]) is None
