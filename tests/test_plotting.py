import subprocess
import sys

import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import pytest
from stable_baselines3 import PPO
from stable_baselines3.common.vec_env import DummyVecEnv

import neurogym_lite as ngym
from neurogym_lite.agents.pretrained import load_pretrained, make_pretrained_env
from neurogym_lite.behaviour.history import choice_history
from neurogym_lite.behaviour.kernel import psychophysical_kernel
from neurogym_lite.behaviour.plotting import (
    plot_choice_history,
    plot_efficiency_by_coherence,
    plot_kernel,
    plot_psychometric,
    signed_coherence_colors,
)
from neurogym_lite.behaviour.psychometric import Efficiency, fit_psychometric
from neurogym_lite.neural.plotting import (
    plot_decoding_by_coherence,
    plot_state_space,
    plot_time_courses,
    plot_unit_by_choice_and_coherence,
)
from neurogym_lite.tasks.plotting import plot_rollout
from neurogym_lite.wrappers import PassReward
from tests.conftest import SEED_TIMING

TRACES = ["Fixation cue", "Stim 1", "Stim 2", "Previous reward"]


def wrapped():
    return PassReward(gym.make("PerceptualDecisionMaking-v0", dt=100, timing=SEED_TIMING))


@pytest.fixture(scope="module")
def lstm_model():
    return load_pretrained()


def panel_titles(fig):
    return [ax.get_title(loc="left") for ax in fig.axes]


def test_plot_env_random_agent_panels_and_labels():
    fig = ngym.utils.plot_env(wrapped(), fig_kwargs={"figsize": (12, 12)}, num_steps=100, ob_traces=TRACES, seed=0)
    titles = panel_titles(fig)
    assert titles[:2] == ["Observations", "Actions"] and titles[2].startswith("Rewards and trial outcomes")
    assert len(fig.axes) == 3  # one panel for rewards and outcomes, not two redundant ones
    assert "random agent" in fig._suptitle.get_text()
    obs_ax, act_ax, rew_ax = fig.axes
    # the previous-reward input is drawn on the reward axis, not over the fixation cue at 1.0
    obs_labels = [t.get_text() for t in obs_ax.get_legend().get_texts()]
    assert obs_labels[:3] == TRACES[:3] and "Previous reward" not in obs_labels
    assert "Previous reward (input)" in [t.get_text() for t in rew_ax.get_legend().get_texts()]
    assert [t.get_text() for t in act_ax.get_yticklabels()] == ["fixate", "choice_1", "choice_2"]
    # reward ticks are named by outcome, as in NeuroGym's figure
    rew_ticks = " ".join(t.get_text() for t in rew_ax.get_yticklabels())
    for outcome in ("abort -0.1", "fail 0", "correct +1", "outcome"):
        assert outcome in rew_ticks
    for ax in fig.axes:
        assert ax.get_ylabel()
    assert "time step" in rew_ax.get_xlabel()
    assert len(obs_ax.get_yticks()) > 2
    # one outcome marker per finished trial, not a trace at every step
    n_markers = sum(len(line.get_xdata()) for line in rew_ax.get_lines() if line.get_marker() in ("o", "X"))
    rollout = ngym.run_env(wrapped(), num_steps=100, seed=0)
    assert n_markers == rollout.num_trials
    assert all(any(line.get_linestyle() == ":" for line in ax.get_lines()) for ax in fig.axes)


def test_default_figure_fits_a_laptop_screen():
    fig = ngym.plot_env(wrapped(), num_steps=100, seed=0)
    width, height = fig.get_size_inches()
    assert width <= 11 and height <= 7  # about 1100 x 700 pixels at matplotlib's 100 dpi


def test_reward_axis_of_the_reaction_time_task():
    # its -3 for an error would squash the stimulus traces if the reward input shared their axis
    env = ngym.make_env("PerceptualDecisionMakingRT-v0")  # with the previous-reward input
    fig = ngym.plot_env(env, num_steps=60, seed=3)
    obs_ax, _, rew_ax = fig.axes
    assert obs_ax.get_ylim()[0] > -0.5
    ticks = [t.get_text() for t in rew_ax.get_yticklabels()]
    assert "fail / miss -3" in ticks and "correct +1" in ticks
    assert rew_ax.get_ylim()[0] < -3


