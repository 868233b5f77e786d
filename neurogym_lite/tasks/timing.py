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
durations are rounded to the nearest multiple of ``dt``. Every number must be finite (only the
upper bound ``hi`` of ``truncated_exponential`` may be ``math.inf``, meaning no bound).

**Limit.** A period may last at most :data:`MAX_STEPS_PER_TRIAL` steps (100,000: 10,000 s at
``dt=100``, 100 s at ``dt=1``), and so may a whole trial: a trial's observations are built in
memory at its start, so a mistyped duration (``1e12`` ms) or ``dt`` (``1e-6``) would otherwise
try to allocate gigabytes. Specs whose longest duration exceeds it are refused when parsed; a
callable (or an unbounded ``truncated_exponential``) is checked at each draw. To raise it, set
``neurogym_lite.tasks.timing.MAX_STEPS_PER_TRIAL`` before building the env.
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

#: Most steps a period, or a whole trial, may last (see the module docstring). Read at run time,
#: so ``neurogym_lite.tasks.timing.MAX_STEPS_PER_TRIAL = 10**6`` raises it for envs built afterwards.
MAX_STEPS_PER_TRIAL = 100_000


def too_many_steps(what: str, steps: float, dt: float) -> ValueError:
    """The error for a period or trial longer than :data:`MAX_STEPS_PER_TRIAL` steps."""
    return ValueError(
        f"{what} would last {steps:.6g} steps of dt={dt:g} ms, more than the limit of "
        f"MAX_STEPS_PER_TRIAL={MAX_STEPS_PER_TRIAL} steps per trial (a trial's observations are "
        "built in memory); check the duration and dt, or raise the limit with "
        "neurogym_lite.tasks.timing.MAX_STEPS_PER_TRIAL = ..."
    )


def check_dt(dt: Any) -> float:
    """Return ``dt`` as a float, or raise if it is not a positive finite number of ms."""
    if isinstance(dt, bool) or not isinstance(dt, (int, float, np.integer, np.floating)):
        raise TypeError(f"dt must be a positive number of milliseconds, got {dt!r}")
    try:
        value = float(dt)
    except OverflowError:  # an int too large for a float, e.g. 10**400
        value = math.inf
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"dt must be a positive number of milliseconds (finite), got {dt!r:.40}")
    return value


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _nearest_steps(ms: float, dt: float) -> int:
    return math.floor(ms / dt + 0.5)


def truncated_exponential_ms(rng: np.random.Generator, mean: float, lo: float, hi: float) -> float:
    """One draw from an exponential of mean ``mean`` truncated to ``[lo, hi]`` (ms; ``hi`` may be inf)."""
    # Memoryless: an exponential truncated to [lo, hi] is lo + the same exponential truncated to
    # [0, hi - lo]. Its inverse CDF, -mean * log(1 - u * (1 - exp(-w/mean))) with u ~ U[0, 1), is
    # exact however far [lo, hi] sits in the tail (no rejection loop, no CDF values that round to 1)
    # and its log argument stays in (0, 1].
    u = rng.uniform(0.0, 1.0)
    return lo - mean * math.log1p(u * math.expm1(-(hi - lo) / mean))


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
    #: the longest duration the spec can give, in steps (``math.inf`` when unbounded)
    max_steps: float = math.inf

    def sample(self, rng: np.random.Generator) -> int:
        kind, p = self.kind, self.params
        if kind == "constant":
            return p[0]
        if kind == "choice":
            return p[int(rng.integers(len(p)))]
        if kind == "uniform":
            ms = rng.uniform(p[0], p[1])
        elif kind == "truncated_exponential":
            ms = truncated_exponential_ms(rng, *p)
        else:  # callable
            assert self.func is not None
            ms = self.func(rng) if self.func_takes_rng else self.func()
            if not _is_number(ms) or not math.isfinite(ms) or ms < 0:
                raise ValueError(
                    f"timing[{self.period!r}]: the callable returned {ms!r}; "
                    "expected a non-negative duration in ms"
                )
        if ms / self.dt > MAX_STEPS_PER_TRIAL:
            raise too_many_steps(f"timing[{self.period!r}]: a sampled duration of {ms:g} ms", ms / self.dt, self.dt)
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
    if not _is_number(ms):
        raise TypeError(f"timing[{period!r}]: duration must be a number of ms, got {ms!r}")
    if not math.isfinite(ms) or ms < 0:
        raise ValueError(f"timing[{period!r}]: duration must be >= 0 ms (and finite), got {ms!r}")
    steps = ms / dt
    if steps > MAX_STEPS_PER_TRIAL:
        raise too_many_steps(f"timing[{period!r}]: a duration of {ms:g} ms", steps, dt)
    if abs(steps - round(steps)) > 1e-6:
        lo, hi = math.floor(steps) * dt, math.ceil(steps) * dt
        raise ValueError(
            f"timing[{period!r}]: duration {ms:g} ms is not a multiple of dt={dt:g} ms; "
            f"use a multiple of dt such as {lo:g} or {hi:g}"
        )
    return round(steps)


