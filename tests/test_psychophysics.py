"""The psychophysics analyses recover what a simulated observer was built with."""

import gymnasium as gym
import numpy as np
import pytest
from scipy.stats import norm

import neurogym_lite as ngym
from neurogym_lite.behaviour.history import choice_history
from neurogym_lite.behaviour.ideal_observer import ideal_observer_accuracy, ideal_sigma
from neurogym_lite.behaviour.kernel import psychophysical_kernel
from neurogym_lite.behaviour.psychometric import dprime_efficiency, efficiency, fit_psychometric
from neurogym_lite.behaviour.trials import collect_trials, trial_table
from neurogym_lite.wrappers import PassReward
from tests.conftest import SEED_TIMING

SIGNED = np.array([-51.2, -25.6, -12.8, -6.4, -3.2, 0.0, 3.2, 6.4, 12.8, 25.6, 51.2])


def simulate_psychometric(bias, sigma, gamma, lam, n_per=2000, seed=0):
    rng = np.random.default_rng(seed)
    x = np.repeat(SIGNED, n_per)
    p = gamma + (1 - gamma - lam) * norm.cdf((x - bias) / sigma)
    return x, rng.random(x.size) < p


def test_signed_psychometric_recovers_planted_bias_slope_and_lapses():
    x, c1 = simulate_psychometric(bias=-2.0, sigma=8.0, gamma=0.03, lam=0.06)
    fit = fit_psychometric(x, c1, n_boot=200, seed=1)
    assert fit.bias == pytest.approx(-2.0, abs=0.6)
    assert fit.sigma == pytest.approx(8.0, rel=0.1)
    assert fit.gamma == pytest.approx(0.03, abs=0.015) and fit.lambda_ == pytest.approx(0.06, abs=0.015)
    for name, true in [("bias", -2.0), ("sigma", 8.0), ("gamma", 0.03), ("lambda", 0.06)]:
        lo, hi = fit.ci[name]
        assert lo < true < hi, (name, lo, hi)
    assert fit.threshold == pytest.approx(8.0 * norm.ppf(0.75), rel=0.1)
    assert fit.predict(fit.bias) == pytest.approx(fit.gamma + (1 - fit.gamma - fit.lambda_) / 2)
    assert "bias" in fit.summary()


def test_unsigned_view_of_the_one_fitter_is_p_correct_with_the_bias_inside():
    x, c1 = simulate_psychometric(bias=-3.0, sigma=6.0, gamma=0.0, lam=0.0, n_per=3000, seed=7)
    fit = fit_psychometric(x, c1, fit_lapses=False, n_boot=0)
    coh = np.array([0.0, 3.2, 12.8, 51.2])
    truth = 0.5 * (norm.cdf((coh + 3.0) / 6.0) + 1 - norm.cdf((-coh + 3.0) / 6.0))
    assert fit.p_correct(coh) == pytest.approx(truth, abs=0.01)
    # the empirical P(correct) per coherence agrees with the fitted unsigned view
    signed = x
    correct = np.where(signed > 0, c1, np.where(signed < 0, ~c1, np.nan))
    for c in (3.2, 12.8):
        emp = np.nanmean(correct[np.abs(signed) == c])
        assert float(fit.p_correct(c)) == pytest.approx(emp, abs=0.02)
    # at 0 % coherence there is no correct answer: the unsigned view says chance, whatever the bias
    assert float(fit.p_correct(0.0)) == pytest.approx(0.5)
    # the bias costs accuracy at weak coherence: an unbiased observer with the same slope does better
    assert float(fit.p_correct(3.2)) < norm.cdf(3.2 / 6.0)


def test_signed_psychometric_logit_and_no_lapse():
    rng = np.random.default_rng(3)
    x = np.repeat(SIGNED, 1000)
    c1 = rng.random(x.size) < 1 / (1 + np.exp(-(x - 1.0) / 4.0))
    fit = fit_psychometric(x, c1, link="logit", fit_lapses=False, n_boot=0)
    assert fit.gamma == 0 and fit.lambda_ == 0 and not fit.ci
    assert fit.bias == pytest.approx(1.0, abs=0.5) and fit.sigma == pytest.approx(4.0, rel=0.1)
    assert fit.threshold == pytest.approx(fit.sigma * np.log(3))


def test_efficiency_of_an_observer_with_half_the_ideal_signal_to_noise():
    ideal = ideal_sigma(sigma=1.0, stim_duration=500)
    # the ideal observer's probit sigma is what ideal_observer_accuracy says, for any dt
    for dt in (20, 100):
        assert norm.cdf(6.4 / ideal) == pytest.approx(ideal_observer_accuracy(6.4, sigma=1.0, dt=dt,
                                                                             stim_duration=500)[0])
    # an observer with as much internal noise as stimulus noise has efficiency 1/2
    x, c1 = simulate_psychometric(bias=0.0, sigma=ideal * np.sqrt(2), gamma=0.0, lam=0.0, n_per=3000, seed=5)
    fit = fit_psychometric(x, c1, fit_lapses=False, n_boot=200)
    eff = efficiency(fit, ideal)
    assert eff.value == pytest.approx(0.5, abs=0.07) and eff.ci[0] < 0.5 < eff.ci[1]
    assert eff.threshold_ratio == pytest.approx(np.sqrt(2), rel=0.05)
    per_coh = dprime_efficiency(x, c1, ideal)
    assert set(per_coh) == {3.2, 6.4, 12.8, 25.6, 51.2}
    for c in (6.4, 12.8):
        value, lo, hi = per_coh[c]
        assert lo < 0.5 < hi and value == pytest.approx(0.5, abs=0.15)


