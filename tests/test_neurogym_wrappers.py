"""NeuroGym users' code for the trial wrappers, configuration and custom-task details, written in
NeuroGym's idiom (its PerceptualDecisionMaking notebook, its README's configuration snippets, its
"understanding a task" notebook), each checked against what NeuroGym documents."""

from __future__ import annotations

import warnings

import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import pytest
from neurogym_lite.core import TrialEnv
from scipy.stats import binomtest

import neurogym_lite as ngym
from neurogym_lite.utils import TruncExp, plot_psychometric
from neurogym_lite.wrappers import Monitor, PassAction, PassReward, ReactionTime, SideBias

NOTEBOOK_KWARGS = {
    "dt": 100,
    "dim_ring": 2,
    "rewards": {"abort": -0.1, "correct": +1.0, "fail": 0.0},
    "timing": {"fixation": TruncExp(600, 400, 700), "stimulus": 2000, "delay": 0, "decision": 100},
    "sigma": 1.0,
    "abort": False,
}


def notebook_env(**rt):
    """NeuroGym's PerceptualDecisionMaking notebook's env, built as it builds it."""
    env = ngym.make("PerceptualDecisionMaking-v0", **NOTEBOOK_KWARGS)
    env = ReactionTime(env, **rt)
    env = PassReward(env)
    env = PassAction(env)
    return SideBias(env, probs=[[0.2, 0.8], [0.8, 0.2]], block_dur=(20, 100))


# ---------------------------------------------------------------------------------- ReactionTime
def test_reaction_time_lets_the_agent_answer_from_the_second_stimulus_step_and_ends_with_the_stimulus():
    env = ReactionTime(ngym.make("PerceptualDecisionMaking-v0", timing={"fixation": 300, "stimulus": 500,
                                                                       "delay": 200, "decision": 100}))
    env.reset(seed=0)
    task = env.unwrapped
    start, end = task.start_ind["stimulus"], task.end_ind["stimulus"]
    choice = 1 + task.trial["ground_truth"]
    assert task.gt.tolist() == [0] * (start + 1) + [choice] * (end - start - 1), "answer from stimulus step 2 on"
    assert len(task.ob) == end and "decision" not in task.start_ind, "the trial ends when the stimulus does"
    assert task.ob[:start, 0].tolist() == [1.0] * start and not task.ob[start:, 0].any(), "cue off at onset: go"
    for _ in range(start):
        env.step(0)
    _, reward, *_, info = env.step(choice)  # the first stimulus step: not judged yet
    assert reward == 0 and not info["new_trial"]
    _, reward, *_, info = env.step(choice)
    assert info["new_trial"] and reward == task.rewards["correct"] and info["performance"] == 1
    assert info["tr_dur"] == start + 2, "tr_dur: the trial's length in steps (NeuroGym's is always 0)"


def test_reaction_time_without_an_answer_ends_at_the_stimulus_end_and_adds_urgency_to_every_step():
    env = ReactionTime(ngym.make("PerceptualDecisionMaking-v0", timing={"fixation": 300, "stimulus": 500}),
                       urgency=-0.05)
    env.reset(seed=1)
    n = len(env.unwrapped.ob)
    rewards = [env.step(0)[1] for _ in range(n)]
    assert rewards == pytest.approx([-0.05] * n)
    assert env.step(0)[4]["new_trial"] is False, "a new trial started after the stimulus ended"


def test_reaction_time_keeping_the_trial_judges_answers_in_the_delay_against_the_choice():
    env = ReactionTime(ngym.make("PerceptualDecisionMaking-v0", timing={"fixation": 200, "stimulus": 300,
                                                                       "delay": 300, "decision": 100}),
                       end_on_stimulus=False)
    env.reset(seed=2)
    task = env.unwrapped
    choice = 1 + task.trial["ground_truth"]
    for _ in range(task.start_ind["delay"] + 1):  # into the delay without answering
        env.step(0)
    _, reward, *_, info = env.step(choice)  # NeuroGym's wrapper counts this as wrong (its delay asks "fixate")
    assert info["new_trial"] and reward == task.rewards["correct"]


