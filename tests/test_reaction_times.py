"""The reaction-time analyses of notebook 7: RT collection, summaries, response alignment, the
monkeys' data and the drift-diffusion fit (parameter recovery)."""

import numpy as np
import pytest

import neurogym_lite as ngym
from neurogym_lite.agents.recipe import RT_RECIPE, train_rt_agent
from neurogym_lite.behaviour.ddm import ddm_predictions, fit_ddm, simulate_ddm
from neurogym_lite.behaviour.monkeys import monkey_data, monkey_ddm_fits
from neurogym_lite.behaviour.reaction_times import RTData, collect_rts, rt_summary
from neurogym_lite.neural.states import align_to_response

MONKEY_COHS = [0, 3.2, 6.4, 12.8, 25.6, 51.2]


class WaitThenChoose:
    """A stand-in for a recurrent SB3 model: fixates, then chooses direction 1 after ``wait``
    stimulus frames (it reads the fixation cue, as an agent must)."""

    def __init__(self, wait):
        self.wait = wait

    def predict(self, obs, state=None, episode_start=None, deterministic=True):
        n = obs.shape[0]
        count = np.zeros(n, dtype=int) if state is None else state[0][0, :, 0].astype(int)
        count = np.where(obs[:, 0] > 0.5, 0, count + 1)  # frames since the go signal
        actions = np.where(count >= self.wait, 1, 0)
        hidden = np.zeros((1, n, 4))
        hidden[0, :, 0] = count
        return actions, (hidden, hidden)


def test_collect_rts_measures_the_reaction_time_from_stimulus_onset():
    def make_env():
        return ngym.make_env("PerceptualDecisionMakingRT-v0")

    data = collect_rts(WaitThenChoose(5), make_env, 200, n_envs=4, seed=0)
    assert data.n_trials == 200 and data.dt == 20
    assert np.all(data.rt == 5 * 20)  # the 5th frame of dots after the go signal
    assert np.all(data.choice == 0) and np.array_equal(data.correct, data.ground_truth == 0)
    summary = rt_summary(data)
    assert set(summary) == {0, 6.4, 12.8, 25.6, 51.2}
    assert all(r["answered"] == 1 and r["median_rt"] == 100 for r in summary.values())
    # seeded: the same trials again
    again = collect_rts(WaitThenChoose(5), make_env, 200, n_envs=4, seed=0)
    assert np.array_equal(data.coh, again.coh) and np.array_equal(data.ground_truth, again.ground_truth)


class Impatient:
    """Chooses direction 1 at every step: breaks fixation at the first step of every trial."""

    def predict(self, obs, state=None, episode_start=None, deterministic=True):
        hidden = np.zeros((1, obs.shape[0], 4))
        return np.ones(obs.shape[0], dtype=int), (hidden, hidden)


def test_collect_rts_tells_fixation_breaks_from_misses():
    def make_env():
        return ngym.make_env("PerceptualDecisionMakingRT-v0")

    broke = collect_rts(Impatient(), make_env, 50, n_envs=2, seed=0)
    assert broke.aborted.all() and not broke.answered.any() and not broke.missed.any()
    waited = collect_rts(WaitThenChoose(10_000), make_env, 20, n_envs=2, seed=0)  # never answers
    assert not waited.aborted.any() and waited.missed.all()
    assert broke.select(broke.coh == 0).aborted.size == np.count_nonzero(broke.coh == 0)


def test_rt_summary_separates_correct_and_error_and_misses():
    data = RTData(coh=np.array([0, 0, 0, 50, 50]), ground_truth=np.zeros(5, int), choice=np.array([0, 1, -1, 0, 0]),
                  correct=np.array([True, False, False, True, True]), rt=np.array([100, 300, np.nan, 40, 60.0]), dt=20)
    s = rt_summary(data)
    assert s[0]["answered"] == pytest.approx(2 / 3) and s[0]["accuracy"] == 0.5
    assert s[0]["mean_rt_correct"] == 100 and s[0]["mean_rt_error"] == 300 and s[0]["n_error"] == 1
    assert s[50]["mean_rt"] == 50 and np.isnan(s[50]["mean_rt_error"])


def test_align_to_response_puts_the_choice_at_time_zero():
    env = ngym.make_env("PerceptualDecisionMakingRT-v0", timing={"fixation": 100, "stimulus": 400})
    ro = ngym.run_env(env, num_trials=6, model=WaitThenChoose(3), seed=0)
    al = align_to_response(ro, before=5, after=1)
    assert al.n_trials == 6 and list(al.times) == [-5, -4, -3, -2, -1, 0]
    # the stand-in's first hidden unit counts stimulus frames: 3 at the choice, NaN before onset
    assert np.all(al.data[:, -3:, 0] == [1, 2, 3])
    assert np.all(np.isnan(al.data[:, :3, 0]))
    with pytest.raises(ValueError, match="LSTM states"):
        align_to_response(ngym.run_env(env, num_trials=2, def_act=0, seed=0))


