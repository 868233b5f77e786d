"""Hidden states of a recurrent agent, cut into trials x time x units and aligned to an event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from neurogym_lite.tasks.rollout import Rollout
from neurogym_lite.utils.display import compact_repr
from neurogym_lite.utils.validation import check_int

__all__ = [
    "AlignedStates",
    "align_states",
    "align_to_response",
    "states_array",
]


# ---------------------------------------------------------------------------------- network states
@dataclass
class AlignedStates:
    """Network states cut into trials and aligned to the onset of a period.

    ``data[k, i, u]`` is unit ``u`` of trial ``k`` at ``times[i]`` steps from the onset (0 = the
    first step of the period), NaN where trial ``k`` has no such step (it had ended, or had not
    started). ``trials[k]``, ``choices[k]`` and ``performance[k]`` describe the trial, and
    ``trial_ids[k]`` is its index among the rollout's completed trials.
    """

    __repr__ = compact_repr  # arrays by shape: the default repr prints them in full

    data: np.ndarray
    times: np.ndarray
    trials: list[dict[str, Any]]
    choices: np.ndarray
    performance: np.ndarray
    trial_ids: np.ndarray
    period: str
    dt: float | None = None

    @property
    def n_trials(self) -> int:
        return int(self.data.shape[0])

    @property
    def n_units(self) -> int:
        return int(self.data.shape[2])

    def param(self, key: str) -> np.ndarray:
        """One trial parameter (e.g. ``'coh'``) for every trial."""
        return np.array([t[key] for t in self.trials])

    def select(self, mask: Any) -> AlignedStates:
        """The trials where ``mask`` is True."""
        m = np.asarray(mask, dtype=bool)
        if m.shape != (self.n_trials,):
            raise ValueError(f"mask must have one entry per trial ({self.n_trials}), got shape {m.shape}")
        idx = np.flatnonzero(m)
        return AlignedStates(self.data[idx], self.times, [self.trials[i] for i in idx], self.choices[idx],
                             self.performance[idx], self.trial_ids[idx], self.period, self.dt)


def _lstm_states(rollout: Any, states: str) -> np.ndarray:
    """A rollout's recorded ``'hidden'`` or ``'cell'`` states, steps x units, checked."""
    if not isinstance(rollout, Rollout):
        raise TypeError(f"rollout must be a neurogym_lite Rollout (from run_env), got {type(rollout).__name__}")
    if states not in ("hidden", "cell"):
        raise ValueError(f"states must be 'hidden' or 'cell', got {states!r}")
    x = rollout.hidden if states == "hidden" else rollout.cell
    if x is None:
        raise ValueError("the rollout has no LSTM states: run run_env with a recurrent model (RecurrentPPO)")
    return x


