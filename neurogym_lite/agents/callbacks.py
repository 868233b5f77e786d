"""Stable-baselines3 callbacks for trial-based tasks.

The tasks run as one endless episode, so SB3's usual episode statistics (``ep_rew_mean``) never
appear. :class:`TrialAccuracyCallback` reads ``info['performance']`` at the end of each trial
instead and reports the running trial accuracy while training.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from stable_baselines3.common.callbacks import BaseCallback

__all__ = ["TrialAccuracyCallback"]


class TrialAccuracyCallback(BaseCallback):
    """Track the accuracy of the trials completed during training.

    Every ``log_every`` environment steps it records the accuracy of the last ``window`` trials
    (across all envs) in the SB3 logger as ``trial/accuracy`` (so it reaches TensorBoard or CSV
    outputs), appends a row to :attr:`history`, and with ``verbose=1`` prints one line.

    ``log_every`` and ``window`` are positive integers (a ``TypeError`` / ``ValueError`` names
    the argument otherwise; nothing is truncated).

    Note: these are the *training* trials, with sampled (exploratory) actions; a deterministic
    evaluation (:func:`neurogym_lite.agents.evaluation.evaluate`) usually scores higher.
    """

    def __init__(self, log_every: int = 2048, window: int = 500, verbose: int = 0) -> None:
        for name, value in (("log_every", log_every), ("window", window), ("verbose", verbose)):
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"{name} must be an integer, got {value!r}")
        if log_every < 1:
            raise ValueError(f"log_every must be a positive number of steps, got {log_every!r}")
        if window < 1:
            raise ValueError(f"window must be a positive number of trials, got {window!r}")
        super().__init__(verbose=int(verbose))
        self.log_every = int(log_every)
        self.window = int(window)
        self._recent: deque[int] = deque(maxlen=self.window)
        self.n_trials = 0
        self._next_log = self.log_every
        #: rows of (timesteps, trials completed so far, accuracy over the last `window` trials)
        self.history: list[tuple[int, int, float]] = []

    def _on_step(self) -> bool:
        for info in self.locals.get("infos", ()):
            if info.get("new_trial"):
                self._recent.append(int(info.get("performance", 0)))
                self.n_trials += 1
        if self.num_timesteps >= self._next_log:
            self._log()
            while self._next_log <= self.num_timesteps:
                self._next_log += self.log_every
        return True

    def _on_training_end(self) -> None:
        if not self.history or self.history[-1][0] != self.num_timesteps:
            self._log()

    @property
    def accuracy(self) -> float:
        """Accuracy over the last ``window`` training trials (nan before any trial ends)."""
        return float(np.mean(self._recent)) if self._recent else float("nan")

    def _log(self) -> None:
        acc = self.accuracy
        self.history.append((int(self.num_timesteps), self.n_trials, acc))
        self.logger.record("trial/accuracy", acc)
        self.logger.record("trial/count", self.n_trials)
        if self.verbose:
            print(f"steps {self.num_timesteps:>7d}   trials {self.n_trials:>6d}   "
                  f"training accuracy (last {len(self._recent)} trials) {acc:.3f}")
