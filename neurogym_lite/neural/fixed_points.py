"""Fixed and slow points of a recurrent network, and the linear dynamics around them.

A trained RNN driven by a constant input is a map ``x -> F(x)`` on its state space. Sussillo &
Barak (2013, Neural Computation 25:626) find the places where that map barely moves the state by
minimising the *speed* ``q(x) = 1/2 ||F(x) - x||^2`` from many initial states; minima with
``q = 0`` are fixed points, small non-zero minima are *slow points*, and the Jacobian ``dF/dx``
there linearises the dynamics: an eigenvalue close to 1 is a direction in which the state neither
grows nor decays (a line attractor when the slow points line up along it, Mante et al. 2013),
eigenvalues above 1 are unstable directions (a saddle between two attractors). Golub & Sussillo
(2018, JOSS 3:1003) describe the practical choices followed here: initial states sampled from
states the network visited, a tolerance on ``q``, de-duplication of points that converged to the
same place, and rejection of points far outside the visited region.

:func:`find_fixed_points` takes any batched map written in torch (``step(x)`` with ``x`` of shape
``(batch, n)``, float64), so the same finder runs on the test systems with known answers and on
an LSTM (:mod:`neurogym_lite.neural.lstm_dynamics`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from neurogym_lite.utils.display import compact_repr
from neurogym_lite.utils.validation import check_array, check_int, check_positive, check_real

__all__ = ["MARGINAL", "FixedPoints", "find_fixed_points", "time_constants"]

#: Eigenvalue moduli within this of 1 are neutral (rounding of an exact 1), neither stable nor unstable.
MARGINAL = 1e-9

#: Moduli within this of 1 have an infinite time constant (see ``time_constants``).
_NEUTRAL_TOLERANCE = 1e-12


def time_constants(eigenvalues: Any, dt: float) -> np.ndarray:
    """The time constant of each eigenvalue of a discrete map with step ``dt``: a mode scaled by
    ``|lambda|`` per step decays (``|lambda| < 1``) as ``exp(-t / tau)`` with ``tau = -dt / ln|lambda|``.
    ``inf`` at ``|lambda| = 1`` (within ``1e-12``: an eigensolver returns a neutral mode's modulus
    only to rounding, and ``1 - 1e-16`` would read as a time constant of ``1e16`` steps that no
    state ever shows); negative values are growth times of unstable modes (``|lambda| > 1``)."""
    dt = check_positive("dt", dt)
    lam = np.abs(np.asarray(eigenvalues, dtype=complex))
    neutral = np.abs(lam - 1.0) <= _NEUTRAL_TOLERANCE
    # log of a stand-in where the answer is set anyway: no log(1) = 0 division, no log(0)
    finite = np.where(neutral, 2.0, np.maximum(lam, np.nextafter(0, 1)))
    return np.where(neutral, np.inf, -dt / np.log(finite))


@dataclass
class FixedPoints:
    """The slow points found, slowest first.

    ``points[k]`` is a state where the speed ``speeds[k] = 1/2 ||F(x) - x||^2`` is below
    ``tolerance``; ``jacobians[k]`` is ``dF/dx`` there; ``eigenvalues[k]`` its eigenvalues sorted by
    modulus (largest first) with ``eigenvectors[k][:, j]`` the right eigenvector of
    ``eigenvalues[k, j]``. ``n_initial`` states were optimised; ``n_too_fast`` of them ended above
    the tolerance, ``n_outliers`` ended far outside the initial states, and ``n_duplicates``
    converged to a point already kept.
    """

    __repr__ = compact_repr

    points: np.ndarray
    speeds: np.ndarray
    jacobians: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    n_initial: int
    n_too_fast: int
    n_outliers: int
    n_duplicates: int
    tolerance: float

    def __len__(self) -> int:
        return int(self.points.shape[0])

    @property
    def n_unstable(self) -> np.ndarray:
        """Per point, the number of eigenvalues with modulus above 1 (0: an attractor, 1: a saddle
        with one unstable direction, ...). A modulus within ``MARGINAL`` of 1 counts as neutral (a
        line attractor's direction), not unstable: it is 1 up to rounding."""
        return np.sum(np.abs(self.eigenvalues) > 1.0 + MARGINAL, axis=1)

    @property
    def stable(self) -> np.ndarray:
        """Per point, whether no eigenvalue has modulus above 1 (``1 + MARGINAL``)."""
        return self.n_unstable == 0

    @property
    def top_eigenvalue(self) -> np.ndarray:
        """Per point, the eigenvalue of largest modulus (the slowest or least stable mode)."""
        return self.eigenvalues[:, 0] if len(self) else np.zeros(0, dtype=complex)

    def top_mode(self, k: int) -> np.ndarray:
        """The unit-norm eigenvector of point ``k``'s top eigenvalue (real part; sign arbitrary)."""
        k = check_int("k", k, 0, len(self) - 1)
        v = np.real(self.eigenvectors[k][:, 0])
        return v / np.linalg.norm(v)

    def summary(self) -> str:
        lines = [f"{len(self)} slow point(s) with speed q < {self.tolerance:g} from {self.n_initial} initial states "
                 f"({self.n_too_fast} ended faster, {self.n_outliers} outliers, {self.n_duplicates} duplicates)"]
        for k in range(min(len(self), 5)):
            lam = self.eigenvalues[k, 0]
            kind = "stable" if self.stable[k] else f"{self.n_unstable[k]} unstable mode(s)"
            lines.append(f"  q = {self.speeds[k]:.2e}, top |eigenvalue| {abs(lam):.4f}, {kind}")
        if len(self) > 5:
            lines.append(f"  ... {len(self) - 5} more")
        return "\n".join(lines)


def _speeds(step: Callable[[Any], Any], x: Any) -> Any:
    return 0.5 * ((step(x) - x) ** 2).sum(dim=1)


def _minimise(step: Callable[[Any], Any], x0: np.ndarray, max_iterations: int) -> np.ndarray:
    """L-BFGS on every initial state at once: the speeds are independent, so their sum separates.
    (Golub & Sussillo use Adam; near a slow attractor its steps shrink with the gradient and
    thousands are needed, where L-BFGS's curvature estimate converges in tens to hundreds.)"""
    import torch

    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([x], lr=1.0, max_iter=max_iterations, history_size=50, line_search_fn="strong_wolfe",
                            tolerance_grad=1e-14, tolerance_change=1e-24)

    def total_speed() -> Any:
        opt.zero_grad()
        q = _speeds(step, x).sum()
        q.backward()
        return q

    opt.step(total_speed)
    return x.detach().numpy()


def _jacobian(step: Callable[[Any], Any], point: np.ndarray) -> np.ndarray:
    import torch

    x = torch.tensor(point, dtype=torch.float64)
    return torch.autograd.functional.jacobian(lambda v: step(v[None])[0], x).numpy()


def find_fixed_points(
    step: Callable[[Any], Any],
    initial_states: Any,
    *,
    tolerance: float = 1e-6,
    max_iterations: int = 1000,
    unique_distance: float | None = None,
    outlier_scale: float = 10.0,
    jitter: float = 0.0,
    seed: int = 0,
) -> FixedPoints:
    """Slow points of the map ``step`` (torch, batched: ``(batch, n) -> (batch, n)``, float64).

    Every row of ``initial_states`` (``(m, n)``; states the network visited, as Golub & Sussillo
    advise) is moved down the speed ``q`` (``max_iterations`` L-BFGS iterations), after adding Gaussian noise of SD ``jitter`` (drawn from ``seed``) so that
    nearby starts explore. Kept: states ending with ``q < tolerance``, not farther from the initial
    states' centroid than ``outlier_scale`` times the initial states' mean distance from it, and
    more than ``unique_distance`` (Euclidean) from a slower point already kept; by default 2 % of the
    initial states' mean distance from their centroid, so that points converging slowly along a
    slow direction (their speed below the tolerance before they reach the same point) count once. The tolerance is
    in the state's own units squared: for states of order 1, ``1e-6`` means the state moves by
    less than ~0.0014 per step.
    """
    if not callable(step):
        raise TypeError(f"step must be a callable map of torch tensors (batch, n) -> (batch, n), got {step!r:.60}")
    x0 = check_array("initial_states", initial_states, ndim=2, finite=True, min_size=1)
    tolerance = check_positive("tolerance", tolerance)
    max_iterations = check_int("max_iterations", max_iterations, 1)
    outlier_scale = check_positive("outlier_scale", outlier_scale)
    if unique_distance is not None:
        unique_distance = check_real("unique_distance", unique_distance, low=0.0)
    jitter = check_real("jitter", jitter, low=0.0)
    seed = check_int("seed", seed, 0)
    m, n = x0.shape
    if jitter > 0:
        x0 = x0 + np.random.default_rng(seed).normal(0.0, jitter, size=x0.shape)

    import torch

    with torch.no_grad():
        probe = step(torch.tensor(x0[:1], dtype=torch.float64))
    if tuple(probe.shape) != (1, n):
        raise ValueError(f"step must map states of shape (batch, {n}) to the same shape, got {tuple(probe.shape)}")

    x = _minimise(step, x0, max_iterations)
    with torch.no_grad():
        q = _speeds(step, torch.tensor(x, dtype=torch.float64)).numpy()
    slow = np.isfinite(q) & (q < tolerance)
    centroid = x0.mean(axis=0)
    radius = float(np.mean(np.linalg.norm(x0 - centroid, axis=1)))
    if unique_distance is None:
        unique_distance = 0.02 * radius
    far = np.linalg.norm(x - centroid, axis=1) > outlier_scale * max(radius, math.ulp(1.0))
    candidates = np.flatnonzero(slow & ~far)
    kept: list[int] = []
    for i in candidates[np.argsort(q[candidates], kind="stable")]:
        if all(np.linalg.norm(x[i] - x[j]) > unique_distance for j in kept):
            kept.append(int(i))
    points = x[kept].reshape(len(kept), n)
    jac = np.stack([_jacobian(step, p) for p in points]) if kept else np.zeros((0, n, n))
    eig = np.zeros((len(kept), n), dtype=complex)
    vec = np.zeros((len(kept), n, n), dtype=complex)
    for k, J in enumerate(jac):
        w, v = np.linalg.eig(J)
        order = np.argsort(-np.abs(w), kind="stable")
        eig[k], vec[k] = w[order], v[:, order]
    return FixedPoints(points=points, speeds=q[kept], jacobians=jac, eigenvalues=eig, eigenvectors=vec,
                       n_initial=m, n_too_fast=int(np.sum(~slow)), n_outliers=int(np.sum(slow & far)),
                       n_duplicates=int(candidates.size - len(kept)), tolerance=tolerance)
