import math

import numpy as np
import pytest

from neurogym_lite.tasks.timing import check_dt, parse_timing


def sample_ms(spec, dt=100, n=2000, min_steps=0, seed=0):
    t = parse_timing("p", spec, dt, min_steps)
    rng = np.random.default_rng(seed)
    return np.array([t.sample(rng) * dt for _ in range(n)])


@pytest.mark.parametrize("spec", [300, 300.0, ("constant", 300), np.int64(300)])
def test_constant_forms(spec):
    assert set(sample_ms(spec, n=5)) == {300}


def test_choice_and_list_draw_each_value():
    for spec in (("choice", [100, 300, 500]), [100, 300, 500]):
        values, counts = np.unique(sample_ms(spec), return_counts=True)
        assert list(values) == [100, 300, 500]
        assert counts.min() > 500  # roughly a third each of 2000


def test_uniform_rounds_to_dt_and_stays_in_range():
    ms = sample_ms(("uniform", (200, 600)))
    assert set(ms) <= {200, 300, 400, 500, 600}
    assert np.all(ms % 100 == 0)
    # the interior multiples are drawn about twice as often as the end points
    assert np.mean(ms == 400) > np.mean(ms == 200)


def test_truncated_exponential_respects_bounds_and_mean():
    ms = sample_ms(("truncated_exponential", (600, 300, 3000)), dt=10, n=20000)
    assert ms.min() >= 300 and ms.max() <= 3000
    # mean of an exponential (mean 600) truncated to [300, 3000]
    lo, hi, m = 300, 3000, 600
    expected = m + (lo * math.exp(-lo / m) - hi * math.exp(-hi / m)) / (math.exp(-lo / m) - math.exp(-hi / m))
    assert abs(ms.mean() - expected) < 15


def test_truncated_exponential_without_upper_bound():
    ms = sample_ms(("truncated_exponential", (200, 100)), dt=10, n=5000)
    assert ms.min() >= 100
    assert abs(ms.mean() - 300) < 15  # memoryless: lo + mean


def test_callable_with_and_without_rng():
    assert set(sample_ms(lambda: 400, n=3)) == {400}
    a = sample_ms(lambda rng: rng.uniform(100, 900), seed=3, n=50)
    b = sample_ms(lambda rng: rng.uniform(100, 900), seed=3, n=50)
    assert np.array_equal(a, b)


@pytest.mark.parametrize(
    ("spec", "exc", "match"),
    [
        (("gauss", (300, 20)), ValueError, "unknown timing distribution 'gauss'"),
        (-100, ValueError, "must be >= 0"),
        (("constant", -100), ValueError, "must be >= 0"),
        (250, ValueError, "not a multiple of dt=100"),
        (("choice", [100, 250]), ValueError, "not a multiple of dt"),
        (("choice", []), TypeError, "non-empty list"),
        (("uniform", (500, 200)), ValueError, "0 <= lo <= hi"),
        (("uniform", (100,)), TypeError, "tuple of 2 numbers"),
        (("truncated_exponential", (-1, 0, 100)), ValueError, "mean > 0"),
        ("300", TypeError, "expected a number of ms"),
        (("constant", "300"), TypeError, "must be a number"),
        (("constant", math.nan), ValueError, "finite"),
    ],
)
def test_bad_specs_name_the_period(spec, exc, match):
    with pytest.raises(exc, match=match) as err:
        parse_timing("stimulus", spec, 100)
    assert "timing['stimulus']" in str(err.value)


def test_required_period_needs_one_step():
    with pytest.raises(ValueError, match="at least one step"):
        parse_timing("decision", 0, 100, min_steps=1)
    with pytest.raises(ValueError, match="at least one step"):
        parse_timing("decision", ("uniform", (0, 300)), 100, min_steps=1)
    t = parse_timing("decision", lambda: 10, 100, min_steps=1)
    with pytest.raises(ValueError, match="at least one step"):
        t.sample(np.random.default_rng(0))


def test_callable_returning_garbage():
    t = parse_timing("stimulus", lambda: -5, 100)
    with pytest.raises(ValueError, match="callable returned -5"):
        t.sample(np.random.default_rng(0))


@pytest.mark.parametrize("dt", [0, -10, math.inf])
def test_bad_dt(dt):
    with pytest.raises(ValueError, match="dt must be a positive number"):
        check_dt(dt)


def test_dt_type():
    with pytest.raises(TypeError, match="dt"):
        check_dt("100")
