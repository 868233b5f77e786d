"""How trial wrappers take part in drawing a task's trials: the hooks of
:class:`~neurogym_lite.tasks.trial_env.TrialEnv` that :class:`~neurogym_lite.wrappers.ReactionTime`
and :class:`~neurogym_lite.wrappers.SideBias` use (NeuroGym's ``TrialWrapper`` does this by
re-routing ``new_trial`` through the wrapper stack; here the task calls its modifiers itself, so a
trial started inside ``step`` is changed however the task is reached).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["TrialModifiers"]


class TrialModifiers:
    """Registration of trial modifiers and the edit they may need (a mixin of ``TrialEnv``)."""

    _trial_modifiers: list[Any]
    _ob: np.ndarray | None
    _gt: np.ndarray | None
    _n_steps: int
    start_ind: dict[str, int]
    end_ind: dict[str, int]

    def add_trial_modifier(self, modifier: Any) -> None:
        """Let ``modifier`` take part in drawing every trial from the next one on: its
        ``before_trial(task, kwargs)`` returns the trial parameters to draw with, its
        ``after_trial(task, trial)`` may edit the built trial (arrays, periods, parameters) and
        ``on_reset(task)`` runs when the task is reset. The trial wrappers
        (:class:`~neurogym_lite.wrappers.ReactionTime`, :class:`~neurogym_lite.wrappers.SideBias`)
        register themselves so; registering a second of the same kind replaces the first."""
        for name in ("before_trial", "after_trial", "on_reset"):
            if not callable(getattr(modifier, name, None)):
                raise TypeError(f"modifier must have a callable {name}(); got {modifier!r:.60}")
        # wrapping again (a notebook cell run twice) replaces the earlier wrapper of the same kind
        self._trial_modifiers = [m for m in self._trial_modifiers if type(m) is not type(modifier)]
        self._trial_modifiers.append(modifier)

    def truncate_trial(self, n_steps: int) -> None:
        """End the current trial after ``n_steps`` steps: later periods are dropped, a period
        that straddles the cut is shortened (for trial wrappers, in ``after_trial``)."""
        if self._ob is None or self._gt is None:
            raise RuntimeError("no trial to truncate: call it from a trial wrapper's after_trial")
        if not 1 <= n_steps <= self._n_steps:
            raise ValueError(f"n_steps must be in 1..{self._n_steps} (the trial's length), got {n_steps}")
        self._ob, self._gt = self._ob[:n_steps], self._gt[:n_steps]
        for name in [p for p, start in self.start_ind.items() if start >= n_steps]:
            del self.start_ind[name], self.end_ind[name]
        self.end_ind = {p: min(end, n_steps) for p, end in self.end_ind.items()}
        self._n_steps = n_steps
