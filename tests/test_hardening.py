"""Bad input from a hostile (or hurried) user: one test per class of input (issue 11).

Every refusal is a TypeError (wrong type) or ValueError (out of range) naming the argument, raised
before anything is allocated or changed; limits name themselves and how to raise them.
"""

import math
import time
import tracemalloc
import warnings

import gymnasium as gym
import numpy as np
import pytest
import torch
from gymnasium.utils.env_checker import check_env as gym_check_env
from gymnasium.wrappers import TransformReward
from stable_baselines3.common.vec_env import DummyVecEnv

import neurogym_lite as ngym
from neurogym_lite.agents.callbacks import TrialAccuracyCallback
from neurogym_lite.agents.evaluation import evaluate
from neurogym_lite.agents.recipe import SEED_TIMING, make_vec_env
from neurogym_lite.behaviour.ideal_observer import ideal_observer, ideal_observer_accuracy
from neurogym_lite.behaviour.psychometric import fit_psychometric
from neurogym_lite.behaviour.stats import binomial_ci, group_stats
from neurogym_lite.neural.states import align_states
from neurogym_lite.tasks import PerceptualDecisionMaking, PerceptualDecisionMakingRT
from neurogym_lite.tasks import timing as timing_mod
from neurogym_lite.tasks.explorer import draw_trial
from neurogym_lite.tasks.rollout import Rollout, run_env
from neurogym_lite.tasks.timing import parse_timing
from neurogym_lite.wrappers import PassReward

NAN, INF = math.nan, math.inf
TASKS = [PerceptualDecisionMaking, PerceptualDecisionMakingRT]


def refused_quickly(fn, exc, match, *, max_mb=50, max_s=5.0):
    """``fn()`` raises ``exc`` matching ``match`` without allocating more than ``max_mb`` MB."""
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(exc, match=match) as err:
            fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < max_mb * 2**20, f"{peak / 2**20:.0f} MB allocated before refusing"
    assert time.perf_counter() - t0 < max_s
    return err


# ------------------------------------------------------------------ timing specs
@pytest.mark.parametrize(
    ("spec", "exc", "match"),
    [
        (("uniform", (300, NAN)), ValueError, "finite"),
        (("uniform", (300, INF)), ValueError, "finite"),
        (("uniform", (NAN, 300)), ValueError, "finite"),
        (("truncated_exponential", (NAN, 100, 500)), ValueError, "finite"),
        (("truncated_exponential", (INF, 100, 500)), ValueError, "finite"),
        (("truncated_exponential", (300, INF, INF)), ValueError, "finite"),
        (("constant", INF), ValueError, "finite"),
        (("choice", [100, NAN]), ValueError, "finite"),
        (NAN, ValueError, "finite"),
        (lambda a, b: 300, TypeError, "no argument or one"),
        (lambda *, rng: 300, TypeError, "no argument or one"),
        (1e12, ValueError, "MAX_STEPS_PER_TRIAL"),
        (("uniform", (100, 1e12)), ValueError, "MAX_STEPS_PER_TRIAL"),
        (("choice", [100, 1e12]), ValueError, "MAX_STEPS_PER_TRIAL"),
        (("truncated_exponential", (1e12, 100)), ValueError, "MAX_STEPS_PER_TRIAL"),
    ],
)
def test_bad_timing_numbers_are_refused_at_parse_naming_the_period(spec, exc, match):
    err = refused_quickly(lambda: PerceptualDecisionMaking(timing={"stimulus": spec}), exc, match)
    assert "timing['stimulus']" in str(err.value)


@pytest.mark.parametrize("dt", [1e-6, 1e-3])
def test_tiny_dt_is_refused_by_the_steps_limit_without_allocating(dt):
    err = refused_quickly(lambda: PerceptualDecisionMaking(dt=dt), ValueError, "MAX_STEPS_PER_TRIAL")
    assert "neurogym_lite.tasks.timing.MAX_STEPS_PER_TRIAL" in str(err.value)  # says how to raise it


@pytest.mark.parametrize("returned", [1e12, 10**15])
def test_callable_duration_over_the_limit_is_refused_at_draw(returned):
    env = PerceptualDecisionMaking(timing={"stimulus": lambda: returned})
    refused_quickly(lambda: env.reset(seed=0), ValueError, "timing\\['stimulus'\\].*MAX_STEPS_PER_TRIAL")