def test_reaction_time_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match="enforce_fixation"):
        ReactionTime(ngym.make("PerceptualDecisionMaking-v0", enforce_fixation=True))
    with pytest.raises(TypeError, match="stimulus"):
        ReactionTime(gym.make("CartPole-v1"))
    with pytest.raises(TypeError, match="urgency"):
        ReactionTime(ngym.make("PerceptualDecisionMaking-v0"), urgency="high")
    with pytest.raises(TypeError, match="end_on_stimulus"):
        ReactionTime(ngym.make("PerceptualDecisionMaking-v0"), end_on_stimulus="yes")


# ---------------------------------------------------------------------------------- SideBias
def run_trials(env, n, seed):
    env.reset(seed=seed)
    trials = []
    while len(trials) < n:
        info = env.step(env.action_space.sample())[4]
        if info["new_trial"]:
            trials.append(info["trial"])
    return trials


@pytest.mark.parametrize("block_dur", [7, (3, 9), 0.2])
def test_side_bias_blocks_last_as_asked_and_switch_to_another_block(block_dur):
    env = SideBias(ngym.make("PerceptualDecisionMaking-v0", timing={"fixation": 100, "stimulus": 100,
                                                                   "decision": 100}),
                   probs=[[0.9, 0.1], [0.1, 0.9], [0.5, 0.5]], block_dur=block_dur)
    env.action_space.seed(0)
    blocks = np.array([t["block"] for t in run_trials(env, 3000, seed=3)])
    switches = np.flatnonzero(np.diff(blocks)) + 1
    lengths = np.diff(switches)
    assert len(lengths) > 20
    if isinstance(block_dur, int):
        assert set(lengths) == {block_dur}
    elif isinstance(block_dur, tuple):
        assert lengths.min() >= 3 and lengths.max() <= 9 and len(set(lengths)) > 3
    else:  # a switch after each trial with probability 0.2: geometric lengths, mean 5
        ci = 1.96 * lengths.std() / np.sqrt(len(lengths))
        assert abs(lengths.mean() - 5) < ci + 0.1
    assert set(blocks) == {0, 1, 2}


def test_side_bias_draws_the_correct_side_with_the_blocks_probabilities():
    env = SideBias(ngym.make("PerceptualDecisionMaking-v0", timing={"fixation": 100, "stimulus": 100,
                                                                   "decision": 100}),
                   probs=[[0.85, 0.15], [0.3, 0.7]], block_dur=50)
    trials = run_trials(env, 4000, seed=4)
    for block, p_side_1 in ((0, 0.15), (1, 0.7)):
        sides = [t["ground_truth"] for t in trials if t["block"] == block]
        ci = binomtest(sum(sides), len(sides)).proportion_ci(0.999)
        assert ci.low < p_side_1 < ci.high
        assert all(np.allclose(t["probs"], [1 - p_side_1, p_side_1]) for t in trials if t["block"] == block)


def test_side_bias_is_reproducible_and_keeps_a_side_the_caller_fixes():
    def sequence(seed):
        env = SideBias(ngym.make("PerceptualDecisionMaking-v0"), probs=[[0.8, 0.2], [0.2, 0.8]], block_dur=0.1)
        env.action_space.seed(seed)
        return [(t["block"], t["ground_truth"], t["coh"]) for t in run_trials(env, 300, seed)]

    assert sequence(5) == sequence(5) and sequence(5) != sequence(6)
    env = SideBias(ngym.make("PerceptualDecisionMaking-v0"), probs=[[1.0, 0.0]], block_dur=10)
    env.reset(seed=0, options={"trial": {"ground_truth": 1}})
    assert env.unwrapped.trial["ground_truth"] == 1


@pytest.mark.parametrize(("probs", "block_dur", "error", "match"), [
    ([[0.5, 0.5, 0.0]], 10, ValueError, "columns"),
    ([[0.6, 0.6]], 10, ValueError, "sum to 1"),
    ([[1.5, -0.5]], 10, ValueError, "probs"),
    ([0.5, 0.5], 10, TypeError, "matrix"),
    (None, 10, TypeError, "matrix"),
    ([[0.5, 0.5]], 0, ValueError, "block_dur"),
    ([[0.5, 0.5]], 1.5, ValueError, "block_dur"),
    ([[0.5, 0.5]], (5, 2), ValueError, "block_dur"),
    ([[0.5, 0.5]], True, TypeError, "block_dur"),
    ([[0.5, 0.5]], "long", TypeError, "block_dur"),
])
def test_side_bias_refuses_bad_arguments_by_name(probs, block_dur, error, match):
    with pytest.raises(error, match=match):
        SideBias(ngym.make("PerceptualDecisionMaking-v0"), probs=probs, block_dur=block_dur)


