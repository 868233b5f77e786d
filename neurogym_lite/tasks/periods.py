"""Trial periods and their timing: the bookkeeping half of :class:`~neurogym_lite.tasks.trial_env.TrialEnv`.

A trial is a sequence of named periods (``fixation``, ``stimulus``, ...) whose durations come from
the task's timing specs (:mod:`neurogym_lite.tasks.timing`). :class:`TrialPeriods` holds the specs
(``env.timing``, re-parsed when changed, also in place, as NeuroGym's idiom does), lays out each new
trial's periods (:meth:`~TrialPeriods.add_period`) and answers where the current step is
(``period_now``, ``in_period``, ``t``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from neurogym_lite.tasks import timing as _timing_mod
from neurogym_lite.tasks.timing import PeriodTiming, TimingSpec, parse_timing, too_many_steps

__all__ = ["PeriodArg", "TrialPeriods"]

PeriodArg = str | Sequence[str] | None


def _marking(name: str) -> Any:
    """``dict.<name>``, noting on the dict that it changed."""
    method = getattr(dict, name)

    def marked(self: _TimingDict, *args: Any, **kwargs: Any) -> Any:
        self.changed = True
        return method(self, *args, **kwargs)

    marked.__name__ = name
    return marked


class _TimingDict(dict):  # type: ignore[type-arg]
    """``env.timing``: a dict that notes when it is changed, so that NeuroGym's idiom
    (``self.timing = {...}; self.timing.update(timing)`` after ``super().__init__``) takes effect:
    the specs are parsed again at the next trial."""

    changed = True
    __setitem__ = _marking("__setitem__")
    __delitem__ = _marking("__delitem__")
    __ior__ = _marking("__ior__")
    update = _marking("update")
    pop = _marking("pop")
    popitem = _marking("popitem")
    clear = _marking("clear")
    setdefault = _marking("setdefault")


class TrialPeriods:
    """Timing specs and the period layout of the current trial (a mixin of ``TrialEnv``).

    Needs ``dt``, ``required_periods``, ``np_random`` and the per-trial fields that
    ``TrialEnv.__init__`` sets (``start_ind``, ``end_ind``, ``_n_steps``, ``_period_at``, ``t_ind``).
    """

    dt: float
    required_periods: tuple[str, ...]
    np_random: np.random.Generator
    start_ind: dict[str, int]
    end_ind: dict[str, int]
    t_ind: int
    _n_steps: int
    _period_at: list[str]
    _ob: np.ndarray | None

    @property
    def timing(self) -> dict[str, TimingSpec]:
        """The duration spec of each period (see :mod:`neurogym_lite.tasks.timing`).

        Assigning a dict, or changing this one in place, takes effect from the next trial."""
        return self._timing_spec

    @timing.setter
    def timing(self, value: Mapping[str, TimingSpec]) -> None:
        if not isinstance(value, Mapping):
            raise TypeError(f"timing must be a dict of period name -> duration spec, got {value!r}")
        self._timing_spec = _TimingDict(value)
        self._timing  # noqa: B018 (parse now: a bad spec fails where it is set)

    @property
    def _timing(self) -> dict[str, PeriodTiming]:
        """The parsed specs, parsed again after ``timing`` changed."""
        spec = self._timing_spec
        if spec.changed:
            parsed = {
                name: parse_timing(name, s, self.dt, 1 if name in self.required_periods else 0)
                for name, s in spec.items()
            }
            # A trial is built in memory at its start: refuse now a timing whose longest trial is
            # over the limit (periods that can be unbounded are checked as they are drawn).
            longest = sum(t.max_steps for t in parsed.values() if math.isfinite(t.max_steps))
            if longest > _timing_mod.MAX_STEPS_PER_TRIAL:
                raise too_many_steps(f"timing: the longest trial ({longest * self.dt:g} ms)", longest, self.dt)
            self._parsed_timing = parsed
            spec.changed = False
        return self._parsed_timing

    def add_period(self, period: str | Sequence[str], duration: float | Sequence[float] | None = None) -> None:
        """Append one period (or several, in order) to the trial being built.

        ``duration`` (ms, a multiple of ``dt``) overrides the timing spec: a number for a single
        period, or one number per period for a list (as in NeuroGym).
        """
        names = [period] if isinstance(period, str) else list(period)
        if duration is not None and not isinstance(period, str):
            if not isinstance(duration, Sequence) or len(duration) != len(names):
                raise ValueError(
                    f"duration must give one duration per period ({len(names)}) when adding several, "
                    f"got {duration!r}"
                )
            for name, d in zip(names, duration, strict=True):
                self.add_period(name, d)
            return
        if self._ob is not None:
            raise RuntimeError("add every period of the trial before writing observations")
        for name in names:
            if name in self.start_ind:
                raise ValueError(f"period {name!r} was already added to this trial")
            if duration is not None:
                steps = parse_timing(name, duration, self.dt).params[0]
            else:
                if name not in self._timing:
                    raise ValueError(
                        f"period {name!r} is missing from timing; timing has "
                        f"{list(self._timing)}"
                    )
                steps = self._timing[name].sample(self.np_random)
            if self._n_steps + steps > _timing_mod.MAX_STEPS_PER_TRIAL:
                raise too_many_steps(f"this trial (up to period {name!r})", self._n_steps + steps, self.dt)
            self.start_ind[name] = self._n_steps
            self._n_steps += steps
            self.end_ind[name] = self._n_steps

    def _period_slice(self, period: PeriodArg) -> list[slice]:
        if period is None:
            return [slice(0, self._n_steps)]
        names = [period] if isinstance(period, str) else list(period)
        for name in names:
            if name not in self.start_ind:
                raise ValueError(
                    f"period {name!r} has not been added to this trial (added: {list(self.start_ind)})"
                )
        return [slice(self.start_ind[n], self.end_ind[n]) for n in names]

    @property
    def t(self) -> float:
        """Time since the start of the current trial, in ms."""
        return self.t_ind * self.dt

    @property
    def tmax(self) -> float:
        """Duration of the current trial, in ms."""
        return self._n_steps * self.dt

    @property
    def start_t(self) -> dict[str, float]:
        return {k: v * self.dt for k, v in self.start_ind.items()}

    @property
    def end_t(self) -> dict[str, float]:
        return {k: v * self.dt for k, v in self.end_ind.items()}

    def _require_trial(self) -> None:
        if self._ob is None or not self._period_at:
            raise RuntimeError("no trial yet: call reset() first")

    @property
    def period_now(self) -> str:
        """Name of the period the current step belongs to."""
        self._require_trial()
        return self._period_at[self.t_ind]

    def in_period(self, period: str, t: float | None = None) -> bool:
        """Whether the current step (or the step at time ``t`` in ms) belongs to ``period``."""
        self._require_trial()
        if t is None:
            return self._period_at[self.t_ind] == period
        i = int(t // self.dt)
        return 0 <= i < self._n_steps and self._period_at[i] == period

    def periods(self) -> list[str]:
        """The period name of every step of the current trial."""
        return list(self._period_at)