def test_monkey_data_shows_what_roitman_and_shadlen_report():
    data = monkey_data()
    assert sorted(data) == [1, 2]
    for m in data.values():
        assert list(m["coh"]) == MONKEY_COHS and np.all(m["n_trials"] > 400)
        assert abs(m["p_correct"][0] - 0.5) < 0.05 and m["p_correct"][-1] == 1.0  # chance to perfect
        assert np.all(np.diff(m["p_correct"]) > 0) and np.all(np.diff(m["mean_rt"]) < 0)
        assert m["mean_rt"][0] - m["mean_rt"][-1] > 300  # RTs fall by several hundred ms
        # errors slower than correct responses at the weak-motion coherences with many errors
        assert np.all(m["mean_rt_error"][1:4] > m["mean_rt_correct"][1:4])
    fits = monkey_ddm_fits()
    assert all(8 < f.k < 12 and 0.6 < f.bound < 1 and 0.15 < f.nondecision < 0.35 for f in fits.values())


@pytest.mark.slow
def test_ddm_parameter_recovery():
    """Simulate a known diffusion model (monkey-like values), fit it, recover every parameter
    within 10 % (1800 trials; PyDDM's solver at 10 ms steps)."""
    true = {"k": 10.0, "bound": 0.8, "nondecision": 0.3}
    coh, correct, rt = simulate_ddm(true["k"], true["bound"], true["nondecision"], MONKEY_COHS, 300, seed=1)
    fit = fit_ddm(coh, correct, rt, t_max=6.0, dt=0.01)
    assert fit.k == pytest.approx(true["k"], rel=0.1)
    assert fit.bound == pytest.approx(true["bound"], rel=0.1)
    assert fit.nondecision == pytest.approx(true["nondecision"], rel=0.1)
    pred = ddm_predictions(fit, [0, 51.2], t_max=6.0, dt=0.01)
    assert pred[0]["p_correct"] == pytest.approx(0.5, abs=0.01)
    assert pred[51.2]["p_correct"] > 0.95 and pred[51.2]["mean_rt"] < pred[0]["mean_rt"]
    t = pred[0]["t"]
    y = pred[0]["pdf_correct"] + pred[0]["pdf_error"]
    total = np.sum((y[1:] + y[:-1]) / 2 * np.diff(t))  # trapezoid rule
    assert total == pytest.approx(1, abs=0.02)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"rt": [100, -1] * 20}, "positive"), ({"rt": [100]}, "one entry per trial"),
     ({"coh": [-25.6, 25.6] * 20}, "unsigned"), ({"coh": [0.256, 0.512] * 20}, "fractions"),
     ({"rt": [0.4, 0.6] * 20}, "seconds"), ({"coh": [0, 0] * 20}, "0 % coherence"),
     ({"correct": [True, True] * 20}, "both outcomes"), ({"correct": [1, 2] * 20}, "correct must hold only 0/1"),
     ({"coh": [0, 10], "correct": [True, False], "rt": [100, 200]}, "at least 30 trials")],
)
def test_fit_ddm_refuses_bad_input(kwargs, match):
    args = {"coh": [0, 10] * 20, "correct": [True, False] * 20, "rt": [100, 200] * 20}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        fit_ddm(**args)


@pytest.mark.parametrize(("kwargs", "exc"), [
    ({"dt": 0.0}, ValueError), ({"dt": -0.001}, ValueError), ({"bound": float("inf")}, ValueError),
    ({"bound": float("nan")}, ValueError), ({"cohs": [float("nan")]}, ValueError), ({"bound": 0.0}, ValueError),
    ({"k": float("nan")}, ValueError), ({"n_per_coh": 0}, ValueError)])
def test_simulate_ddm_refuses_what_would_never_return(kwargs, exc):
    from neurogym_lite.behaviour.ddm import simulate_ddm

    args = {"k": 10.0, "bound": 0.8, "nondecision": 0.3, "cohs": [0.0, 12.8], "n_per_coh": 10}
    args.update(kwargs)
    with pytest.raises(exc):
        simulate_ddm(**args)


def test_ddm_predictions_refuse_impossible_parameters():
    from neurogym_lite.behaviour.ddm import DDMFit, ddm_predictions

    for fit in (DDMFit(10.0, 0.0, 0.3, 0.0), DDMFit(float("nan"), 0.8, 0.3, 0.0), DDMFit(10.0, -1.0, 0.3, 0.0)):
        with pytest.raises(ValueError):
            ddm_predictions(fit, [0.0, 12.8])