def simulate_frames(n_trials, weights, seed, internal_noise=0.0, lapse=0.0):
    rng = np.random.default_rng(seed)
    E = rng.standard_normal((n_trials, len(weights)))
    dv = E @ np.asarray(weights) + internal_noise * rng.standard_normal(n_trials)
    if internal_noise == 0:
        c1 = rng.random(n_trials) < 1 / (1 + np.exp(-dv))
    else:
        c1 = dv > 0
    lapsed = rng.random(n_trials) < lapse
    c1[lapsed] = rng.random(lapsed.sum()) < 0.5
    return E, c1


def test_kernel_recovers_a_decaying_kernel_and_rejects_flatness():
    true = np.array([1.0, 0.8, 0.6, 0.4, 0.2])
    E, c1 = simulate_frames(8000, true, seed=2)
    k = psychophysical_kernel(E, c1)
    assert np.all(np.abs(k.weights - true) < 3 * k.se)
    assert np.all((k.low < true) | np.isclose(k.low, true, atol=3 * k.se))
    assert k.flat_p_value < 1e-6 and k.n_frames == 5
    assert k.relative[0] > k.relative[-1] * 3


def test_ideal_integrator_kernel_is_flat():
    E, c1 = simulate_frames(8000, np.ones(5), seed=4, internal_noise=1.0)
    k = psychophysical_kernel(E, c1)
    assert k.flat_p_value > 0.01
    assert np.all(np.abs(k.relative - 1) < 0.15)
    assert np.all(k.low < k.flat_weight) and np.all(k.flat_weight < k.high)


def test_kernel_with_signed_coherence_removes_the_signal():
    rng = np.random.default_rng(7)
    x = rng.choice([-6.4, 0.0, 6.4], 6000)
    E = x[:, None] / 10 + rng.standard_normal((6000, 4))
    c1 = (E.sum(axis=1) + rng.standard_normal(6000)) > 0
    k = psychophysical_kernel(E, c1, signed_coh=x)
    assert k.flat_p_value > 0.01 and np.all(np.abs(k.relative - 1) < 0.2)