# ---------------------------------------------------------------------------------- the notebook
def test_neurogym_perceptual_decision_making_notebook_pipeline_runs_after_the_rename():
    env = notebook_env(end_on_stimulus=True)
    assert env.timing["stimulus"] == 2000 and env.action_space.name == {"fixation": 0, "choice": [1, 2]}
    fig = ngym.utils.plot_env(env, name="Perceptual Decision Making",
                              ob_traces=["Fixation", "Stim 1", "Stim 2", "PassReward", "PassAction"], num_trials=5)
    plt.close(fig)
    eval_monitor = Monitor(env)
    metrics = eval_monitor.evaluate_policy(num_trials=600, verbose=False)
    assert 0 <= metrics["mean_performance"] <= 1
    data = eval_monitor.data_eval
    trials = data["trial"]
    coh = np.array([t["coh"] for t in trials])
    block = np.array([np.array_equal(t["probs"], np.array([0.8, 0.2])) for t in trials]).astype(int)
    answered = data["action"] != 0
    ch = (data["action"][answered] == 2).astype(int)
    gt = (data["gt"][answered] == 2).astype(int)
    assert answered.any() and set(np.unique(block)) == {0, 1}
    fig, ax = plt.subplots()
    for blk in (0, 1):
        mask = block[answered] == blk
        sig_ev = np.where(gt[mask] == 0, -coh[answered][mask], coh[answered][mask])
        plot_psychometric(sig_ev, ch[mask], ax, legend=f"Block {blk + 1}")
    assert len(ax.get_legend().get_texts()) >= 2


def test_plot_psychometric_draws_what_there_is_when_a_curve_cannot_be_fitted():
    fig, ax = plt.subplots()
    with pytest.warns(UserWarning, match="at least 3"):
        assert plot_psychometric([6.4, 6.4, -6.4], [1, 1, 0], ax) is None
    assert len(ax.get_lines()) == 2
    with pytest.warns(UserWarning, match="both choices"):  # an agent that always answers the same
        assert plot_psychometric([-6.4, 0.0, 6.4, 12.8], [1, 1, 1, 1], ax) is None
    with pytest.raises(ValueError, match="ch"):
        plot_psychometric([1.0, 2.0], [1, 0, 1], ax)


# ---------------------------------------------------------------------------------- Config
def test_config_from_toml_dict_and_arguments_as_neurogym_readme_writes_them(tmp_path):
    from neurogym_lite.config import Config
    from neurogym_lite.config.config import Config as SameConfig

    assert Config is SameConfig
    toml = tmp_path / "config.toml"
    toml.write_text('local_dir = "${HOME}/ngym_out"\n[monitor]\ninterval = 20\n[monitor.plot]\ntitle = "T"\n')
    from_file = Config(toml)
    assert from_file.monitor.interval == 20 and from_file.monitor.plot.title == "T"
    assert "$" not in str(from_file.local_dir), "environment variables are expanded"
    from_class = Config(local_dir="logs/", env={"name": "GoNogo-v0"}, monitor={"name": "MyMonitor"})
    assert from_class.monitor.plot.title == "GoNogo-v0", "an empty title falls back to env.name"
    with pytest.warns(UserWarning, match="monitor.plot.value"):
        from_dict = Config.model_validate({"env": {"name": "GoNogo-v0"}, "local_dir": "./outputs",
                                           "monitor": {"plot": {"value": 500, "create": True}}})
    assert from_dict.model_dump()["monitor"]["plot"]["create"] is True
    assert Config.model_validate(from_dict.model_dump()) == from_dict


def test_config_checks_every_value_by_its_dotted_name(tmp_path):
    from neurogym_lite.config import Config

    with pytest.raises(ValueError, match="monitor.interval"):
        Config(monitor={"interval": 0})
    with pytest.raises(ValueError, match="monitor.trigger"):
        Config(monitor={"trigger": "episode"})
    config = Config()
    with pytest.raises(TypeError, match="monitor.plot.create"):
        config.monitor.plot.create = "yes"
    with pytest.raises(FileNotFoundError, match="nowhere.toml"):
        Config(tmp_path / "nowhere.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[monitor\n")
    with pytest.raises(ValueError, match="not valid TOML"):
        Config(bad)


