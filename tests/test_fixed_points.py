"""The fixed-point finder on systems whose answers are known (issue 24): a linear RNN with a
planted line attractor, a 2-D bistable system with its saddle, and maps with no slow point."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from neurogym_lite.neural.fixed_points import find_fixed_points, time_constants


def _linear_line_attractor(n: int = 6, seed: int = 0):
    """x -> A x with A = Q diag(1, 0.5, 0.4, ...) Q^T: the line along Q[:, 0] is fixed, all else decays."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    lam = np.r_[1.0, np.linspace(0.5, 0.1, n - 1)]
    A = Q @ np.diag(lam) @ Q.T
    At = torch.tensor(A.T, dtype=torch.float64)
    return (lambda x: x @ At), Q[:, 0], A


def test_a_planted_line_attractor_is_recovered():
    step, line, _ = _linear_line_attractor()
    x0 = np.random.default_rng(1).normal(size=(60, line.size))
    fp = find_fixed_points(step, x0, tolerance=1e-10, unique_distance=0.05)
    assert len(fp) >= 10, "the line is a continuum of fixed points: many distinct ones are found along it"
    off_line = fp.points - np.outer(fp.points @ line, line)
    assert np.max(np.linalg.norm(off_line, axis=1)) < 1e-4, "every point lies on the planted line"
    along = fp.points @ line
    assert along.max() - along.min() > 1.0, "the points spread along the line, not in one place"
    assert np.allclose(np.abs(fp.top_eigenvalue), 1.0, atol=1e-6), "the eigenvalue along the line is 1"
    for k in range(len(fp)):
        assert abs(fp.top_mode(k) @ line) > 0.9999, "its eigenvector is the line"
    assert np.allclose(np.abs(fp.eigenvalues[:, 1]), 0.5, atol=1e-6), "the next mode decays at the planted rate"
    assert fp.stable.all() and (fp.n_unstable == 0).all(), "a neutral direction (|eigenvalue| = 1) is not unstable"
    assert np.isinf(time_constants(fp.top_eigenvalue, dt=10.0)).all(), "a perfect integrator never forgets"


def _bistable(dt: float = 0.1):
    """Euler step of dx/dt = x - x^3, dy/dt = -y: attractors at (+-1, 0), a saddle at (0, 0)."""
    def step(s):
        x, y = s[:, 0], s[:, 1]
        return torch.stack([x + dt * (x - x**3), y - dt * y], dim=1)
    return step


def test_a_bistable_system_gives_two_attractors_and_the_saddle():
    grid = np.array([[a, b] for a in np.linspace(-1.5, 1.5, 7) for b in (-0.5, 0.5)])
    fp = find_fixed_points(_bistable(), grid, tolerance=1e-12, unique_distance=1e-2)
    found = sorted(map(tuple, np.round(fp.points, 3)))
    assert found == [(-1.0, 0.0), (0.0, 0.0), (1.0, 0.0)], fp.summary()
    by_x = {round(float(p[0])): k for k, p in enumerate(fp.points)}
    assert fp.stable[by_x[-1]] and fp.stable[by_x[1]], "the two outer points attract"
    assert fp.n_unstable[by_x[0]] == 1, "the middle point is a saddle with one unstable direction"
    assert np.isclose(abs(fp.top_eigenvalue[by_x[0]]), 1.1, atol=1e-6), "its unstable eigenvalue is 1 + dt"
    assert np.allclose(np.sort(np.abs(fp.eigenvalues[by_x[1]])), [0.8, 0.9], atol=1e-6), "1 - 2 dt and 1 - dt"
    assert time_constants([0.9], dt=0.1)[0] == pytest.approx(-0.1 / np.log(0.9))
    assert time_constants([1.1], dt=0.1)[0] < 0, "an unstable mode has a negative (growth) time constant"
    # an eigensolver returns an exact 1 only to rounding; that is still a perfect integrator
    assert np.isinf(time_constants([1 - 1e-15, 1 + 1e-15, 1j], dt=0.1)).all()
    assert np.isfinite(time_constants([1 - 1e-6], dt=0.1)).all(), "a slow but real decay keeps its time constant"
    assert 0 <= time_constants([0.0], dt=0.1)[0] < 1e-3, "a mode gone in one step has no memory"


def test_a_map_without_slow_points_reports_none():
    drift = torch.tensor([1.0, 0.0, 0.0], dtype=torch.float64)
    fp = find_fixed_points(lambda x: x + drift, np.random.default_rng(2).normal(size=(20, 3)), tolerance=1e-3)
    assert len(fp) == 0 and fp.n_too_fast == 20, "a constant drift moves every state by 1 per step"
    assert "0 slow point(s)" in fp.summary()
    W = torch.tensor(np.random.default_rng(3).normal(size=(4, 4)) * 0.3, dtype=torch.float64)
    rotate_out = lambda x: 1.5 * x + torch.tanh(x @ W) + 2.0  # noqa: E731  expanding: any fixed point lies far away
    fp2 = find_fixed_points(rotate_out, np.random.default_rng(4).normal(size=(20, 4)) * 0.1, tolerance=1e-8,
                            outlier_scale=5.0)
    assert len(fp2) == 0, "points found far outside the visited states are rejected as outliers"


def test_duplicates_and_outliers_are_counted_not_kept():
    step = _bistable()
    starts = np.array([[0.9, 0.1], [1.1, -0.1], [1.2, 0.0], [-0.8, 0.2]])
    fp = find_fixed_points(step, starts, tolerance=1e-12)
    assert len(fp) == 2 and fp.n_duplicates == 2 and fp.n_outliers == 0


def test_the_finder_refuses_bad_input_by_name():
    step = _bistable()
    with pytest.raises(TypeError, match="step must be a callable"):
        find_fixed_points("not a map", np.zeros((2, 2)))
    with pytest.raises(ValueError, match="initial_states must be 2-D"):
        find_fixed_points(step, np.zeros(2))
    with pytest.raises(ValueError, match="initial_states must be finite"):
        find_fixed_points(step, np.array([[np.nan, 0.0]]))
    with pytest.raises(ValueError, match="tolerance must be"):
        find_fixed_points(step, np.zeros((2, 2)), tolerance=0)
    with pytest.raises(ValueError, match=r"step must map states of shape \(batch, 3\)"):
        find_fixed_points(step, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="dt must be"):
        time_constants([0.5], dt=-1)
