"""The trial-based task base class.

A task is a sequence of trials, each made of named periods (``fixation``, ``stimulus``, ...)
whose durations come from a timing spec (see :mod:`neurogym_lite.tasks.timing`). At the start of a
trial the task draws the trial's parameters and writes the whole trial's observations and ground
truth into arrays, so that :meth:`TrialEnv.step` only reads them.

Time convention: ``reset`` returns the observation of step 0 of the first trial. The action
passed to ``step`` answers the observation the agent has just received (step ``t``); it is
judged against the period and ground truth of step ``t``; ``step`` then returns the observation
of step ``t + 1``, or of step 0 of the next trial when this action ended the trial.

Trials follow one another in a single endless episode, as in NeuroGym: ``terminated`` and
``truncated`` are always ``False``; wrap the env in ``gymnasium.wrappers.TimeLimit`` if you need
episodes to end.

NeuroGym's way of writing a task is accepted too, on the same machinery (see :class:`TrialEnv`):
``super().__init__(dt=dt)`` then ``self.timing = {...}`` (and ``self.timing.update(timing)``),
spaces with named entries from :mod:`neurogym_lite.tasks.spaces`, ``self.rng``, ``set_ob``, ``view_ob``,
and a ``_step`` that returns ``(ob, reward, terminated, truncated, info)`` built from
``self.ob_now``, ``self.gt_now`` and ``self.in_period(...)``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np

from neurogym_lite.tasks.neurogym_idiom import NeuroGymIdiom, env_string
from neurogym_lite.tasks.periods import TrialPeriods
from neurogym_lite.tasks.timing import TimingSpec, check_dt
from neurogym_lite.tasks.trial_arrays import TrialArrays
from neurogym_lite.tasks.trial_modifiers import TrialModifiers

__all__ = ["TrialEnv", "env_string"]  # env_string: NeuroGym has it in neurogym.core


class TrialEnv(TrialPeriods, TrialArrays, NeuroGymIdiom, TrialModifiers, gym.Env[np.ndarray, np.int64]):
    """Base class for trial-based tasks.

    Subclasses set ``default_timing`` (the periods, in order, with default durations), optionally
    ``required_periods`` (periods that need at least one step), build ``observation_space``,
    ``action_space``, ``ob_names`` and ``act_names`` in ``__init__`` after calling
    ``super().__init__(dt, timing)``, and implement two methods:

    ``_new_trial(**kwargs) -> dict``
        Draw the trial's parameters from ``self.np_random`` (``kwargs`` may fix some of them),
        call :meth:`add_period`, :meth:`add_ob`, :meth:`add_randn` and :meth:`set_groundtruth`,
        and return the trial's parameters as a dict.
    ``_step(action) -> (reward, new_trial)``
        Judge one action using :attr:`period_now` and :attr:`gt_now`; set ``self.performance = 1``
        when the trial is solved.

    NeuroGym's idiom works on the same machinery: call ``super().__init__(dt=dt)``, then set
    ``self.timing = {...}`` (changes to it, also in place, apply from the next trial); name the
    entries of the spaces with :mod:`neurogym_lite.tasks.spaces` (``where=`` then takes those names);
    draw from ``self.rng`` (the seeded ``np_random``, a numpy ``Generator``); and let ``_step``
    return ``(ob, reward, terminated, truncated, info)`` with ``info['new_trial']`` saying whether
    the trial ended. Returning ``self.ob_now`` (or any view of ``self.ob``) gives the usual next
    observation; another array is returned as it is; ``terminated``/``truncated`` and extra
    ``info`` keys are passed on.

    Every ``info`` has ``new_trial`` and ``gt`` (the ground-truth action at the step just judged).
    The step that ends a trial adds ``performance`` (1 correct, 0 otherwise) and ``trial``: the
    parameters of **the trial that just ended** (NeuroGym reports the next trial's instead).
    """

    metadata: dict[str, Any] = {"render_modes": []}  # noqa: RUF012 (gymnasium declares it so)
    default_timing: ClassVar[Mapping[str, TimingSpec]] = {}
    required_periods: ClassVar[tuple[str, ...]] = ()
    #: reward added when a trial runs out of time without the agent ending it
    r_tmax: float = 0.0

    def __init__(self, dt: float = 100, timing: Mapping[str, TimingSpec] | None = None) -> None:
        self.dt = check_dt(dt)
        if timing is not None and not isinstance(timing, Mapping):
            raise TypeError(f"timing must be a dict of period name -> duration spec, got {timing!r}")
        merged: dict[str, TimingSpec] = dict(self.default_timing)
        if timing:
            if self.default_timing:
                unknown = [k for k in timing if k not in self.default_timing]
                if unknown:
                    raise ValueError(
                        f"timing has unknown period(s) {unknown}; this task's periods are "
                        f"{list(self.default_timing)}"
                    )
            merged.update(timing)
        missing = [p for p in self.required_periods if p not in merged]
        if missing:
            raise ValueError(f"timing is missing period(s) {missing}; give a duration for each")
        self.timing = merged  # parsed and checked here (see the timing property)
        self.num_tr = 0
        self.trial: dict[str, Any] = {}
        self.performance = 0
        self.t_ind = 0
        self._n_steps = 0
        self._ob: np.ndarray | None = None
        self._gt: np.ndarray | None = None
        self._gt_list: list[int] = []
        self._period_at: list[str] = []
        # per-step period names of each trial layout seen (see new_trial)
        self._period_at_cache: dict[tuple[Any, Any], list[str]] = {}
        self._period_at_cache_steps = 0
        # ``step``'s fast action check: the action space it was last read from, and its size.
        self._act_space: Any = None
        self._n_act = 0
        self.start_ind: dict[str, int] = {}
        self.end_ind: dict[str, int] = {}
        # trial wrappers (ReactionTime, SideBias) that take part in drawing every trial
        self._trial_modifiers: list[Any] = []
        self._allow_empty_timing = False
        self._empty_trial = False

    # ------------------------------------------------------------------ trials
    def new_trial(self, **kwargs: Any) -> dict[str, Any]:
        """Start a new trial now; ``kwargs`` fix trial parameters (e.g. ``coh=51.2``).

        If the trial cannot be built (a bad parameter), the error is raised and the running
        trial is left as it was.
        """
        saved = (self.start_ind, self.end_ind, self._n_steps, self._ob, self._gt)
        self.start_ind, self.end_ind = {}, {}
        self._n_steps = 0
        self._ob = None
        self._gt = None
        try:
            for modifier in self._trial_modifiers:
                kwargs = modifier.before_trial(self, dict(kwargs))
            trial = self._new_trial(**kwargs)
            if not isinstance(trial, Mapping):
                raise TypeError(f"{type(self).__name__}._new_trial() must return the trial's parameters as a dict "
                                f"(e.g. {{'ground_truth': 1}}), got {type(trial).__name__} {trial!r:.60}")
            if self._n_steps == 0:
                if not self._allow_empty_timing:
                    raise RuntimeError(
                        f"{type(self).__name__}._new_trial() added no period with steps; a task whose trials have "
                        "no periods (its _step says when a trial ends) opts in with "
                        "self._post_init(allow_empty_timing=True) at the end of __init__")
                return self._start_empty_trial(trial)
            for modifier in self._trial_modifiers:
                modifier.after_trial(self, trial)
            self._check_groundtruth()
        except BaseException:
            self.start_ind, self.end_ind, self._n_steps, self._ob, self._gt = saved
            raise
        self._empty_trial = False
        self._ensure_arrays()
        assert self._gt is not None
        self._gt_list = self._gt.tolist()
        # Most tasks repeat a handful of period layouts, so the per-step period names are built
        # once per layout (the list is only read, never changed in place).
        key = (tuple(self.start_ind.items()), tuple(self.end_ind.items()))
        period_at = self._period_at_cache.get(key)
        if period_at is None:
            period_at = [""] * self._n_steps
            for name, start in self.start_ind.items():
                period_at[start : self.end_ind[name]] = [name] * (self.end_ind[name] - start)
            # bounded in entries and in total steps (long random trials would pile up otherwise)
            self._period_at_cache_steps += self._n_steps
            if len(self._period_at_cache) >= 256 or self._period_at_cache_steps > 1_000_000:
                self._period_at_cache.clear()
                self._period_at_cache_steps = self._n_steps
            self._period_at_cache[key] = period_at
        self._period_at = period_at
        self.t_ind = 0
        self.performance = 0
        self.trial = trial
        return trial

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _step(self, action: int) -> tuple[float, bool]:  # pragma: no cover - abstract
        raise NotImplementedError

    # ------------------------------------------------------------------ gymnasium API
    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Start a fresh trial sequence. ``options={'trial': {...}}`` fixes the first trial's
        parameters (e.g. ``{'trial': {'coh': 0}}``).

        Bad ``options`` raise before anything changes: the running trial, if any, goes on.
        """
        trial_kwargs: dict[str, Any] = {}
        if options is not None:
            if not isinstance(options, Mapping):
                raise TypeError(f"reset options must be a dict such as {{'trial': {{'coh': 0}}}}, got {options!r}")
            unknown = [k for k in options if k not in ("trial", "no_step")]
            if unknown:
                raise ValueError(f"reset options has unknown key(s) {unknown}; expected 'trial' (or NeuroGym's "
                                 "'no_step', which changes nothing here: reset never takes a step)")
            if "trial" in options:
                if not isinstance(options["trial"], Mapping):
                    raise TypeError(f"reset options['trial'] must be a dict of trial parameters, got {options['trial']!r}")
                trial_kwargs = dict(options["trial"])
        # the trial parameters are checked by _new_trial: on failure, restore the generator too
        self._post_init_once()
        saved = (self._np_random, self._np_random_seed, self.num_tr)
        super().reset(seed=seed)
        self.num_tr = 0
        try:
            for modifier in self._trial_modifiers:
                modifier.on_reset(self)
            self.new_trial(**trial_kwargs)
        except BaseException:
            self._np_random, self._np_random_seed, self.num_tr = saved
            raise
        self._act_space = self.action_space
        self._n_act = self._n_actions
        if self._empty_trial:
            return self._empty_observation(), {"new_trial": False, "gt": self.trial.get("ground_truth")}
        return self._ob[0].copy(), {"new_trial": False, "gt": self._gt_list[0]}  # type: ignore[index]

    def _check_action(self, action: Any) -> int:
        try:
            a = operator.index(action)
        except TypeError:
            raise TypeError(
                f"action must be an integer in the action space {self.action_space}, got "
                f"{action!r} of type {type(action).__name__}"
            ) from None
        if not 0 <= a < self._n_actions:
            raise ValueError(
                f"action must be in the action space {self.action_space} "
                f"({', '.join(f'{i}={n}' for i, n in enumerate(self.act_names))}), got {a}"
            )
        return a

    @property
    def _n_actions(self) -> int:
        return int(self.action_space.n)  # type: ignore[attr-defined]

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        if self._ob is None:
            if self._empty_trial:
                return self._step_empty(action)
            raise RuntimeError("call reset() before step()")
        # Fast path for the common case, a plain int inside the action space that ``reset`` saw;
        # anything else (numpy integers, bools, bad actions, a replaced space) takes the full check.
        if type(action) is int and 0 <= action < self._n_act and self.action_space is self._act_space:
            a = action
        else:
            a = self._check_action(action)
        gt = self._gt_list[self.t_ind]
        out = self._step(a)
        # the usual result checked cheaply; anything else takes the full check, which names the problem
        if (type(out) is tuple and len(out) == 2 and type(out[1]) is bool and type(out[0]) in (float, int)
                and math.isfinite(out[0])):
            reward, new_trial = out
            neurogym = None
        else:
            reward, new_trial, neurogym = self._check_step_result(out)
        t = self.t_ind + 1
        if not new_trial and t >= self._n_steps:
            new_trial = True
            reward += self.r_tmax
        if new_trial:
            info = {"new_trial": True, "gt": gt, "performance": self.performance, "trial": self.trial}
            self.num_tr += 1
            self.new_trial()
            t = 0
        else:
            self.t_ind = t
            info = {"new_trial": False, "gt": gt}
        if neurogym is not None:
            return self._neurogym_step_result(self._ob[t], float(reward), info, *neurogym)  # type: ignore[index]
        # a copy: a caller that edits the returned observation must not change the trial
        return self._ob[t].copy(), float(reward), False, False, info  # type: ignore[index]

    def _check_step_result(self, out: Any) -> tuple[float, bool, Any]:
        """``(reward, new_trial, neurogym)`` from a ``_step`` result that is not a plain
        ``(float, bool)``: numpy scalars accepted, NeuroGym's 5-tuple unpacked, anything else refused."""
        name = f"{type(self).__name__}._step"
        if not isinstance(out, (tuple, list)) or len(out) not in (2, 5):
            raise TypeError(f"{name} must return (reward, new_trial) or NeuroGym's (ob, reward, terminated, truncated, "
                            f"info), got {type(out).__name__} {out!r:.80}")
        reward = out[0] if len(out) == 2 else out[1]
        if isinstance(reward, np.ndarray) and reward.size == 1:
            reward = reward.reshape(()).item()  # NeuroGym's tasks may compute it as a 1-element array
        if isinstance(reward, (bool, np.bool_)) or not isinstance(reward, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} returned a reward that is not a number: {reward!r:.60}")
        if not math.isfinite(float(reward)):
            raise ValueError(f"{name} returned a reward that is not finite: {reward!r}")
        if len(out) == 2:
            new_trial = out[1]
            neurogym = None
        else:
            info = out[4]
            if not isinstance(info, Mapping):
                raise TypeError(f"{name} returned an info that is not a dict: {info!r:.60}")
            new_trial = info.get("new_trial", False)
            neurogym = (tuple(out), self._ob)
        if not isinstance(new_trial, (bool, np.bool_)):
            raise TypeError(f"{name}: new_trial must be True or False, got {new_trial!r:.60}")
        return float(reward), bool(new_trial), neurogym

    def _check_groundtruth(self) -> None:
        """The ground truth of a new trial must be actions of the action space."""
        n = getattr(self.action_space, "n", None)
        if n is None or self._gt is None or self._gt.size == 0:
            return
        lo, hi = int(self._gt.min()), int(self._gt.max())
        if lo < 0 or hi >= int(n):
            raise ValueError(f"{type(self).__name__}._new_trial() set a ground truth outside the action space "
                             f"{self.action_space} (values {lo}..{hi})")

    # ------------------------------------------------------------------ description
    @property
    def reward_bounds(self) -> tuple[float, float]:
        """Smallest and largest reward a single step can give (used by ``PassReward``)."""
        return (-math.inf, math.inf)

    def describe(self) -> str:
        """A multi-line description of the task: what ``print(env)`` shows."""
        name = self.spec.id if self.spec is not None else type(self).__name__
        lines = [f"{name} ({type(self).__name__})", f"  dt: {self.dt:g} ms", "  timing:"]
        lines += [f"    {p}: {t.describe()}" for p, t in self._timing.items()]
        lines += self._describe_extra()
        lines.append(f"  observations: {', '.join(self.ob_names)}")
        lines.append(f"  actions: {', '.join(f'{i}={n}' for i, n in enumerate(self.act_names))}")
        return "\n".join(lines)

    def _describe_extra(self) -> list[str]:
        return []

    def __str__(self) -> str:
        # Angle brackets, as gymnasium's own envs, so that wrappers print as <Wrapper<...>>.
        return f"<{self.describe()}>"