@pytest.mark.slow
def test_train_rt_agent_uses_the_rt_recipe_and_is_reproducible():
    import torch

    torch.set_num_threads(1)
    # one epoch: in the first rollout every sequence begins an episode, so sb3-contrib updates the LSTM
    # step by step, and the recipe's eight epochs cost ~20 s here
    a, seconds = train_rt_agent(seed=3, total_timesteps=512, env_kwargs={"timing": {"fixation": 100}}, n_epochs=1)
    b, _ = train_rt_agent(seed=3, total_timesteps=512, env_kwargs={"timing": {"fixation": 100}}, n_epochs=1)
    assert seconds > 0 and a.gamma == RT_RECIPE["gamma"] and a.n_steps == RT_RECIPE["n_steps"]
    assert a.n_epochs == 1, "an override replaces the recipe's value"
    assert a.get_env().get_attr("timing")[0]["fixation"] == 100
    for pa, pb in zip(a.policy.parameters(), b.policy.parameters(), strict=True):
        assert torch.equal(pa, pb)


def test_lstm_forget_bias_starts_both_lstms_as_long_memories():
    import torch

    from neurogym_lite.agents.recipe import make_model, make_vec_env

    venv = make_vec_env(lambda: ngym.make_env("PerceptualDecisionMakingRT-v0"), n_envs=1)
    model = make_model(venv, n_steps=16, batch_size=16, lstm_forget_bias=2.0)
    for lstm in (model.policy.lstm_actor, model.policy.lstm_critic):
        h = lstm.hidden_size
        forget = lstm.bias_ih_l0[h:2 * h] + lstm.bias_hh_l0[h:2 * h]
        assert torch.all(forget == 2.0)
        other = torch.cat([lstm.bias_ih_l0[:h], lstm.bias_ih_l0[2 * h:]])
        assert other.abs().max() < 1  # only the forget gates are changed
    plain = make_model(venv, n_steps=16, batch_size=16)  # notebook 2's recipe: PyTorch's initialisation
    h = plain.policy.lstm_actor.hidden_size
    assert plain.policy.lstm_actor.bias_ih_l0[h:2 * h].abs().max() < 1
    with pytest.raises(TypeError, match="lstm_forget_bias"):
        make_model(venv, lstm_forget_bias="2")


@pytest.mark.slow
def test_collapsing_bound_parameters_are_recovered_and_preferred_on_collapsing_data():
    """Parameter recovery for the urgency model, as for the flat one: simulate a collapsing bound,
    fit both shapes; the collapsing fit recovers the parameters and the BIC prefers it."""
    from neurogym_lite.behaviour.ddm import simulate_ddm

    # four coherences spanning the range (the fit's cost grows with the number of conditions, not trials);
    # the solver's step at 20 ms, notebook 7's quick-run step: a quarter of the cost of 10 ms (the flat
    # model's recovery above is checked at 10 ms), and the parameters are still recovered
    c, ok, rt = simulate_ddm(10.0, 1.2, 0.3, [0, 6.4, 25.6, 51.2], 450, seed=1, tau=0.6)
    keep = rt < 2900
    collapsing = fit_ddm(c[keep], ok[keep], rt[keep], shape="collapsing", dt=0.02)
    flat = fit_ddm(c[keep], ok[keep], rt[keep], shape="flat", dt=0.02)
    assert collapsing.k == pytest.approx(10.0, rel=0.2) and collapsing.bound == pytest.approx(1.2, rel=0.2)
    assert collapsing.tau == pytest.approx(0.6, rel=0.3) and collapsing.nondecision == pytest.approx(0.3, abs=0.05)
    assert collapsing.bic < flat.bic - 10 and collapsing.n_params == flat.n_params + 1
    assert np.all(np.diff(collapsing.bound_at([0.0, 0.5, 1.0])) < 0) and "collapsing" in str(collapsing)


def test_the_monkeys_rt_distributions_are_narrow_and_ask_for_a_collapsing_bound():
    """What notebook 7 says of the monkeys' RT shapes (the package's summaries of their trials)."""
    from neurogym_lite.behaviour.monkeys import monkey_rt_quantiles

    shapes = monkey_rt_quantiles()
    flat, collapsing = monkey_ddm_fits("flat"), monkey_ddm_fits("collapsing")
    for m, q in shapes.items():
        weak = np.isin(q["coh"], [0.0, 3.2, 6.4])
        assert np.all(q["cv"][weak] < 0.5) and np.all(q["cv_low"][weak] <= q["cv"][weak])
        assert np.all(q["fast"][weak] < 0.06)  # few decisions faster than 170 ms
        assert np.all(q["q10_correct"] <= q["q50_correct"]) and np.all(q["q50_correct"] <= q["q90_correct"])
        assert flat[m].bic - collapsing[m].bic > 10 and collapsing[m].tau > 0
