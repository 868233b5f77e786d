"""Reaction times: collect an agent's choices and reaction times on the reaction-time task, and
summarise them by coherence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

__all__ = [
    "RTData",
    "collect_rts",
    "rt_summary",
]


@dataclass
class RTData:
    """One row per completed trial: coherence (%), 0-based direction, choice (0-based direction,
    -1 when the trial ended without a choice), ``correct`` (bool), reaction time in ms from
    stimulus onset (NaN without a choice), and ``dt`` (ms per step)."""

    coh: np.ndarray
    ground_truth: np.ndarray
    choice: np.ndarray
    correct: np.ndarray
    rt: np.ndarray
    dt: float

    @property
    def n_trials(self) -> int:
        return int(self.coh.size)

    @property
    def answered(self) -> np.ndarray:
        """Trials that ended with a choice during the stimulus (not aborted, not missed)."""
        return np.isfinite(self.rt)

    def select(self, mask: Any) -> RTData:
        m = np.asarray(mask, dtype=bool)
        return RTData(self.coh[m], self.ground_truth[m], self.choice[m], self.correct[m], self.rt[m], self.dt)


def collect_rts(model: Any, make_env: Callable[[], gym.Env], num_trials: int, *, seed: int = 0,
                n_envs: int = 16, deterministic: bool = True) -> RTData:
    """Run a recurrent SB3 ``model`` on ``n_envs`` copies of ``make_env()`` side by side (the LSTM
    state carried across trials, as in training) until ``num_trials`` trials have ended; return
    every completed trial's coherence, choice and reaction time.

    It is :func:`neurogym_lite.agents.evaluation.run_trials`, the loop of ``evaluate`` (env ``i`` reset
    with ``seed + i``): batching the envs makes it ~10x faster than :func:`neurogym_lite.run_env`,
    which steps one env; use ``run_env`` when you need the hidden states.
    """
    from neurogym_lite.agents.evaluation import run_trials

    probe = make_env()
    dt = float(probe.unwrapped.dt)
    probe.close()
    ended = run_trials(model, make_env, num_trials, n_envs=n_envs, seed=seed, deterministic=deterministic)
    rows: list[tuple[float, int, int, bool, float]] = []
    for t in ended:
        trial = t.info["trial"]
        rt = trial.get("rt")
        choice = t.action - 1 if rt is not None else -1
        rows.append((float(trial["coh"]), int(trial["ground_truth"]), choice,
                     bool(t.info["performance"]), float("nan") if rt is None else float(rt)))
    return RTData(
        coh=np.array([r[0] for r in rows]), ground_truth=np.array([r[1] for r in rows]),
        choice=np.array([r[2] for r in rows]), correct=np.array([r[3] for r in rows]),
        rt=np.array([r[4] for r in rows]), dt=dt,
    )


def rt_summary(data: RTData) -> dict[float, dict[str, float]]:
    """Per coherence: number of trials, fraction answered, accuracy among answered trials, and the
    mean / median reaction time (ms) of correct and of error trials."""
    out: dict[float, dict[str, float]] = {}
    for c in np.unique(data.coh):
        d = data.select(data.coh == c)
        ans = d.answered
        ok = ans & d.correct
        err = ans & ~d.correct
        out[float(c)] = {
            "n": int(d.n_trials),
            "answered": float(ans.mean()),
            "accuracy": float(d.correct[ans].mean()) if ans.any() else float("nan"),
            "mean_rt": float(d.rt[ans].mean()) if ans.any() else float("nan"),
            "median_rt": float(np.median(d.rt[ans])) if ans.any() else float("nan"),
            "mean_rt_correct": float(d.rt[ok].mean()) if ok.any() else float("nan"),
            "mean_rt_error": float(d.rt[err].mean()) if err.any() else float("nan"),
            "n_error": int(err.sum()),
        }
    return out
