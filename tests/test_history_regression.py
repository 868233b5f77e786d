"""The choice-history regression recovers planted win-stay / lose-switch and does not find history
where there is none (at about the nominal rate)."""

import numpy as np
import pytest
from scipy.special import expit

from neurogym_lite.behaviour.history import history_regression

LEVELS = np.array([-25.6, -12.8, -6.4, -3.2, 0.0, 3.2, 6.4, 12.8, 25.6])


def simulate(n, win, lose, bias=0.0, slope=0.25, seed=0, abort_rate=0.0):
    """An observer whose log-odds of choice 1 is bias + slope * coh + history terms."""
    rng = np.random.default_rng(seed)
    x = rng.choice(LEVELS, n)
    choice = np.zeros(n, int)
    correct = np.zeros(n, bool)
    for k in range(n):
        if rng.random() < abort_rate:
            continue  # no choice
        z = bias + slope * x[k]
        if k and choice[k - 1] > 0:
            prev = 1 if choice[k - 1] == 1 else -1
            z += (win if correct[k - 1] else lose) * prev
        choice[k] = 1 if rng.random() < expit(z) else 2
        correct[k] = (choice[k] == 1) == (x[k] > 0) if x[k] != 0 else rng.random() < 0.5
    return x, choice, correct


def test_planted_win_stay_and_lose_switch_are_recovered():
    x, c, ok = simulate(6000, win=0.6, lose=-0.8, bias=0.3, seed=1, abort_rate=0.05)
    fit = history_regression(x, c, ok)
    for name, true in (("win", 0.6), ("lose", -0.8), ("bias", 0.3)):
        w, lo, hi, p = fit.weights[name]
        assert lo < true < hi, (name, w, lo, hi)
    assert fit.weights["win"][3] < 1e-6 and fit.weights["lose"][3] < 1e-6
    assert fit.p_repeat["correct"] > 0.6 and fit.p_repeat["error"] < 0.35
    assert "win" in fit.summary()


def test_no_history_is_found_where_there_is_none_at_about_the_nominal_rate():
    hits = 0
    runs = 200
    for seed in range(runs):
        x, c, ok = simulate(600, win=0.0, lose=0.0, bias=0.2, seed=100 + seed)
        fit = history_regression(x, c, ok)
        hits += fit.weights["win"][3] < 0.05
    # 5 % expected: 10 of 200; a binomial 99.9 % range is about 2-22
    assert hits <= 22, hits


def test_a_trial_without_choice_breaks_the_chain_and_sessions_are_separate():
    x, c, ok = simulate(3000, win=0.5, lose=-0.5, seed=3, abort_rate=0.2)
    fit = history_regression(x, c, ok)
    # the strongest levels are answered without an error: they say nothing on history and are left out
    assert fit.dropped_levels == [-25.6, 25.6]
    pairs = (c[1:] > 0) & (c[:-1] > 0) & ~np.isin(x[1:], fit.dropped_levels)
    assert fit.n_trials == pairs.sum()
    session = np.repeat(np.arange(300), 10)
    fit_s = history_regression(x, c, ok, session=session)
    assert fit_s.n_trials == (pairs & (session[1:] == session[:-1])).sum()


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="choice must hold 1 or 2"):
        history_regression([0, 1], [3, 1], [1, 0])
    with pytest.raises(ValueError, match="too few informative trials"):
        history_regression([1.0, 2.0, 3.0], [1, 2, 1], [1, 0, 1])
    with pytest.raises(ValueError, match="one entry per trial"):
        history_regression([1.0, 2.0], [1, 2, 1], [1, 0, 1])


def test_interleaved_streams_give_the_fit_of_the_streams_one_after_another():
    """Batched envs end their trials interleaved (collect_rts, run_trials): with ``session`` the
    regression pairs each trial with the previous trial of its own stream, not of the list."""
    streams = [simulate(800, win=0.7, lose=-0.7, seed=20 + s) for s in range(4)]
    x, c, ok = (np.concatenate([st[i] for st in streams]) for i in range(3))
    session = np.repeat(np.arange(4), 800)
    contiguous = history_regression(x, c, ok, session=session)
    # a random interleaving that keeps each stream's own order: stream s's k-th trial ends at the
    # k-th smallest of its random end times
    ends = np.random.default_rng(1).random(session.size)
    ends = np.concatenate([np.sort(ends[session == s]) for s in range(4)])
    interleaved = np.argsort(ends)
    assert not np.array_equal(interleaved, np.arange(session.size))
    fit = history_regression(x[interleaved], c[interleaved], ok[interleaved], session=session[interleaved])
    assert fit.n_trials == contiguous.n_trials
    assert fit.weights["win"] == pytest.approx(contiguous.weights["win"])
    assert fit.weights["lose"] == pytest.approx(contiguous.weights["lose"])
    # without the labels, the interleaved list pairs trials of different streams: the planted effect fades
    naive = history_regression(x[interleaved], c[interleaved], ok[interleaved])
    assert abs(naive.weights["win"][0]) < abs(contiguous.weights["win"][0]) / 2