def check_numbers(period: str, kind: str, params: Any, n: Sequence[int]) -> tuple[float, ...]:
    if not isinstance(params, (tuple, list)) or len(params) not in n:
        shape = " or ".join(str(k) for k in n)
        raise TypeError(
            f"timing[{period!r}]: ({kind!r}, params) needs params as a tuple of {shape} "
            f"numbers, got {params!r}"
        )
    for i, v in enumerate(params):
        if not _is_number(v):
            raise TypeError(f"timing[{period!r}]: {kind} parameters must be numbers, got {v!r}")
        # only truncated_exponential's upper bound (its 3rd number) may be infinite: no bound
        if math.isnan(v) or (math.isinf(v) and not (kind == "truncated_exponential" and i == 2 and v > 0)):
            raise ValueError(f"timing[{period!r}]: {kind} parameters must be finite numbers, got {params!r}")
    return tuple(float(v) for v in params)


def _rng_arity(period: str, func: Callable[..., Any]) -> bool:
    """Whether a timing callable takes the rng: it must be callable with no argument or with one
    positional argument; anything else is refused now rather than failing at ``reset``."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):  # builtins without a signature: call them without arguments
        return False
    positional = [p for p in sig.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in sig.parameters.values() if p.default is p.empty
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    takes_var = any(p.kind == p.VAR_POSITIONAL for p in sig.parameters.values())
    if len(required) > 1 or any(p.kind == p.KEYWORD_ONLY for p in required):
        raise TypeError(
            f"timing[{period!r}]: a timing callable must take no argument or one (the env's "
            f"random generator), but {getattr(func, '__name__', func)!r}{sig} requires "
            f"{[p.name for p in required]}"
        )
    return bool(positional) or takes_var


class TruncExp:
    """NeuroGym's ``TruncExp(vmean, vmin=0, vmax=inf)`` timing spec: a duration (ms) drawn from an
    exponential with mean ``vmean``, truncated to ``[vmin, vmax]`` (``vmax`` if ``vmin >= vmax``).

    In a task's ``timing`` it is the spec ``('truncated_exponential', (vmean, vmin, vmax))``, drawn
    from the task's own generator, so ``reset(seed=...)`` reproduces the durations; NeuroGym's draws
    from a generator of its own that ``reset`` does not seed (its ``seed()`` is accepted here and
    changes nothing). Called directly, ``TruncExp(...)(rng)`` draws one duration from ``rng``.
    """

    def __init__(self, vmean: float, vmin: float = 0.0, vmax: float = math.inf) -> None:
        for name, v in (("vmean", vmean), ("vmin", vmin), ("vmax", vmax)):
            if not _is_number(v) or math.isnan(v) or v < 0:
                raise ValueError(f"TruncExp: {name} must be a non-negative number of ms, got {v!r}")
        if vmean <= 0 or math.isinf(vmean) or math.isinf(vmin):
            raise ValueError(f"TruncExp: vmean must be finite and > 0 and vmin finite, got {vmean!r}, {vmin!r}")
        self.vmean, self.vmin, self.vmax = float(vmean), float(vmin), float(vmax)

    def as_spec(self) -> tuple[str, Any]:
        if self.vmin >= self.vmax:
            return ("constant", self.vmax)
        return ("truncated_exponential", (self.vmean, self.vmin, self.vmax))

    def seed(self, seed: Any = None) -> None:
        """NeuroGym's; nothing to do: the durations come from the task's generator."""

    def __call__(self, rng: np.random.Generator | None = None) -> float:
        if self.vmin >= self.vmax:
            return self.vmax
        return truncated_exponential_ms(rng if rng is not None else np.random.default_rng(),
                                        self.vmean, self.vmin, self.vmax)

    def __repr__(self) -> str:
        return f"TruncExp({self.vmean:g}, {self.vmin:g}, {self.vmax:g})"


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

    if isinstance(spec, TruncExp):
        spec = spec.as_spec()
    if callable(spec) and not isinstance(spec, (tuple, list)):
        return PeriodTiming(period, "callable", (), dt, min_steps, spec, _rng_arity(period, spec))
    if _is_number(spec):
        spec = ("constant", spec)
    elif isinstance(spec, list) and len(spec) == 2 and isinstance(spec[0], str):
        # ['uniform', [400, 600]]: a (distribution, params) pair as JSON, TOML and NeuroGym's tests write it
        spec = (spec[0], tuple(spec[1]) if isinstance(spec[1], list) else spec[1])
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
        return PeriodTiming(period, kind, (steps,), dt, min_steps, max_steps=steps)
    if kind == "choice":
        if not isinstance(params, (list, tuple, np.ndarray)) or len(params) == 0:
            raise TypeError(
                f"timing[{period!r}]: ('choice', durations) needs a non-empty list of "
                f"durations in ms, got {params!r}"
            )
        steps_list = tuple(_fixed_steps(period, v, dt) for v in params)
        if min(steps_list) < min_steps:
            raise too_short(min(steps_list) * dt)
        return PeriodTiming(period, kind, steps_list, dt, min_steps, max_steps=max(steps_list))
    if kind == "uniform":
        lo, hi = check_numbers(period, kind, params, (2,))
        if lo < 0 or hi < lo:
            raise ValueError(
                f"timing[{period!r}]: ('uniform', (lo, hi)) needs 0 <= lo <= hi, got {params!r}"
            )
        if _nearest_steps(lo, dt) < min_steps:
            raise too_short(lo)
        if hi / dt > MAX_STEPS_PER_TRIAL:
            raise too_many_steps(f"timing[{period!r}]: ('uniform', (lo, hi)) with hi={hi:g} ms", hi / dt, dt)
        return PeriodTiming(period, kind, (lo, hi), dt, min_steps, max_steps=_nearest_steps(hi, dt))
    if kind == "truncated_exponential":
        vals = check_numbers(period, kind, params, (2, 3))
        mean, lo = vals[0], vals[1]
        hi = vals[2] if len(vals) == 3 else math.inf
        if mean <= 0 or lo < 0 or hi < lo:
            raise ValueError(
                f"timing[{period!r}]: ('truncated_exponential', (mean, lo, hi)) needs "
                f"mean > 0 and 0 <= lo <= hi, got {params!r}"
            )
        if _nearest_steps(lo, dt) < min_steps:
            raise too_short(lo)
        longest = min(hi, lo + 10 * mean)  # without hi: refuse when draws would often exceed the limit
        if longest / dt > MAX_STEPS_PER_TRIAL:
            raise too_many_steps(f"timing[{period!r}]: ('truncated_exponential', {params!r})", longest / dt, dt)
        bound = _nearest_steps(hi, dt) if math.isfinite(hi) else math.inf
        return PeriodTiming(period, kind, (mean, lo, hi), dt, min_steps, max_steps=bound)
    raise ValueError(
        f"timing[{period!r}]: unknown timing distribution {kind!r}; expected one of "
        f"{', '.join(DISTRIBUTIONS)} (or a number, a list of numbers, or a callable)"
    )
