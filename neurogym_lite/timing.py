"""Timing specifications for trial periods.

A period's duration is given in milliseconds, in one of these forms:

==========================================  =====================================================
spec                                        meaning
==========================================  =====================================================
``300`` or ``('constant', 300)``            always 300 ms
``('uniform', (200, 600))``                 uniform between 200 and 600 ms, rounded to ``dt``
``('choice', [200, 400])`` or ``[200, 400]``  one of the listed durations, equally likely
``('truncated_exponential', (m, lo, hi))``  exponential with mean ``m`` truncated to ``[lo, hi]``,
                                            rounded to ``dt`` (``hi`` may be omitted: no upper
                                            bound)
a callable ``f()`` or ``f(rng)``            whatever it returns, rounded to ``dt``; with one
                                            argument it receives the env's ``np_random`` so that
                                            ``reset(seed=...)`` makes it reproducible
==========================================  =====================================================

Fixed durations (numbers, ``constant``, ``choice``) must be multiples of ``dt``: a 250 ms
period cannot be shown at ``dt=100`` and silently changing it would hide a mistake. Random
durations are rounded to the nearest multiple of ``dt``.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

TimingSpec = Union[float, int, tuple, list, Callable[..., float]]

DISTRIBUTIONS = ("constant", "uniform", "choice", "truncated_exponential")


def check_dt(dt: Any) -> float:
    """Return ``dt`` as a float, or raise if it is not a positive finite number of ms."""
    if isinstance(dt, bool) or not isinstance(dt, (int, float, np.integer, np.floating)):
        raise TypeError(f"dt must be a positive number of milliseconds, got {dt!r}")
    if not math.isfinite(dt) or dt <= 0:
        raise ValueError(f"dt must be a positive number of milliseconds, got {dt!r}")
    return float(dt)


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _nearest_steps(ms: float, dt: float) -> int:
    return math.floor(ms / dt + 0.5)


@dataclass(frozen=True)
class PeriodTiming:
    """A validated timing spec for one period; ``sample`` returns a duration in steps.

    Kept as plain data (no closures) so that environments stay picklable, which subprocess
    vector environments need.
    """

    period: str
    kind: str
    params: tuple
    dt: float
    min_steps: int
    func: Callable[..., float] | None = None
    func_takes_rng: bool = False

    def sample(self, rng: np.random.Generator) -> int:
        kind, p = self.kind, self.params
        if kind == "constant":
            return p[0]
        if kind == "choice":
            return p[int(rng.integers(len(p)))]
        if kind == "uniform":
            ms = rng.uniform(p[0], p[1])
        elif kind == "truncated_exponential":
            mean, lo, hi = p
            # Inverse-CDF sampling of the truncated distribution: exact, and no rejection loop
            # that could spin when [lo, hi] sits far in the tail.
            f_lo = -math.expm1(-lo / mean)
            f_hi = 1.0 if math.isinf(hi) else -math.expm1(-hi / mean)
            u = rng.uniform(f_lo, f_hi)
            ms = -mean * math.log1p(-u)
        else:  # callable
            assert self.func is not None
            ms = self.func(rng) if self.func_takes_rng else self.func()
            if not _is_number(ms) or not math.isfinite(ms) or ms < 0:
                raise ValueError(
                    f"timing[{self.period!r}]: the callable returned {ms!r}; "
                    "expected a non-negative duration in ms"
                )
        steps = _nearest_steps(float(ms), self.dt)
        if steps < self.min_steps:
            raise ValueError(
                f"timing[{self.period!r}]: sampled duration {ms} ms is shorter than dt="
                f"{self.dt:g} ms, but this period needs at least one step"
            )
        return steps

    def describe(self) -> str:
        dt = self.dt
        if self.kind == "constant":
            return f"{self.params[0] * dt:g} ms"
        if self.kind == "choice":
            return "one of " + ", ".join(f"{s * dt:g}" for s in self.params) + " ms"
        if self.kind == "uniform":
            return f"uniform {self.params[0]:g}-{self.params[1]:g} ms"
        if self.kind == "truncated_exponential":
            m, lo, hi = self.params
            return f"truncated exponential, mean {m:g} ms in [{lo:g}, {hi:g}] ms"
        return f"callable {getattr(self.func, '__name__', repr(self.func))}"


def _fixed_steps(period: str, ms: Any, dt: float) -> int:
    if not _is_number(ms) or not math.isfinite(ms):
        raise TypeError(f"timing[{period!r}]: duration must be a number of ms, got {ms!r}")
    if ms < 0:
        raise ValueError(f"timing[{period!r}]: duration must be >= 0 ms, got {ms!r}")
    steps = ms / dt
    if abs(steps - round(steps)) > 1e-6:
        lo, hi = math.floor(steps) * dt, math.ceil(steps) * dt
        raise ValueError(
            f"timing[{period!r}]: duration {ms:g} ms is not a multiple of dt={dt:g} ms; "
            f"use a multiple of dt such as {lo:g} or {hi:g}"
        )
    return round(steps)


def _numbers(period: str, kind: str, params: Any, n: Sequence[int]) -> tuple[float, ...]:
    if not isinstance(params, (tuple, list)) or len(params) not in n:
        shape = " or ".join(str(k) for k in n)
        raise TypeError(
            f"timing[{period!r}]: ({kind!r}, params) needs params as a tuple of {shape} "
            f"numbers, got {params!r}"
        )
    for v in params:
        if not _is_number(v):
            raise TypeError(f"timing[{period!r}]: {kind} parameters must be numbers, got {v!r}")
    return tuple(float(v) for v in params)


def parse_timing(period: str, spec: TimingSpec, dt: float, min_steps: int = 0) -> PeriodTiming:
    """Validate one period's timing spec and return a :class:`PeriodTiming`.

    ``min_steps`` is the fewest steps the task needs in this period (1 for a period in which
    the agent must see or do something).
    """

    def too_short(shortest_ms: float) -> ValueError:
        return ValueError(
            f"timing[{period!r}]: this period needs at least one step of dt={dt:g} ms, but the "
            f"spec {spec!r} allows {shortest_ms:g} ms"
        )

    if callable(spec) and not isinstance(spec, (tuple, list)):
        try:
            n_params = len(inspect.signature(spec).parameters)
        except (TypeError, ValueError):
            n_params = 0
        return PeriodTiming(period, "callable", (), dt, min_steps, spec, n_params >= 1)
    if _is_number(spec):
        spec = ("constant", spec)
    elif isinstance(spec, list):
        spec = ("choice", spec)
    if not (isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], str)):
        raise TypeError(
            f"timing[{period!r}]: expected a number of ms, a (distribution, params) tuple, "
            f"a list of durations or a callable, got {spec!r}"
        )
    kind, params = spec
    if kind == "constant":
        steps = _fixed_steps(period, params, dt)
        if steps < min_steps:
            raise too_short(steps * dt)
        return PeriodTiming(period, kind, (steps,), dt, min_steps)
    if kind == "choice":
        if not isinstance(params, (list, tuple, np.ndarray)) or len(params) == 0:
            raise TypeError(
                f"timing[{period!r}]: ('choice', durations) needs a non-empty list of "
                f"durations in ms, got {params!r}"
            )
        steps_list = tuple(_fixed_steps(period, v, dt) for v in params)
        if min(steps_list) < min_steps:
            raise too_short(min(steps_list) * dt)
        return PeriodTiming(period, kind, steps_list, dt, min_steps)
    if kind == "uniform":
        lo, hi = _numbers(period, kind, params, (2,))
        if lo < 0 or hi < lo:
            raise ValueError(
                f"timing[{period!r}]: ('uniform', (lo, hi)) needs 0 <= lo <= hi, got {params!r}"
            )
        if _nearest_steps(lo, dt) < min_steps:
            raise too_short(lo)
        return PeriodTiming(period, kind, (lo, hi), dt, min_steps)
    if kind == "truncated_exponential":
        vals = _numbers(period, kind, params, (2, 3))
        mean, lo = vals[0], vals[1]
        hi = vals[2] if len(vals) == 3 else math.inf
        if mean <= 0 or lo < 0 or hi < lo:
            raise ValueError(
                f"timing[{period!r}]: ('truncated_exponential', (mean, lo, hi)) needs "
                f"mean > 0 and 0 <= lo <= hi, got {params!r}"
            )
        if _nearest_steps(lo, dt) < min_steps:
            raise too_short(lo)
        return PeriodTiming(period, kind, (mean, lo, hi), dt, min_steps)
    raise ValueError(
        f"timing[{period!r}]: unknown timing distribution {kind!r}; expected one of "
        f"{', '.join(DISTRIBUTIONS)} (or a number, a list of numbers, or a callable)"
    )