def test_plot_rollout_rejects_other_objects():
    with pytest.raises(TypeError, match="Rollout.*plot_env"):
        plot_rollout({"obs": []})


def test_plot_env_fixed_action_and_fname(tmp_path):
    out = tmp_path / "fig.png"
    fig = ngym.plot_env(wrapped(), num_steps=40, def_act=0, fname=str(out), seed=1)
    assert out.stat().st_size > 10_000
    assert "fixed action 0 (fixate)" in fig._suptitle.get_text()
    rollout = ngym.run_env(wrapped(), num_steps=40, def_act=0, seed=1)
    assert set(rollout.actions) == {0} and rollout.performance.sum() == 0


def test_plot_env_without_performance_and_legend():
    fig = ngym.plot_env(wrapped(), num_steps=30, plot_performance=False, legend=False, name="My task", seed=0)
    assert len(fig.axes) == 3 and fig._suptitle.get_text().startswith("My task")
    assert all(ax.get_legend() is None for ax in fig.axes)
    assert fig.axes[2].get_title(loc="left") == "Rewards"
    assert not any(line.get_marker() == "X" for line in fig.axes[2].get_lines())


def test_plot_env_raw_env_uses_observation_names():
    fig = ngym.plot_env(gym.make("PerceptualDecisionMaking-v0"), num_steps=30, seed=0)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[:3] == ["fixation", "stimulus_1", "stimulus_2"]


def test_plot_env_many_inputs_as_heatmap():
    env = gym.make("PerceptualDecisionMaking-v0", dim_ring=16)
    fig = ngym.plot_env(env, num_steps=30, seed=0)
    assert fig.axes[0].images  # a heat map, with a colour bar, instead of 17 tangled lines


@pytest.mark.parametrize("bad", [["a", "b"], ["a", "b", "c", "d", "e"]])
def test_ob_traces_wrong_length(bad):
    with pytest.raises(ValueError, match=r"ob_traces has \d labels but the observation has 4 entries"):
        ngym.plot_env(wrapped(), num_steps=10, ob_traces=bad)


@pytest.mark.parametrize("bad", ["Fixation", 4, ["fix", "s1", "s2", 3]])
def test_ob_traces_not_a_list_of_labels(bad):
    with pytest.raises(TypeError, match="ob_traces"):
        ngym.plot_env(wrapped(), num_steps=10, ob_traces=bad)


def test_ob_traces_as_an_array_of_names():
    names = np.array(["Fixation cue", "Stim 1", "Stim 2", "Previous reward"])
    fig = ngym.plot_env(wrapped(), num_steps=10, ob_traces=names, seed=0)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[:3] == ["Fixation cue", "Stim 1", "Stim 2"]


def test_plot_rollout_at_neurogyms_utils_location():
    rollout = ngym.run_env(wrapped(), num_steps=10, seed=0)
    assert ngym.utils.plot_rollout(rollout).axes


def test_def_act_outside_action_space():
    with pytest.raises(ValueError, match="def_act"):
        ngym.plot_env(wrapped(), num_steps=10, def_act=5)


def test_vec_env_needs_exactly_one_env():
    with pytest.raises(ValueError, match="exactly one"):
        ngym.run_env(DummyVecEnv([wrapped, wrapped]), num_steps=5)


def test_run_env_rejects_other_objects():
    with pytest.raises(TypeError, match="gymnasium Env"):
        ngym.run_env(object(), num_steps=5)


def test_recurrent_model_on_vec_env_like_the_seed(lstm_model):
    env = PassReward(gym.make("PerceptualDecisionMaking-v0", dt=100, timing=SEED_TIMING))
    venv = DummyVecEnv([lambda: env])
    fig = ngym.utils.plot_env(venv, fig_kwargs={"figsize": (12, 12)}, num_steps=100, ob_traces=TRACES,
                              model=lstm_model, seed=1)
    assert "RecurrentPPO (LSTM state carried across trials) trained agent" in fig._suptitle.get_text()
    rollout = ngym.run_env(venv, num_steps=100, model=lstm_model, seed=1)
    assert rollout.hidden.shape == (100, 64) and rollout.cell.shape == (100, 64)
    assert rollout.accuracy > 0.6  # the shipped agent is far above chance even on ~10 trials