def test_choice_history_recovers_win_stay():
    rng = np.random.default_rng(0)
    n = 20000
    choice = np.zeros(n, dtype=int)
    correct = np.zeros(n, dtype=bool)
    choice[0], correct[0] = 1, True
    for t in range(1, n):
        p_repeat = 0.7 if correct[t - 1] else 0.5
        choice[t] = choice[t - 1] if rng.random() < p_repeat else 3 - choice[t - 1]
        correct[t] = rng.random() < 0.75
    choice[::50] = 0  # aborted trials are left out of the pairs
    h = choice_history(choice, correct)
    p, lo, hi, n_pairs = h.after["correct"]
    assert lo < 0.7 < hi and abs(p - 0.7) < 0.02
    p, lo, hi, _ = h.after["error"]
    assert lo < 0.5 < hi
    assert h.expected["correct"] == pytest.approx(0.5, abs=0.02)
    assert n_pairs < 0.76 * n
    # pairs across sessions are left out: alternating sessions leave no pair at all
    alternating = choice_history(choice, correct, session=np.arange(n) % 2)
    assert all(v[3] == 0 for v in alternating.after.values())
    blocks = choice_history(choice, correct, session=np.arange(n) // 1001)
    assert blocks.after["correct"][3] + blocks.after["error"][3] < n_pairs + h.after["error"][3]


def test_trial_table_from_a_rollout():
    env = PassReward(gym.make("PerceptualDecisionMaking-v0", dt=100, timing=SEED_TIMING, sigma=0.1))
    rollout = ngym.run_env(env, num_trials=300, seed=0)
    table = trial_table(rollout)
    assert len(table) == 300 and table.evidence.shape[1] == 5
    full = ~np.isnan(table.evidence).any(axis=1)
    strong = full & (table.coh == 51.2)
    # with little noise the evidence points where the signed coherence says
    assert np.all(np.sign(table.evidence[strong].sum(axis=1)) == np.sign(table.signed_coh[strong]))
    assert np.all(table.choice[table.aborted] == 0)
    assert table.correct[table.choice == 0].sum() == 0
    chose = table.chose & ~table.aborted
    # a choice is correct exactly when it matches the sign of the coherence (non-zero coherence)
    nz = chose & (table.coh > 0)
    assert np.array_equal(table.correct[nz], (table.choice[nz] == 1) == (table.signed_coh[nz] > 0))
    sub = table.select(table.chose)
    assert len(sub) == int(table.chose.sum())


def test_trial_table_flags_aborts_of_the_abort_task():
    env = gym.make("PerceptualDecisionMaking-v0", dt=100, timing=SEED_TIMING, abort=True)
    table = trial_table(ngym.run_env(env, num_trials=100, seed=1))
    assert table.aborted.mean() > 0.5  # a random agent breaks fixation at once, most of the time
    assert np.all(np.isnan(table.evidence[table.aborted]).any(axis=1) | (table.evidence.shape[1] == 0))


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: fit_psychometric("abc", [1, 0]), TypeError, "signed_coh"),
        (lambda: fit_psychometric([1, 2, 3], [1, 0]), ValueError, "one entry per trial"),
        (lambda: fit_psychometric([1, 2, 3], [1, 0, 2]), ValueError, "chose_1"),
        (lambda: fit_psychometric([1, 1, 2], [1, 0, 1]), ValueError, "3 distinct"),
        (lambda: fit_psychometric(SIGNED, SIGNED > 0, link="weibull"), ValueError, "link"),
        (lambda: fit_psychometric(SIGNED, SIGNED > 0, n_boot=-1), ValueError, "n_boot"),
        (lambda: fit_psychometric(SIGNED, SIGNED > 0, level=95), ValueError, "level"),
        (lambda: psychophysical_kernel(np.zeros(10), np.zeros(10)), ValueError, "evidence must be 2-D"),
        (lambda: psychophysical_kernel(np.zeros((20, 5)), np.zeros(20)), ValueError, "10 trials"),
        (lambda: psychophysical_kernel(np.full((100, 2), np.nan), np.zeros(100)), ValueError, "NaN"),
        (lambda: psychophysical_kernel(np.ones((100, 2)), np.zeros(100)), ValueError, "constant"),
        (lambda: choice_history([1, 2, -1], [1, 0, 1]), ValueError, "choice"),
        (lambda: choice_history([1, 2], [1, 0, 1]), ValueError, "one entry per trial"),
        (lambda: ideal_sigma(0, 500), ValueError, "sigma"),
        (lambda: ideal_sigma(1, "500"), TypeError, "stim_duration"),
        (lambda: efficiency({"sigma": 1}, 1.0), TypeError, "fit"),
        (lambda: dprime_efficiency([0, 0], [1, 0], 5.0), ValueError, "both directions"),
        (lambda: trial_table({"obs": []}), TypeError, "Rollout"),
    ],
)
def test_bad_inputs_raise(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_kernel_on_perfectly_separable_choices_raises():
    E = np.random.default_rng(0).standard_normal((200, 3))
    with pytest.raises(ValueError, match="perfectly"):
        psychophysical_kernel(E, E.sum(axis=1) > 0)


class ConstantModel:
    """A stand-in for an SB3 model that always takes the same action."""

    def __init__(self, action):
        self.action = action

    def predict(self, obs, state=None, episode_start=None, deterministic=True):
        return np.full(len(obs), self.action), state


def monkey_env():
    return PassReward(gym.make("PerceptualDecisionMaking-v0", dt=100, timing=SEED_TIMING,
                               enforce_fixation=True, abort=True))


def test_collect_trials_matches_trial_table_of_run_env():
    from neurogym_lite.agents.pretrained import load_pretrained

    model = load_pretrained()
    a = collect_trials(model, monkey_env, num_trials=60, n_envs=1, seed=3)
    b = trial_table(ngym.run_env(monkey_env(), num_trials=60, model=model, seed=3))
    for field in ("signed_coh", "choice", "correct", "aborted"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert np.allclose(a.evidence, b.evidence, equal_nan=True)
    many = collect_trials(model, monkey_env, num_trials=60, n_envs=8, seed=3)
    assert len(many) == 60 and many.evidence.shape[1] <= 5
    assert set(many.session) == set(range(8)) and np.all(np.diff(many.session) >= 0)


def test_collect_trials_counts_fixation_breaks_as_aborts():
    table = collect_trials(ConstantModel(1), monkey_env, num_trials=40, n_envs=4)
    assert table.aborted.all() and (table.choice == 0).all() and not table.correct.any()
    table = collect_trials(ConstantModel(0), monkey_env, num_trials=40, n_envs=4)
    assert not table.aborted.any() and (table.choice == 0).all()  # never answers: times out
    assert not np.isnan(table.evidence).any()  # every trial showed its five frames
    with pytest.raises(TypeError, match="make_env"):
        collect_trials(ConstantModel(0), monkey_env(), num_trials=5)


def test_dprime_efficiency_is_nan_where_the_observer_is_perfect():
    x = np.repeat([-51.2, -6.4, 6.4, 51.2], 200)
    rng = np.random.default_rng(0)
    c1 = np.where(np.abs(x) > 50, x > 0, rng.random(x.size) < norm.cdf(x / 8))
    out = dprime_efficiency(x, c1, 6.3)
    assert np.isnan(out[51.2][0]) and np.isfinite(out[6.4][0])
