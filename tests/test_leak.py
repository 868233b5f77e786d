"""fit_leak (issue 24's accumulator leak) on simulated observers: a planted leak is recovered with
an interval that covers it, perfect integrators give intervals around 0, and choices that ignore
the evidence leave the leak unidentified instead of inventing one."""

from __future__ import annotations

import numpy as np
import pytest

from neurogym_lite.behaviour.kernel import fit_leak


def _observer(rate: float, n: int = 20_000, frames: int = 5, seed: int = 0, gain: float = 1.5):
    rng = np.random.default_rng(seed)
    signed = rng.choice([-0.1, 0.0, 0.1], size=n)
    E = signed[:, None] + rng.normal(size=(n, frames))
    w = np.exp(-rate * np.arange(frames)[::-1])
    p = 1 / (1 + np.exp(-gain * (E @ w)))
    return E, rng.random(n) < p, signed


@pytest.mark.parametrize("rate", [0.4, -0.3])
def test_a_planted_leak_is_recovered(rate):
    E, chose, signed = _observer(rate)
    leak = fit_leak(E, chose, signed_coh=signed, dt=100.0)
    assert leak.rate_low < rate < leak.rate_high, leak
    assert abs(leak.rate - rate) < 0.1
    assert leak.p_no_leak < 1e-6, "a leak this size is told from perfect integration"
    if rate > 0:
        assert leak.tau == pytest.approx(100.0 / leak.rate)
        lo, hi = leak.tau_interval
        assert lo < 100.0 / rate < hi


@pytest.mark.slow  # ten fits of 5,000 trials: the main run covers it, the quick run fits planted leaks
def test_perfect_integrators_cover_no_leak():
    covered = 0
    for seed in range(10):
        E, chose, signed = _observer(0.0, n=5000, seed=seed)
        leak = fit_leak(E, chose, signed_coh=signed)
        covered += leak.rate_low < 0 < leak.rate_high
        assert leak.tau == float("inf") or leak.tau > 1.0
    assert covered >= 8, f"the 95 % interval covered the true rate 0 in only {covered} of 10 observers"


def test_choices_that_ignore_the_evidence_leave_the_leak_unidentified():
    rng = np.random.default_rng(5)
    E = rng.normal(size=(4000, 5))
    leak = fit_leak(E, rng.random(4000) < 0.5)
    assert leak.rate_low == -np.inf or leak.rate_high == np.inf, leak


def test_fit_leak_refuses_bad_input_by_name():
    E, chose, _ = _observer(0.0, n=200)
    with pytest.raises(ValueError, match="dt must be"):
        fit_leak(E, chose, dt=0)
    with pytest.raises(ValueError, match="evidence must be 2-D"):
        fit_leak(E[:, 0], chose)
    with pytest.raises(ValueError, match="max_rate must be"):
        fit_leak(E, chose, max_rate=-1)