def test_rollout_same_on_plain_and_vec_env(lstm_model):
    a = ngym.run_env(make_pretrained_env(), num_trials=20, model=lstm_model, seed=3)
    b = ngym.run_env(DummyVecEnv([make_pretrained_env]), num_trials=20, model=lstm_model, seed=3)
    assert np.array_equal(a.actions, b.actions) and np.allclose(a.hidden, b.hidden)
    assert a.trials == b.trials


def test_lstm_state_carried_vs_reset(lstm_model):
    carried = ngym.run_env(make_pretrained_env(), num_trials=30, model=lstm_model, seed=4)
    reset = ngym.run_env(make_pretrained_env(), num_trials=30, model=lstm_model, seed=4,
                         reset_state_each_trial=True)
    # the first trial is identical; afterwards the hidden state at a trial's start differs
    first = carried.trial_steps(0)
    assert np.allclose(carried.hidden[first], reset.hidden[first])
    start = carried.trial_ends[0] + 1
    assert not np.allclose(carried.hidden[start], reset.hidden[start])


def test_non_recurrent_model():
    env = wrapped()
    model = PPO("MlpPolicy", env, n_steps=64, batch_size=32, seed=0, device="cpu")
    fig = ngym.plot_env(env, num_steps=30, model=model, seed=0)
    assert "PPO trained agent" in fig._suptitle.get_text()
    assert ngym.run_env(env, num_steps=30, model=model, seed=0).hidden is None


def test_rollout_records_everything_consistently():
    r = ngym.run_env(wrapped(), num_steps=200, seed=5)
    assert r.obs.shape == (200, 4) and r.obs.dtype == np.float32
    assert r.actions.shape == r.gt.shape == r.rewards.shape == r.new_trial.shape == (200,)
    assert len(r.periods) == 200 and r.num_trials == len(r.trials) == r.new_trial.sum()
    # correct trials are exactly those rewarded with +1 at their end
    assert np.array_equal(r.performance, (r.rewards[r.trial_ends] == 1.0).astype(int))
    # the reward input at step t+1 is the reward of step t
    assert np.allclose(r.obs[1:, 3], r.rewards[:-1])
    assert set(r.trials[0]) >= {"coh", "ground_truth"}
    assert r.trial_index[-1] == r.num_trials or r.new_trial[-1]


def test_run_env_seed_reproducible():
    a, b = (ngym.run_env(wrapped(), num_steps=100, seed=9) for _ in range(2))
    assert np.array_equal(a.obs, b.obs) and np.array_equal(a.actions, b.actions)


