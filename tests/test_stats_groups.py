"""compare_groups (the speed-accuracy test's statistic: two populations of networks) on planted
differences and on null data."""

from __future__ import annotations

import numpy as np
import pytest

from neurogym_lite.behaviour.stats import compare_groups


def test_a_planted_difference_of_medians_is_found_and_covered():
    rng = np.random.default_rng(0)
    a, b = rng.normal(1.0, 0.3, 12), rng.normal(0.5, 0.3, 10)
    res = compare_groups(a, b, n_resamples=1000, n_permutations=1000)
    assert res.low < 0.5 < res.high and res.low > 0, res
    assert res.p < 0.01 and (res.n_a, res.n_b) == (12, 10)
    assert res.difference == pytest.approx(np.median(a) - np.median(b))


def test_null_groups_mostly_cover_zero_and_rarely_reject():
    covered = rejected = 0
    for seed in range(30):
        rng = np.random.default_rng(100 + seed)
        res = compare_groups(rng.normal(size=12), rng.normal(size=10), n_resamples=500, n_permutations=500, seed=seed)
        covered += res.low <= 0 <= res.high
        rejected += res.p < 0.05
    assert covered >= 25, f"the 95 % interval covered 0 in only {covered} of 30 null comparisons"
    assert rejected <= 4, f"{rejected} of 30 null comparisons rejected at p < 0.05"


def test_compare_groups_refuses_bad_input_by_name():
    with pytest.raises(ValueError, match="a must have at least 2"):
        compare_groups([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="b must be finite"):
        compare_groups([1.0, 2.0], [1.0, np.nan])
    with pytest.raises(TypeError, match="statistic must be a function"):
        compare_groups([1.0, 2.0], [1.0, 2.0], statistic="median")