def test_steps_limit_counts_the_whole_trial_and_can_be_raised(monkeypatch):
    # each period fits, the trial does not
    timing = {"fixation": 60_000, "stimulus": 60_000}
    with pytest.raises(ValueError, match="longest trial.*MAX_STEPS_PER_TRIAL"):
        PerceptualDecisionMakingRT(dt=1, timing=timing)
    monkeypatch.setattr(timing_mod, "MAX_STEPS_PER_TRIAL", 200_000)
    env = PerceptualDecisionMakingRT(dt=1, timing=timing)
    env.reset(seed=0)
    assert env.ob.shape[0] == 120_000


@pytest.mark.parametrize(
    ("mean", "lo", "hi"),
    [(100, 3000, INF), (100, 3600, INF), (100, 3700, INF), (100, 50_000, INF), (10, 5000, 5100), (100, 0, 300)],
)
def test_truncated_exponential_is_exact_in_the_far_tail(mean, lo, hi):
    # lo / mean from 0 to 500: the old inverse CDF failed ("math domain error") from lo/mean = 30
    t = parse_timing("stimulus", ("truncated_exponential", (mean, lo, hi)), dt=1)
    rng = np.random.default_rng(0)
    ms = np.array([t.sample(rng) for _ in range(4000)], dtype=float)
    assert ms.min() >= lo and ms.max() <= hi
    if math.isinf(hi):  # memoryless: lo + an exponential of the same mean (rounding to dt=1 adds nothing)
        assert ms.mean() == pytest.approx(lo + mean, abs=4 * mean / math.sqrt(ms.size) + 0.5)
    else:
        w = hi - lo
        expected = lo + mean - w * math.exp(-w / mean) / (1 - math.exp(-w / mean))
        assert ms.mean() == pytest.approx(expected, abs=4 * mean / math.sqrt(ms.size) + 0.5)


def test_issue_spec_runs_2000_seeds():
    env = PerceptualDecisionMaking(timing={"stimulus": ("truncated_exponential", (100, 3000))})
    for seed in range(2000):
        env.reset(seed=seed)
        assert env.end_t["stimulus"] - env.start_t["stimulus"] >= 3000


# ------------------------------------------------------------------ task arguments
@pytest.mark.parametrize(
    ("kwargs", "exc", "name"),
    [
        ({"cohs": "50"}, TypeError, "cohs"),
        ({"cohs": [True, False]}, TypeError, "cohs"),
        ({"cohs": {50, 10}}, TypeError, "cohs"),
        ({"cohs": 50}, TypeError, "cohs"),
        ({"cohs": [50, "10"]}, TypeError, "cohs"),
        ({"cohs": [150]}, ValueError, "cohs"),
        ({"cohs": [NAN]}, ValueError, "cohs"),
        ({"sigma": 1e40}, ValueError, "MAX_SIGMA"),
        ({"sigma": NAN}, ValueError, "sigma"),
        ({"sigma": True}, TypeError, "sigma"),
        ({"dim_ring": 10**9}, ValueError, "MAX_DIM_RING"),
        ({"dim_ring": np.int64(129)}, ValueError, "MAX_DIM_RING"),
        ({"rewards": {"correct": 1e300}}, ValueError, "MAX_ABS_REWARD"),
        ({"rewards": {"correct": NAN}}, ValueError, r"rewards\['correct'\]"),
        ({"rewards": {"fail": INF}}, ValueError, r"rewards\['fail'\]"),
        ({"rewards": {"correct": True}}, TypeError, r"rewards\['correct'\]"),
        ({"dt": 10**400}, ValueError, "dt"),
        ({"dt": True}, TypeError, "dt"),
        ({"dt": NAN}, ValueError, "dt"),
    ],
)
@pytest.mark.parametrize("task", TASKS)
def test_bad_task_arguments_name_the_argument(task, kwargs, exc, name):
    refused_quickly(lambda: task(**kwargs), exc, name)


def test_noise_too_large_for_float32_at_a_tiny_dt_is_refused():
    tiny = 1e-70
    with pytest.raises(ValueError, match="sigma.*float32"):
        PerceptualDecisionMaking(sigma=1e6, dt=tiny, timing={"fixation": tiny, "stimulus": tiny, "decision": tiny})