def test_import_does_not_touch_matplotlib_settings():
    code = (
        "import matplotlib as mpl; before = dict(mpl.rcParams); import neurogym_lite, neurogym_lite.tasks.plotting, neurogym_lite.behaviour.plotting, neurogym_lite.neural.plotting; "
        "import neurogym_lite.tasks.explorer; after = dict(mpl.rcParams); "
        "changed = [k for k in before if before[k] != after[k]]; print(changed); assert not changed"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_plotting_does_not_touch_matplotlib_settings():
    before = dict(plt.rcParams)
    ngym.plot_env(wrapped(), num_steps=20, seed=0)
    assert dict(plt.rcParams) == before


def test_aborted_trials_have_their_own_mark():
    env = PassReward(gym.make("PerceptualDecisionMaking-v0", dt=100, timing=SEED_TIMING, abort=True,
                              enforce_fixation=True))
    fig = ngym.plot_env(env, num_steps=50, seed=0)
    rew_ax = fig.axes[2]
    aborts = [line for line in rew_ax.get_lines() if line.get_label() == "trial aborted"]
    rollout = ngym.run_env(env, num_steps=50, seed=0)
    assert aborts and len(aborts[0].get_xdata()) == rollout.num_trials  # a random agent aborts every trial


def test_log_coherence_axis_breaks_before_zero():
    from neurogym_lite.behaviour.plotting import coherence_x, log_coherence_axis

    cohs = [0, 3.2, 6.4, 12.8, 25.6, 51.2]
    x = coherence_x(cohs)
    assert x[0] == 1.6 and np.array_equal(x[1:], cohs[1:])
    fig, ax = plt.subplots()
    ax.plot(x, np.linspace(0.5, 1, 6), "o")
    log_coherence_axis(ax, cohs)
    assert ax.get_xscale() == "log" and [t.get_text() for t in ax.get_xticklabels()][:2] == ["0", "3.2"]
    breaks = [line for line in ax.get_lines() if line.get_label() == "_axis_break"]
    assert len(breaks) == 2 and all(1.6 < line.get_xdata()[0] < 3.2 for line in breaks)
    fig2, ax2 = plt.subplots()
    log_coherence_axis(ax2, [3.2, 6.4])  # no 0 %: no break
    assert not [line for line in ax2.get_lines() if line.get_label() == "_axis_break"]
    with pytest.raises(ValueError, match="cohs"):
        coherence_x([-1, 0])


def test_reward_ticks_name_each_value_once():
    from neurogym_lite.tasks.plotting import _reward_ticks

    ticks, labels = _reward_ticks(np.array([np.float32(-0.1), 0.0, 1.0]), {"abort": -0.1, "correct": 1.0, "fail": 0.0})
    assert labels == ["abort -0.1", "fail 0", "correct +1"] and ticks == [-0.1, 0.0, 1.0]
    # values too close to tell apart share a tick, each name once
    ticks, labels = _reward_ticks(np.array([np.float32(-0.1), -2.0]), {"abort": -0.1, "correct": 1.0, "fail": -2.0})
    assert labels == ["fail -2", "0 / abort -0.1", "correct +1"] and ticks == [-2.0, 0.0, 1.0]


# --- the analysis figures of notebooks 2, 4 and 5 -------------------------------------------------



def _observer(n_per=200, sigma=8.0, seed=0):
    """Simulated choices of a probit observer (no bias, no lapse) and their per-frame evidence."""
    rng = np.random.default_rng(seed)
    levels = np.array([-25.6, -6.4, -3.2, 0.0, 3.2, 6.4, 25.6])
    signed = np.repeat(levels, n_per)
    evidence = signed[:, None] / 100 + rng.normal(0, sigma / 100 * np.sqrt(5 / 2), (signed.size, 5))
    chose_1 = evidence.sum(axis=1) > 0
    return signed, chose_1, evidence


def test_plot_psychometric_draws_agent_fit_ideal_and_unseen():
    signed, chose_1, _ = _observer()
    fit = fit_psychometric(signed, chose_1, n_boot=0)
    fig, ax = plt.subplots()
    assert plot_psychometric(ax, fit, sigma_ideal=8.0, unseen=[3.2], xlim=14) is ax
    _, labels = ax.get_legend_handles_labels()
    assert labels[0] == "ideal observer" and labels[1].startswith("agent fit: bias")
    assert "agent (95 % Wilson CI)" in labels and "coherences never seen in training" in labels
    assert ax.get_ylabel() == "P(choice 1)" and "signed motion coherence" in ax.get_xlabel()
    assert ax.get_xlim() == pytest.approx((-14.7, 14.7))
    # the open circles sit at the two unseen signed coherences, on the agent's proportions
    unseen = next(line for line in ax.get_lines() if line.get_label() == "coherences never seen in training")
    assert sorted(unseen.get_xdata()) == [-3.2, 3.2]
    for x, y in zip(unseen.get_xdata(), unseen.get_ydata(), strict=True):
        assert y == pytest.approx(chose_1[signed == x].mean())
    plt.close(fig)
    # without an ideal observer or unseen coherences, neither appears
    fig, ax = plt.subplots()
    plot_psychometric(ax, fit)
    _, labels = ax.get_legend_handles_labels()
    assert "ideal observer" not in labels and "coherences never seen in training" not in labels
    plt.close(fig)


def test_plot_efficiency_by_coherence_leaves_out_unmeasurable_coherences():
    per_coh = {3.2: (0.9, 0.7, 1.1), 6.4: (1.05, 0.9, 1.2), 25.6: (float("nan"),) * 3}
    overall = Efficiency(1.0, (0.95, 1.05), 1.0, (0.97, 1.03))
    fig, ax = plt.subplots()
    plot_efficiency_by_coherence(ax, per_coh, overall=overall)
    _, labels = ax.get_legend_handles_labels()
    assert set(labels) == {"from the fitted slope: 1.00", "ideal observer", "agent, per coherence (95 % CI)"}
    points = ax.containers[0]
    assert list(points.lines[0].get_xdata()) == [3.2, 6.4]  # 25.6 % (NaN) is left out
    assert list(points.lines[0].get_ydata()) == [0.9, 1.05]
    assert "efficiency" in ax.get_ylabel() and ax.get_xscale() == "log"
    plt.close(fig)
    with pytest.raises(ValueError, match="measurable"):
        plot_efficiency_by_coherence(plt.subplots()[1], {25.6: (float("nan"),) * 3})
    plt.close("all")


def test_plot_kernel_weights_and_flat_line():
    signed, chose_1, evidence = _observer(n_per=400)
    kernel = psychophysical_kernel(evidence, chose_1, signed_coh=signed)
    frame_ms = 100 * (np.arange(5) + 0.5)
    fig, ax = plt.subplots()
    plot_kernel(ax, kernel, frame_ms)
    weights = ax.containers[0].lines[0]
    assert np.allclose(weights.get_xdata(), frame_ms) and np.allclose(weights.get_ydata(), kernel.weights)
    flat = next(line for line in ax.get_lines() if line.get_label().startswith("flat kernel"))
    assert np.allclose(flat.get_ydata(), kernel.weights.mean())
    assert "weight on choice 1" in ax.get_ylabel() and "stimulus onset" in ax.get_xlabel()
    with pytest.raises(ValueError, match="frame_ms"):
        plot_kernel(ax, kernel, frame_ms[:3])
    plt.close(fig)


def test_plot_choice_history_points_intervals_and_expected():
    choice = np.array([1, 1, 2, 2, 1, 2, 1, 1, 2, 1] * 30)
    correct = np.array([1, 0, 1, 1, 0, 1, 1, 0, 1, 1] * 30, dtype=bool)
    history = choice_history(choice, correct)
    fig, ax = plt.subplots()
    plot_choice_history(ax, history, label="agent A", color="C1", offset=0.1)
    _, labels = ax.get_legend_handles_labels()
    assert labels.count("agent A") == 1 and labels.count("no history effect") == 1
    points = [c.lines[0] for c in ax.containers]
    assert [float(p.get_xdata()[0]) for p in points] == pytest.approx([0.1, 1.1])
    assert [float(p.get_ydata()[0]) for p in points] == pytest.approx([history.after["correct"][0],
                                                                       history.after["error"][0]])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["after correct", "after error"]
    assert ax.get_ylabel() == "P(repeat previous choice)"
    plt.close(fig)
    fig, ax = plt.subplots()
    plot_choice_history(ax, history, expected=False)
    assert "no history effect" not in ax.get_legend_handles_labels()[1]
    plt.close(fig)


def test_signed_coherence_colors():
    colors = signed_coherence_colors([-51.2, -6.4, 0, 6.4, 51.2])
    assert colors[0.0] == "black"
    blue, red = colors[51.2], colors[-51.2]
    assert blue[2] > blue[0] and red[0] > red[2]  # blue towards choice 1, red towards choice 2
    assert sum(colors[51.2][:3]) < sum(colors[6.4][:3])  # stronger motion is darker


def test_plot_decoding_by_coherence_lines_and_chance():
    t = np.array([-100, 0, 100])
    acc = {0.0: np.array([0.5, 0.55, 0.7]), 51.2: np.array([0.5, 0.9, 1.0])}
    chance = {0.0: 0.52, 51.2: 0.5}
    fig, ax = plt.subplots()
    colors = plot_decoding_by_coherence(ax, t, acc, chance, overall=np.array([0.5, 0.7, 0.85]))
    assert set(colors) == {0.0, 51.2}
    _, labels = ax.get_legend_handles_labels()
    assert labels[:3] == ["0 %", "51.2 %", "all trials"]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert np.allclose(lines["51.2 %"].get_ydata(), acc[51.2])
    dotted = [line for line in ax.get_lines() if line.get_linestyle() == ":" and len(line.get_ydata()) == 2]
    assert sorted(float(line.get_ydata()[0]) for line in dotted) == [0.5, 0.52]
    assert "decoding the upcoming choice" in ax.get_ylabel()
    with pytest.raises(ValueError, match="chance_by_coh"):
        plot_decoding_by_coherence(ax, t, acc, {0.0: 0.5})
    plt.close(fig)


def test_plot_state_space_marks_start_and_end():
    means = {-6.4: np.array([[0, 0], [1, -1], [2, -3.0]]), 6.4: np.array([[0, 0], [1, 1], [2, 3.0]])}
    colors = {-6.4: "red", 6.4: "blue"}
    fig, ax = plt.subplots()
    plot_state_space(ax, means, colors, start=1)
    lines = ax.get_lines()
    assert len(lines) == 6  # a trajectory, a circle and a square per condition
    circles = [line for line in lines if line.get_marker() == "o"]
    squares = [line for line in lines if line.get_marker() == "s"]
    assert [(float(c.get_xdata()[0]), float(c.get_ydata()[0])) for c in circles] == [(1, -1), (1, 1)]
    assert [(float(q.get_xdata()[0]), float(q.get_ydata()[0])) for q in squares] == [(2, -3), (2, 3)]
    assert [c.get_color() for c in circles] == ["red", "blue"]
    with pytest.raises(ValueError, match="time, >= 2"):
        plot_state_space(ax, {0: np.zeros(3)}, {0: "k"})
    plt.close(fig)


def test_plot_time_courses_one_named_line_per_condition():
    t = np.array([0, 100, 200])
    traces = {0.0: np.array([0, 0.1, 0.2]), 51.2: np.array([0, 0.5, 1.0])}
    fig, ax = plt.subplots()
    plot_time_courses(ax, t, traces, {0.0: "k", 51.2: "b"}, {0.0: "0 %", 51.2: "+51.2 %"}, ylabel="PC1")
    _, labels = ax.get_legend_handles_labels()
    assert labels == ["0 %", "+51.2 %"]
    assert np.allclose(ax.get_lines()[1].get_ydata(), traces[51.2])
    assert ax.get_ylabel() == "PC1" and ax.get_xlabel() == "time from dots onset (ms)"
    with pytest.raises(ValueError, match="one value per time"):
        plot_time_courses(ax, t, {1: np.zeros(2)}, {1: "k"})
    plt.close(fig)


def test_plot_unit_by_choice_and_coherence_styles_and_minimum_trials():
    t = np.array([0, 100])
    unit_means = {"1|0": np.array([[0.0, 1], [0.1, 2]]), "2|0": np.array([[0.0, 3], [-0.1, 4]]),
                  "1|51.2": np.array([[0.0, 5], [0.9, 6]]), "2|51.2": np.array([[0.0, 7], [-0.9, 8]])}
    counts = {"1|0": 10, "2|0": 10, "1|51.2": 10, "2|51.2": 2}
    fig, ax = plt.subplots()
    plot_unit_by_choice_and_coherence(ax, t, unit_means, 1, {0.0: "k", 51.2: "b"}, counts, min_trials=5)
    lines = ax.get_lines()
    assert len(lines) == 3  # "2|51.2" has too few trials
    assert [line.get_linestyle() for line in lines] == ["-", "--", "-"]
    assert [line.get_color() for line in lines] == ["k", "k", "b"]
    assert np.allclose(lines[2].get_ydata(), [5, 6])  # column `unit` of the condition's mean
    assert ax.get_xlabel() == "time from dots onset (ms)"
    plt.close(fig)


def test_a_rollout_prints_a_short_summary_not_its_arrays():
    r = ngym.run_env(wrapped(), num_trials=20, seed=0)
    text = str(r)
    assert text == r.summary() and repr(r) == f"<{text}>"
    assert len(text.splitlines()) < 10 and "20 trials" in text and "fixation, stimulus_1" in text
    assert f"{int(r.performance.sum())} of 20" in text


def test_one_colour_per_coherence_shared_by_every_figure():
    from neurogym_lite.behaviour.plotting import coherence_colors

    colors = coherence_colors([51.2, 0, 3.2, 0.0, 12.8])
    assert list(colors) == [0.0, 3.2, 12.8, 51.2] and len(set(colors.values())) == 4
    assert colors == coherence_colors([0, 3.2, 12.8, 51.2])  # the same levels, the same colours
    with pytest.raises(ValueError, match="signed_coherence_colors"):
        coherence_colors([-3.2, 3.2])