def test_monitor_takes_its_settings_from_a_config_and_writes_under_local_dir(tmp_path):
    from neurogym_lite.config import Config

    config = Config(local_dir=tmp_path)
    config.monitor.interval = 10
    config.monitor.trigger = "trial"
    config.monitor.verbose = False
    config.monitor.plot.step = 30
    env = ngym.make("PerceptualDecisionMaking-v0", timing={"stimulus": 200})
    monitor = Monitor(env, config)  # NeuroGym's positional order
    assert monitor.interval == 10 and monitor.plot_steps == 30 and monitor.plot_create
    assert monitor.save_dir.parent == tmp_path / "PerceptualDecisionMaking"
    monitor.reset(seed=0)
    while monitor.num_tr < 10:
        monitor.step(monitor.action_space.sample())
    assert list(monitor.save_dir.glob("*.npz")) and list(monitor.save_dir.glob("*.png"))
    with pytest.raises(ValueError, match="interval"):
        Monitor(env, config, interval=5)
    with pytest.raises(TypeError, match="config"):
        Monitor(env, config=3)


# ---------------------------------------------------------------------------------- custom tasks
class _NoPeriods(TrialEnv):
    """NeuroGym 2.3's "understanding a task" example: trials without periods, one step each."""

    def __init__(self, opt_in=True):
        super().__init__()
        self.opt_in = opt_in
        self.observation_space = gym.spaces.Box(low=-1.0, high=1.0, shape=(1,))
        self.action_space = gym.spaces.Discrete(2)
        self.next_ob = np.zeros(1)

    def _post_init(self):
        super()._post_init(allow_empty_timing=self.opt_in)

    def _new_trial(self):
        ob = self.next_ob
        self.next_ob = self.rng.uniform(-1, 1, size=(1,))
        return {"ground_truth": (ob > 0) * 1.0}

    def _step(self, action):
        reward = (action == self.trial["ground_truth"]) * 1.0  # a 1-element array, as NeuroGym's example makes it
        return self.next_ob, reward, False, False, {"new_trial": True}


def test_a_task_without_periods_runs_when_it_opts_in_and_is_refused_clearly_otherwise():
    env = _NoPeriods()
    ob, _ = env.reset(seed=0)
    assert ob.shape == (1,) and ob[0] == 0
    shown = []
    for _ in range(5):
        ob, reward, _, _, info = env.step(1)
        assert info["new_trial"] and reward in (0.0, 1.0)
        shown.append(float(ob[0]))
        assert info["trial"]["ground_truth"] == (shown[-2] > 0 if len(shown) > 1 else 0)
    assert env.trial_length_stats(num_trials=20)["max"] == 0
    with pytest.raises(RuntimeError, match="allow_empty_timing"):
        _NoPeriods(opt_in=False).reset()


def test_neurogym_random_state_calls_draw_from_the_seeded_generator_and_no_step_is_accepted():
    env = ngym.make("PerceptualDecisionMaking-v0")
    env.reset(seed=7, options={"no_step": True})  # NeuroGym's option: reset here never takes a step anyway
    first = (env.rng.randint(0, 10, size=5).tolist(), env.rng.rand(2).tolist(), float(env.rng.randn()))
    env.reset(seed=7)
    assert (env.rng.randint(0, 10, size=5).tolist(), env.rng.rand(2).tolist(), float(env.rng.randn())) == first
    assert env.rng.integers(0, 3) in (0, 1, 2), "the Generator's own methods are there too"
    with pytest.raises(AttributeError, match=r"reset\(seed="):  # NeuroGym's env.seed(): gymnasium dropped it
        env.seed(0)


def test_all_envs_lists_the_tasks_and_filters_by_tag():
    from neurogym_lite.envs.registration import all_envs

    assert all_envs() == ["PerceptualDecisionMaking-v0", "PerceptualDecisionMakingRT-v0"]
    assert all_envs(tag="reaction time") == ["PerceptualDecisionMakingRT-v0"]
    assert all_envs(tag="no such tag") == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert all_envs(contrib=True, collections=True) == all_envs()
    with pytest.raises(TypeError, match="tag"):
        all_envs(tag=3)