BAD_TRIALS = [
    ({"coh": True}, TypeError, "coh"),
    ({"coh": "50"}, TypeError, "coh"),
    ({"coh": 150}, ValueError, "coh"),
    ({"coh": -10}, ValueError, "coh"),
    ({"coh": NAN}, ValueError, "coh"),
    ({"coh": 500}, ValueError, "coh"),
    ({"ground_truth": "1"}, TypeError, "ground_truth"),
    ({"ground_truth": 0.7}, TypeError, "ground_truth"),
    ({"ground_truth": True}, TypeError, "ground_truth"),
    ({"ground_truth": 2}, ValueError, "ground_truth"),
    ({"ground_truth": 0, "coh": "x"}, TypeError, "coh"),
    ({"direction": 1}, ValueError, "unknown trial parameter"),
]


def _run(env, n=40):
    out = []
    for t in range(n):
        ob, r, *_ , info = env.step(t % 3)
        out.append((ob.tobytes(), r, info["new_trial"]))
    return out


@pytest.mark.parametrize(("trial", "exc", "name"), BAD_TRIALS)
@pytest.mark.parametrize("task", TASKS)
def test_refused_trial_parameters_leave_the_running_trial_intact(task, trial, exc, name):
    env, twin = task(), task()
    for e in (env, twin):
        e.reset(seed=3)
        e.step(0)
    with pytest.raises(exc, match=name):
        env.new_trial(**trial)
    with pytest.raises(exc, match=name):
        env.reset(seed=99, options={"trial": trial})
    # the refused calls changed nothing: same steps, same trials, same random draws as the twin
    assert _run(env) == _run(twin)


@pytest.mark.parametrize(("options", "exc"), [(["trial"], TypeError), ({"trial": None}, TypeError),
                                              ({"trial": "coh"}, TypeError), ({"seed": 1}, ValueError)])
def test_bad_reset_options_are_refused_before_anything_changes(options, exc):
    env, twin = PerceptualDecisionMaking(), PerceptualDecisionMaking()
    for e in (env, twin):
        e.reset(seed=1)
    with pytest.raises(exc, match="options"):
        env.reset(seed=5, options=options)
    assert _run(env) == _run(twin)


@pytest.mark.parametrize("attr", ["period_now", "gt_now", "ob_now", "ob", "gt"])
@pytest.mark.parametrize("task", TASKS)
def test_trial_state_before_reset_is_a_clear_error(task, attr):
    with pytest.raises(RuntimeError, match="reset"):
        getattr(task(), attr)
    with pytest.raises(RuntimeError, match="reset"):
        task().in_period("stimulus")


@pytest.mark.parametrize("task", TASKS)
def test_returned_observations_are_not_views_of_the_trial(task):
    env = task()
    ob, _ = env.reset(seed=0)
    before = env.ob.copy()
    ob[:] = 99
    ob, *_ = env.step(0)  # still the first trial
    ob[:] = -99
    assert np.array_equal(env.ob, before)
    assert not np.shares_memory(ob, env.ob)


# ------------------------------------------------------------------ evaluation and training helpers
class NoPredict:
    pass


def make_env():
    return ngym.make_env("PerceptualDecisionMaking-v0", timing=SEED_TIMING)


@pytest.mark.parametrize(
    ("model", "env_fn", "kwargs", "exc", "name"),
    [
        (None, make_env, {"n_envs": 2.7}, TypeError, "n_envs"),
        (None, make_env, {"n_envs": "4"}, TypeError, "n_envs"),
        (None, make_env, {"n_envs": 0}, ValueError, "n_envs"),
        (None, make_env, {"n_envs": -4}, ValueError, "n_envs"),
        (None, make_env, {"num_trials": 2.5}, TypeError, "num_trials"),
        (None, make_env, {"num_trials": 0}, ValueError, "num_trials"),
        (None, make_env, {"deterministic": "no"}, TypeError, "deterministic"),
        (None, make_env, {"seed": 1.5}, TypeError, "seed"),
        (NoPredict(), make_env, {}, TypeError, "predict"),
        (None, lambda: "env", {}, TypeError, "make_env"),
        (None, "PerceptualDecisionMaking-v0", {}, TypeError, "make_env"),
    ],
)
def test_evaluate_bad_arguments(model, env_fn, kwargs, exc, name):
    from tests.test_evaluation import Integrator

    with pytest.raises(exc, match=name):
        evaluate(model or Integrator(), env_fn, **{"num_trials": 10, **kwargs})


