"""The current trial's observation and ground-truth arrays: the data half of
:class:`~neurogym_lite.tasks.trial_env.TrialEnv`.

At the start of a trial a task writes the whole trial's observations and correct actions into two
arrays (:meth:`TrialArrays.add_ob`, :meth:`~TrialArrays.add_randn`,
:meth:`~TrialArrays.set_groundtruth`, or NeuroGym's ``set_ob`` / ``view_ob``), so that stepping only
reads them. ``where=`` picks observation entries by name: an entry of ``observation_space.name``
(NeuroGym's named spaces), an observation name, a group prefix (``'stimulus'``), or indices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from neurogym_lite.tasks.periods import PeriodArg

__all__ = ["TrialArrays"]


class TrialArrays:
    """Observation and ground-truth arrays of the current trial (a mixin of ``TrialEnv``, whose
    other parts provide ``_period_slice``, ``_require_trial`` (:class:`~neurogym_lite.tasks.periods.TrialPeriods`)
    and ``ob_names`` (:class:`~neurogym_lite.tasks.neurogym_idiom.NeuroGymIdiom`))."""

    observation_space: Any
    action_space: Any
    np_random: np.random.Generator
    t_ind: int
    _n_steps: int
    _ob: np.ndarray | None
    _gt: np.ndarray | None
    _gt_list: list[int]

    def _where_index(self, where: str | int | Sequence[int] | None) -> Any:
        if where is None:
            return slice(None)
        if isinstance(where, str):
            named = getattr(self.observation_space, "name", None)  # NeuroGym's named entries first
            if isinstance(named, Mapping) and where in named:
                return named[where]
            idx = [i for i, n in enumerate(self.ob_names) if n == where or n.startswith(where + "_")]
            if not idx:
                raise ValueError(f"where={where!r} matches no observation; names are {self.ob_names}")
            return idx[0] if len(idx) == 1 and self.ob_names[idx[0]] == where else idx
        return where

    def _ensure_arrays(self) -> np.ndarray:
        if self._ob is None:
            shape = (self._n_steps, *(self.observation_space.shape or ()))
            self._ob = np.zeros(shape, dtype=np.float32)
            self._gt = np.zeros(self._n_steps, dtype=np.int64)
        return self._ob

    def add_ob(self, value: Any, period: PeriodArg = None, where: str | int | None = None) -> None:
        """Add ``value`` to the observation during ``period`` at the entries ``where``.

        ``where`` is a name from ``observation_space.name`` (NeuroGym's named spaces), an
        observation name (``'fixation'``) or a group prefix (``'stimulus'`` selects
        ``stimulus_1 ... stimulus_n``), or indices. ``value`` may be a callable: it receives the
        current values there and returns what to add.
        """
        ob = self._ensure_arrays()
        col = self._where_index(where)
        for sl in self._period_slice(period):
            v = value(ob[sl, col]) if callable(value) else value
            ob[sl, col] += np.asarray(v, dtype=np.float32)

    def set_ob(self, value: Any, period: PeriodArg = None, where: str | int | None = None) -> None:
        """Like :meth:`add_ob`, but replaces the values there instead of adding to them."""
        ob = self._ensure_arrays()
        col = self._where_index(where)
        for sl in self._period_slice(period):
            ob[sl, col] = 0.0
        self.add_ob(value, period, where)

    def view_ob(self, period: str | None = None) -> np.ndarray:
        """The observations of ``period`` (all of the trial if None), as a writable view."""
        ob = self._ensure_arrays()
        return ob if period is None else ob[self._period_slice(period)[0]]

    def view_groundtruth(self, period: str | None = None) -> np.ndarray:
        """The ground truth of ``period`` (all of the trial if None), as a writable view."""
        self._ensure_arrays()
        assert self._gt is not None
        return self._gt if period is None else self._gt[self._period_slice(period)[0]]

    def add_randn(
        self, mu: float = 0.0, sigma: float = 1.0, period: PeriodArg = None, where: str | None = None
    ) -> None:
        """Add independent Gaussian noise, drawn from ``self.np_random``, to the observation."""
        ob = self._ensure_arrays()
        col = self._where_index(where)
        for sl in self._period_slice(period):
            view = ob[sl, col]
            noise = self.np_random.standard_normal(view.shape, dtype=np.float32)
            ob[sl, col] = view + (mu + sigma * noise).astype(np.float32)

    def set_groundtruth(self, value: int, period: PeriodArg = None, where: str | None = None) -> None:
        """Set the correct action during ``period`` (0 elsewhere by default).

        With ``where`` (NeuroGym's named action spaces), the action is ``action_space.name[where][value]``:
        ``set_groundtruth(0, 'decision', where='choice')`` sets the first 'choice' action."""
        self._ensure_arrays()
        assert self._gt is not None
        if where is not None:
            named = getattr(self.action_space, "name", None)
            if not isinstance(named, Mapping) or where not in named:
                raise ValueError(
                    f"where={where!r} is not a name of the action space (its names: "
                    f"{list(named) if isinstance(named, Mapping) else 'none'})"
                )
            idx = named[where]
            value = idx if isinstance(idx, int) else idx[int(value)]
        for sl in self._period_slice(period):
            self._gt[sl] = value

    @property
    def ob(self) -> np.ndarray:
        """The current trial's observations, shape ``(steps, obs_dim)``."""
        if self._ob is None:
            raise RuntimeError("no trial yet: call reset() first")
        return self._ob

    @property
    def gt(self) -> np.ndarray:
        """The current trial's ground-truth action at each step."""
        if self._gt is None:
            raise RuntimeError("no trial yet: call reset() first")
        return self._gt

    @property
    def gt_now(self) -> int:
        self._require_trial()
        return self._gt_list[self.t_ind]

    @property
    def ob_now(self) -> np.ndarray:
        return self.ob[self.t_ind]
