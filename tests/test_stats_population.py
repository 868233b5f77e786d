"""The statistics behind the population claims (issue 22), each on simulated data with a planted
effect (recovered) and on null data (not detected more often than the nominal rate)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from neurogym_lite.behaviour.ideal_observer import paired_vs_ideal
from neurogym_lite.behaviour.psychometric import fit_psychometric
from neurogym_lite.behaviour.reaction_times import slow_errors
from neurogym_lite.behaviour.stats import bootstrap_ci, permutation_test, sign_test, split_trials
from neurogym_lite.behaviour.trials import TrialTable

COHS = np.array([3.2, 6.4, 12.8, 25.6])


# ------------------------------------------------------------------ slow errors
def simulate_rts(n, slow_by, seed):
    """RTs that fall with coherence; errors at weak coherence; errors slower by ``slow_by`` ms
    at the same coherence."""
    rng = np.random.default_rng(seed)
    coh = rng.choice(COHS, n)
    p_correct = norm.cdf(coh / 6.0)
    correct = rng.random(n) < p_correct
    rt = 700 - 12 * coh + rng.normal(0, 120, n) + np.where(correct, 0.0, slow_by)
    return coh, correct, rt


def test_planted_slow_errors_are_recovered_with_an_interval_that_covers_them():
    coh, ok, rt = simulate_rts(6000, 30.0, seed=0)
    res = slow_errors(coh, ok, rt, n_permutations=500, n_boot=500)
    assert res.low < 30 < res.high and res.p < 0.01
    assert res.regression[1] < 30 < res.regression[2]
    assert set(res.per_coh) <= set(COHS)


@pytest.mark.slow
def test_the_coherence_mix_alone_does_not_make_errors_slow():
    # errors sit at weak coherence, where all RTs are long: pooled, errors look slower
    rejections, pooled = 0, []
    for seed in range(120):
        coh, ok, rt = simulate_rts(800, 0.0, seed=100 + seed)
        res = slow_errors(coh, ok, rt, n_permutations=200, n_boot=100, seed=seed)
        rejections += res.p < 0.05
        pooled.append(res.pooled)
    assert np.mean(pooled) > 15  # the naive comparison is fooled ...
    assert rejections <= 14  # ... the stratified test is not: 5 % of 120 is 6; a binomial 99.9 % bound is ~14


def test_slow_errors_refuses_wrong_units_and_conventions():
    coh, ok, rt = simulate_rts(200, 0.0, seed=1)
    with pytest.raises(ValueError, match="seconds"):
        slow_errors(coh, ok, rt / 1000)
    with pytest.raises(ValueError, match="unsigned"):
        slow_errors(-coh, ok, rt)
    with pytest.raises(ValueError, match="no coherence has both"):
        slow_errors(coh, np.ones_like(ok), rt)


# ------------------------------------------------------------------ permutation tests, intervals, signs
def test_a_permutation_test_finds_a_planted_difference_and_keeps_its_size_under_the_null():
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    labels = np.repeat([0, 1], 100)

    def diff(lab):
        return x[lab == 1].mean() - x[lab == 0].mean()

    x[100:] += 0.6
    assert permutation_test(diff, labels, n=500).p < 0.01
    rejections = 0
    for seed in range(150):
        x = np.random.default_rng(seed).normal(size=60)
        rejections += permutation_test(diff, np.repeat([0, 1], 30), n=200, seed=seed).p < 0.05
    assert rejections <= 17  # 5 % of 150 is 7.5; a binomial 99.9 % bound is ~17
    with pytest.raises(ValueError, match="n must be an integer between 100"):
        permutation_test(diff, labels, n=10)


def test_bootstrap_ci_covers_the_truth_and_sign_test_counts_signs():
    rng = np.random.default_rng(1)
    x = rng.normal(2.0, 1.0, 400)
    value, lo, hi = bootstrap_ci([x], np.mean, n_resamples=500)
    assert lo < 2.0 < hi and lo < value < hi
    s = sign_test([0.3, -0.1, 0.2, 0.5, 0.0, 0.4])
    assert (s.k, s.n) == (4, 5) and 0 < s.p < 1 and s.low < 0.8 < s.high
    assert sign_test(np.ones(12)).p < 0.001


def test_split_trials_puts_every_condition_on_both_sides_and_overlaps_nothing():
    labels = np.repeat(["a", "b", "c"], [10, 3, 2])
    select, test = split_trials(labels, fraction=0.5, seed=0)
    assert not set(select) & set(test) and len(select) + len(test) == 15
    for value in "abc":
        idx = np.flatnonzero(labels == value)
        assert set(idx) & set(select) and set(idx) & set(test)


# ------------------------------------------------------------------ lapses at a boundary
def test_a_lapse_at_zero_gets_an_upper_bound_and_a_planted_lapse_is_covered():
    x = np.repeat([-51.2, -25.6, -12.8, -6.4, -3.2, 0.0, 3.2, 6.4, 12.8, 25.6, 51.2], 400)
    rng = np.random.default_rng(0)
    none = fit_psychometric(x, rng.random(x.size) < norm.cdf(x / 6), n_boot=100)
    assert none.ci["lambda"][1] < 1e-6  # the bootstrap collapses at the boundary ...
    lo, hi = none.lapse_interval("lambda")
    assert lo == 0.0 and 0 < hi < none.rule_of_three()  # ... the profile still bounds the lapse
    some = fit_psychometric(x, rng.random(x.size) < 0.05 + 0.95 * norm.cdf(x / 6), n_boot=0)  # gamma = 5 %
    lo, hi = some.lapse_interval("gamma")
    assert lo < 0.05 < hi
    with pytest.raises(ValueError, match="fit_lapses"):
        fit_psychometric(x, rng.random(x.size) < norm.cdf(x / 6), fit_lapses=False, n_boot=0).lapse_interval()


# ------------------------------------------------------------------ the ideal on the same frames
def _observer_table(extra_noise, n=3000, seed=0):
    rng = np.random.default_rng(seed)
    signed = rng.choice(np.concatenate([COHS, -COHS]), n)
    evidence = signed[:, None] / 100 + rng.normal(0, 0.2, (n, 5))
    decision = evidence.sum(axis=1) + rng.normal(0, extra_noise, n)
    choice = np.where(decision > 0, 1, 2)
    correct = (choice == 1) == (signed > 0)
    return TrialTable(signed, choice, correct, np.zeros(n, bool), evidence)


def test_the_ideal_itself_matches_the_ideal_and_a_noisier_observer_falls_short():
    same = paired_vs_ideal(_observer_table(0.0))
    for _agent, _ideal, d, lo, hi, _n in same.per_coh.values():
        assert d == 0 and lo == hi == 0
    worse = paired_vs_ideal(_observer_table(0.8, seed=1))
    a, i, d, lo, hi, n = worse.per_coh[6.4]
    assert hi < 0 and d == pytest.approx(a - i)
    assert worse.overall[4] < 0
    with pytest.raises(TypeError, match="TrialTable"):
        paired_vs_ideal({"evidence": []})


# ------------------------------------------------------------------ decoding against a shuffle null
def test_a_decoder_finds_a_planted_code_and_keeps_its_size_on_noise():
    from neurogym_lite.neural.decoding import decoding_permutation_test

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 400)
    states = rng.normal(size=(400, 20))
    states[:, 3] += 0.5 * (2 * labels - 1)
    found = decoding_permutation_test(states, labels, n_shuffles=500)
    assert found.p < 0.01 and found.accuracy > found.null_95 and len(found.null) == 500
    rejections = 0
    for seed in range(100):
        r = np.random.default_rng(100 + seed)
        rejections += decoding_permutation_test(r.normal(size=(120, 10)), r.integers(0, 2, 120),
                                                n_shuffles=200, seed=seed).p < 0.05
    assert rejections <= 13  # 5 % of 100 is 5; a binomial 99.9 % bound is ~13
    with pytest.raises(ValueError, match="exactly two classes"):
        decoding_permutation_test(states, rng.integers(0, 3, 400))


# ------------------------------------------------------------------ the shape of RT distributions
def test_rt_shape_recovers_a_known_distribution_and_its_decision_time():
    from neurogym_lite.behaviour.reaction_times import rt_shape

    rng = np.random.default_rng(0)
    decision = rng.gamma(shape=6.0, scale=80.0, size=5000)  # CV = 1/sqrt(6) = 0.408, skewness = 2/sqrt(6)
    rt = decision + 300.0
    s = rt_shape(rt, nondecision_ms=300.0, fast_ms=170.0, n_boot=300)
    assert s.ci["cv"][0] < 1 / np.sqrt(6) < s.ci["cv"][1]
    assert s.ci["skewness"][0] < 2 / np.sqrt(6) < s.ci["skewness"][1]
    from scipy.stats import gamma

    assert abs(s.fast - gamma.cdf(170.0, 6.0, scale=80.0)) < 0.01
    assert s.q10 < np.median(rt) < s.q90
    # ignoring the non-decision time understates the spread of the decision
    assert rt_shape(rt, n_boot=100).cv < s.cv
    with pytest.raises(ValueError, match="seconds"):
        rt_shape(rt / 1000)