def test_sampled_evaluation_is_reproducible_and_leaves_torch_as_it_was():
    from neurogym_lite.agents.pretrained import load_pretrained, make_pretrained_env

    model = load_pretrained()
    torch.manual_seed(123)
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        rng_before = torch.random.get_rng_state()
        a = evaluate(model, make_pretrained_env, 100, deterministic=False, seed=4, n_envs=4)
        assert torch.equal(torch.random.get_rng_state(), rng_before)  # caller's RNG untouched
        assert torch.get_num_threads() == 2  # caller's thread setting restored
        b = evaluate(model, make_pretrained_env, 100, deterministic=False, seed=4, n_envs=4)
        c = evaluate(model, make_pretrained_env, 100, deterministic=False, seed=5, n_envs=4)
    finally:
        torch.set_num_threads(threads)
    assert np.array_equal(a.performance, b.performance) and np.array_equal(a.choices, b.choices)
    assert a.trials == b.trials
    assert a.trials != c.trials  # another seed, other trials


@pytest.mark.parametrize(
    ("kwargs", "exc", "name"),
    [
        ({"cohs": [12.8], "stim_duration": []}, ValueError, "stim_duration"),
        ({"cohs": [12.8], "stim_duration": [NAN]}, ValueError, "stim_duration"),
        ({"cohs": [12.8], "stim_duration": 10, "dt": 100}, ValueError, "stim_duration"),
        ({"cohs": [12.8], "sigma": NAN}, ValueError, "sigma"),
        ({"cohs": [12.8], "sigma": "1"}, TypeError, "sigma"),
        ({"cohs": [NAN]}, ValueError, "cohs"),
        ({"cohs": 150}, ValueError, "cohs"),
        ({"cohs": -10}, ValueError, "cohs"),
        ({"cohs": "50"}, TypeError, "cohs"),
        ({"cohs": [True]}, TypeError, "cohs"),
        ({"cohs": 5, "dt": True}, TypeError, "dt"),
        ({"cohs": 5, "dt": NAN}, ValueError, "dt"),
        ({"cohs": 5, "dim_ring": 2.5}, TypeError, "dim_ring"),
        ({"cohs": 5, "dim_ring": 1}, ValueError, "dim_ring"),
        ({"cohs": 5, "dim_ring": 10**6}, ValueError, "MAX_DIM_RING"),
        ({"cohs": 5, "dim_ring": 3, "n_samples": 0}, ValueError, "n_samples"),
        ({"cohs": 5, "dim_ring": 3, "n_samples": 1e5}, TypeError, "n_samples"),
        ({"cohs": [5] * 50, "dim_ring": 100, "n_samples": 10**7}, ValueError, "MAX_MONTE_CARLO_WORK"),
    ],
)
def test_ideal_observer_accuracy_bad_arguments(kwargs, exc, name):
    refused_quickly(lambda: ideal_observer_accuracy(**kwargs), exc, name)


def test_ideal_observer_bad_arguments_and_bounded_work():
    with pytest.raises(ValueError, match="n_duration_samples"):
        ideal_observer(PerceptualDecisionMaking(timing={"stimulus": ("uniform", (300, 900))}), n_duration_samples=0)
    with pytest.raises(TypeError, match="env"):
        ideal_observer("PerceptualDecisionMaking-v0")
    # many directions and many distinct durations: refused, naming the limit, instead of minutes of work
    env = PerceptualDecisionMaking(dim_ring=128, timing={"stimulus": ("uniform", (300, 20_000))})
    refused_quickly(lambda: ideal_observer(env), ValueError, "MAX_MONTE_CARLO_WORK")


def test_monte_carlo_is_chunked_and_matches_the_closed_form():
    # 2 directions through the Monte Carlo path (dim_ring=2 has a closed form to compare with),
    # with more draws than one chunk holds
    from neurogym_lite.behaviour.ideal_observer import _ring_accuracy_table

    cohs = np.array([0, 6.4, 25.6])
    steps = np.array([5, 10])
    table = _ring_accuracy_table(cohs, 0.1, steps, 2, 1_200_000, 0)
    for k, n in enumerate(steps):
        expected = ideal_observer_accuracy(cohs, stim_duration=n * 100)
        assert table[k] == pytest.approx(expected, abs=0.003)