def align_states(
    rollout: Rollout,
    period: str = "stimulus",
    *,
    before: int = 0,
    after: int | None = None,
    states: str = "hidden",
) -> AlignedStates:
    """Cut a rollout's LSTM states into trials, aligned to the first step of ``period``.

    Keeps the completed trials that contain ``period``; the window runs from ``before`` steps
    before its onset to ``after`` steps after it (default: the longest trial's end). ``states``
    is ``'hidden'`` or ``'cell'``. The rollout must come from a recurrent model and record
    periods (``run_env`` on a trial-based task does both).
    """
    x = _lstm_states(rollout, states)
    if rollout.periods is None:
        raise ValueError("the rollout has no period labels: run it on a trial-based (TrialEnv) task")
    if not isinstance(period, str):
        raise TypeError(f"period must be a period name, got {period!r}")
    # a Rollout edited or assembled by hand: say which field disagrees instead of an IndexError
    n_steps = rollout.num_steps
    for name, length in ((states, len(x)), ("periods", len(rollout.periods)), ("new_trial", len(rollout.new_trial))):
        if length != n_steps:
            raise ValueError(f"inconsistent rollout: {name} has {length} steps but actions has {n_steps}")
    ended = int(np.count_nonzero(rollout.new_trial))
    if not (ended == rollout.num_trials == len(rollout.trials)):
        raise ValueError(
            f"inconsistent rollout: {ended} trial ends in new_trial, {rollout.num_trials} in performance, "
            f"{len(rollout.trials)} in trials"
        )
    before = check_int("before", before, 0)
    if after is not None:
        after = check_int("after", after, 1)
    periods = np.asarray(rollout.periods)
    if period not in set(rollout.periods):
        raise ValueError(f"period {period!r} never occurs in the rollout; periods are {sorted(set(rollout.periods))}")
    onsets, spans, ids = [], [], []
    for k in range(rollout.num_trials):
        sl = rollout.trial_steps(k)
        hit = np.flatnonzero(periods[sl] == period)
        if hit.size:
            onsets.append(sl.start + int(hit[0]))
            spans.append((sl.start, sl.stop))
            ids.append(k)
    if not ids:
        raise ValueError(f"no completed trial contains period {period!r}")
    if after is None:
        after = max(stop - onset for onset, (_, stop) in zip(onsets, spans, strict=True))
    times = np.arange(-before, after)
    data = np.full((len(ids), times.size, x.shape[1]), np.nan, dtype=float)
    for row, (onset, (start, stop)) in enumerate(zip(onsets, spans, strict=True)):
        steps = onset + times
        ok = (steps >= start) & (steps < stop)
        data[row, ok] = x[steps[ok]]
    idx = np.asarray(ids)
    return AlignedStates(
        data=data, times=times, trials=[rollout.trials[i] for i in ids], choices=rollout.choices[idx],
        performance=rollout.performance[idx], trial_ids=idx, period=period, dt=rollout.dt,
    )


def states_array(states: Any) -> np.ndarray:
    data = states.data if isinstance(states, AlignedStates) else states
    if isinstance(data, (str, bytes)) or data is None:
        raise TypeError(f"states must be an AlignedStates or a (trials, time, units) array, got {data!r}")
    try:
        arr = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("states must be an AlignedStates or a (trials, time, units) array of numbers") from None
    if arr.ndim != 3:
        raise ValueError(f"states must have shape (trials, time, units), got shape {arr.shape}")
    return arr


def align_to_response(rollout: Any, *, before: int = 30, after: int = 1, states: str = "hidden") -> Any:
    """Cut a rollout's LSTM states into trials aligned to the response, as LIP activity is shown
    aligned to the saccade (Roitman & Shadlen 2002, Fig. 7-9).

    Keeps the completed trials that ended with a choice during the stimulus (``trial['rt']`` set);
    ``times`` run from ``-before`` to ``after - 1`` steps, 0 = the step whose state produced the
    choice. Returns an :class:`neurogym_lite.neural.states.AlignedStates` (``period='response'``), NaN
    where a trial has no such step (before its stimulus onset, or after it ended).
    """

    x = _lstm_states(rollout, states)
    before = check_int("before", before, 0)
    after = check_int("after", after, 1)
    ids = [k for k in range(rollout.num_trials) if rollout.trials[k].get("rt") is not None]
    if not ids:
        raise ValueError("no completed trial ended with a choice during the stimulus")
    times = np.arange(-before, after)
    data = np.full((len(ids), times.size, x.shape[1]), np.nan, dtype=float)
    for row, k in enumerate(ids):
        sl = rollout.trial_steps(k)
        trial = rollout.trials[k]
        # the stimulus-onset step bounds the window: LIP is aligned within the decision epoch
        first = sl.start + int(trial["stim_onset_step"])
        resp = sl.start + int(trial["response_step"])
        steps = resp + times
        ok = (steps >= first) & (steps < sl.stop)
        data[row, ok] = x[steps[ok]]
    idx = np.asarray(ids)
    return AlignedStates(data=data, times=times, trials=[rollout.trials[i] for i in ids],
                         choices=rollout.choices[idx], performance=rollout.performance[idx], trial_ids=idx,
                         period="response", dt=rollout.dt)