@pytest.mark.parametrize(
    ("kwargs", "exc", "name"),
    [({"log_every": 1.5}, TypeError, "log_every"), ({"log_every": "10"}, TypeError, "log_every"),
     ({"log_every": None}, TypeError, "log_every"), ({"log_every": 0}, ValueError, "log_every"),
     ({"window": NAN}, TypeError, "window"), ({"window": 0}, ValueError, "window"),
     ({"window": True}, TypeError, "window")],
)
def test_callback_bad_arguments(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        TrialAccuracyCallback(**kwargs)


@pytest.mark.parametrize(("n_envs", "exc"), [(0, ValueError), (-1, ValueError), (2.0, TypeError), ("2", TypeError)])
def test_make_vec_env_bad_n_envs(n_envs, exc):
    with pytest.raises(exc, match="n_envs"):
        make_vec_env(make_env, n_envs=n_envs)


# ------------------------------------------------------------------ PassReward bounds
def _steps_inside_space(env, n=3000):
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    for a in rng.integers(0, env.action_space.n, n):
        ob, *_ = env.step(int(a))
        assert ob.dtype == np.float32 and ob in env.observation_space, ob
    assert np.all(np.isfinite(env.observation_space.low)) and np.all(np.isfinite(env.observation_space.high))


@pytest.mark.parametrize("scale", [10.0, -1e3, 1e300])
def test_pass_reward_over_a_reward_wrapper_stays_inside_its_space(scale):
    base = gym.make("PerceptualDecisionMaking-v0", timing=SEED_TIMING)
    env = PassReward(TransformReward(base, lambda r, s=scale: s * r))
    _steps_inside_space(env)
    assert env.observation_space.high[-1] == np.finfo(np.float32).max  # nothing known about the rewards


def test_pass_reward_declared_bounds_and_checkers():
    base = gym.make("PerceptualDecisionMaking-v0", timing=SEED_TIMING)
    env = PassReward(TransformReward(base, lambda r: 10 * r), reward_bounds=(-1, 10))
    assert env.observation_space.low[-1] <= -1 and env.observation_space.high[-1] >= 10
    _steps_inside_space(env)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", message="(?s).*different from the unwrapped version")
        gym_check_env(env)
    # bounds declared too narrow: the entry is clipped (inside the space) and the user is told once
    narrow = PassReward(TransformReward(gym.make("PerceptualDecisionMaking-v0", timing=SEED_TIMING),
                                        lambda r: 10 * r), reward_bounds=(-1, 1))
    with pytest.warns(RuntimeWarning, match="outside the declared reward bounds"):
        _steps_inside_space(narrow)


@pytest.mark.parametrize(("bounds", "exc"), [((1, 0), ValueError), ((NAN, 1), ValueError), ("01", TypeError),
                                             ((0,), TypeError), ((0, "1"), TypeError)])
def test_pass_reward_bad_bounds(bounds, exc):
    with pytest.raises(exc, match="reward_bounds"):
        PassReward(gym.make("PerceptualDecisionMaking-v0"), reward_bounds=bounds)


@pytest.mark.parametrize("task_id", ["PerceptualDecisionMaking-v0", "PerceptualDecisionMakingRT-v0"])
def test_pass_reward_takes_the_task_bounds_when_nothing_changes_rewards(task_id):
    env = PassReward(gym.make(task_id, rewards={"correct": 1e6, "fail": -1e6}))
    lo, hi = env.unwrapped.reward_bounds
    assert env.observation_space.low[-1] <= lo and env.observation_space.high[-1] >= hi
    assert env.observation_space.high[-1] < 1.0001e6
    _steps_inside_space(env, 1000)


# ------------------------------------------------------------------ rollouts
def test_trial_starts_are_steps_of_the_rollout():
    env = PerceptualDecisionMaking(timing=SEED_TIMING)  # 11-step trials with fixed action 0
    r = run_env(env, num_steps=22, def_act=0, seed=0)
    assert list(r.trial_ends) == [10, 21]
    assert list(r.trial_starts) == [0, 11]  # the trial that would start at step 22 is not in it
    r = run_env(env, num_steps=19, def_act=0, seed=0)
    assert list(r.trial_starts) == [0, 11]
    assert np.all(r.trial_starts < r.num_steps)


def test_run_env_through_dummy_vec_env_records_exact_rewards():
    venv = DummyVecEnv([make_env])
    r_vec = run_env(venv, num_steps=300, seed=0)
    r_env = run_env(make_env(), num_steps=300, seed=0)
    assert r_vec.rewards.dtype == np.float64
    assert np.array_equal(r_vec.rewards, r_env.rewards) and -0.1 in r_vec.rewards
    assert isinstance(venv.envs[0], PassReward)  # the vec env is given back as it was


# ------------------------------------------------------------------ analysis on degenerate input
@pytest.mark.parametrize(
    ("k", "n", "exc"),
    [(NAN, 10, ValueError), (3, INF, ValueError), ("3", 10, TypeError), (True, 10, TypeError),
     (3.5, 10, ValueError), ([1, None], [2, 2], TypeError), (11, 10, ValueError), (0, 0, ValueError)],
)
def test_binomial_ci_bad_counts(k, n, exc):
    with pytest.raises(exc, match="n_correct|n_total"):
        binomial_ci(k, n)


@pytest.mark.parametrize("chose_1", [[True] * 60, [False] * 60])
def test_psychometric_fit_refuses_data_with_one_choice_only(chose_1):
    signed = np.repeat([-12.8, -3.2, 0.0, 3.2, 12.8, 25.6], 10)
    with pytest.raises(ValueError, match="one choice"):
        fit_psychometric(signed, chose_1, n_boot=0)


@pytest.mark.parametrize(
    ("groups", "exc"),
    [([0, NAN, NAN, 5], ValueError), ([0, None, 1, 5], TypeError), ([0, "a", 1, 5], TypeError),
     ([True, False, True, False], TypeError)],
)
def test_group_stats_bad_groups(groups, exc):
    with pytest.raises(exc, match="groups"):
        group_stats([1.0, 2.0, 3.0, 4.0], groups)


def test_group_stats_merges_equal_numbers_and_keeps_strings():
    assert group_stats([1.0, 3.0, 5.0], [1, 1.0, np.int64(2)])[1.0][2] == 2
    assert set(group_stats([1.0, 3.0], ["a", "b"])) == {"a", "b"}


def _fake_rollout(n=12, hidden=None, periods=None, new_trial=None, perf=None):
    new = np.zeros(n, bool) if new_trial is None else new_trial
    if new_trial is None:
        new[[5, 11]] = True
    perf = np.array([1, 0]) if perf is None else perf
    return Rollout(obs=np.zeros((n, 3), np.float32), actions=np.zeros(n, np.int64), gt=np.zeros(n, np.int64),
                   rewards=np.zeros(n), new_trial=new, performance=perf, trials=[{"coh": 0}] * len(perf),
                   agent="x", ob_names=["a", "b", "c"], act_names=["0"],
                   periods=(["fixation", "stimulus", "stimulus", "stimulus", "decision", "decision"] * 2
                            if periods is None else periods),
                   hidden=np.zeros((n, 4)) if hidden is None else hidden, cell=None)


@pytest.mark.parametrize(
    "rollout",
    [_fake_rollout(hidden=np.zeros((5, 4))), _fake_rollout(periods=["stimulus"] * 7),
     _fake_rollout(perf=np.array([1, 0, 1]))],
)
def test_align_states_on_inconsistent_rollouts_says_what_disagrees(rollout):
    with pytest.raises(ValueError, match="inconsistent rollout"):
        align_states(rollout, "stimulus")


def test_align_states_on_a_consistent_fake_rollout():
    aligned = align_states(_fake_rollout(), "stimulus")
    assert aligned.n_trials == 2 and aligned.times[0] == 0


# ------------------------------------------------------------------ explorer
@pytest.mark.parametrize(("kwargs", "exc"), [({"ground_truth": 0.5}, TypeError), ({"ground_truth": 2}, ValueError),
                                             ({"coh": True}, TypeError), ({"coh": 150}, ValueError)])
def test_draw_trial_bad_arguments(kwargs, exc):
    with pytest.raises(exc, match=next(iter(kwargs))):
        draw_trial(**kwargs)


def test_trial_explorer_passes_dt_on(monkeypatch):
    pytest.importorskip("ipywidgets")
    from neurogym_lite.tasks import explorer

    calls = []
    monkeypatch.setattr(explorer, "draw_trial", lambda **kw: calls.append(kw))
    monkeypatch.setattr("matplotlib.pyplot.show", lambda: None)
    shown = explorer.trial_explorer(dt=50, stimulus=450)
    # ipywidgets 8 draws when the widget is built, 7 when a front end displays it: redraw by hand
    shown.widget.update()
    assert calls and calls[-1]["dt"] == 50 and calls[-1]["stimulus"] == 450
    with pytest.raises(TypeError, match="unknown"):
        explorer.trial_explorer(dtt=50)


def test_pass_reward_over_recording_wrappers_keeps_the_task_bounds():
    from gymnasium.wrappers import RecordEpisodeStatistics, TimeLimit
    from stable_baselines3.common.monitor import Monitor

    for wrap in (Monitor, RecordEpisodeStatistics, lambda e: TimeLimit(e, 100)):
        env = PassReward(wrap(gym.make("PerceptualDecisionMaking-v0")))
        assert env.observation_space.high[-1] == 1.0 and env.observation_space.low[-1] == np.float32(-0.1)
