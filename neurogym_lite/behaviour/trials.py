"""One row per trial: what the agent saw (signed coherence, per-frame evidence) and did (choice,
correct, aborted), the table every behavioural analysis reads.

:func:`trial_table` reads a :class:`~neurogym_lite.tasks.rollout.Rollout`; :func:`collect_trials`
runs a model on many seeded copies of the fixed-duration task and returns the same table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from neurogym_lite.tasks.rollout import Rollout
from neurogym_lite.utils.display import compact_repr
from neurogym_lite.utils.validation import check_binary

__all__ = [
    "TrialTable",
    "collect_trials",
    "trial_table",
]


# ------------------------------------------------------------------------------ trial table
@dataclass
class TrialTable:
    """One row per completed trial of a two-choice random-dots rollout.

    ``signed_coh[k]``: coherence in %, positive when the motion points towards choice 1;
    ``choice[k]``: 1 or 2, or 0 when the trial ended without a choice (aborted, or timed out);
    ``correct[k]``, ``aborted[k]``: booleans; ``evidence[k, f]``: stimulus 1 minus stimulus 2 on
    stimulus frame ``f`` (NaN after the frames the trial had, e.g. when it was aborted);
    ``session[k]``: which env the trial ran in (:func:`collect_trials` runs several side by side;
    trials of one session are in the order they ran), or None for a single stream of trials.
    """

    __repr__ = compact_repr  # arrays by shape: the default repr prints them in full

    signed_coh: np.ndarray
    choice: np.ndarray
    correct: np.ndarray
    aborted: np.ndarray
    evidence: np.ndarray
    session: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.choice.size)

    @property
    def chose(self) -> np.ndarray:
        """True on trials that ended with a choice (1 or 2)."""
        return self.choice > 0

    @property
    def chose_1(self) -> np.ndarray:
        return self.choice == 1

    @property
    def coh(self) -> np.ndarray:
        return np.abs(self.signed_coh)

    def select(self, mask: Any) -> TrialTable:
        m = check_binary("mask", mask)
        if m.size != len(self):
            raise ValueError(f"mask must have one entry per trial ({len(self)}), got {m.size}")
        return TrialTable(self.signed_coh[m], self.choice[m], self.correct[m], self.aborted[m], self.evidence[m],
                          None if self.session is None else self.session[m])


def trial_table(rollout: Rollout) -> TrialTable:
    """The per-trial table of a rollout of ``PerceptualDecisionMaking-v0`` (two directions).

    A trial counts as aborted when the env marked it so (``trial['aborted']``), or, for envs that do
    not, when it ended on a choice outside the decision period (a fixation break).
    Evidence is read from the observation entries named ``stimulus_1`` and ``stimulus_2``.
    """
    if not isinstance(rollout, Rollout):
        raise TypeError(f"rollout must be a Rollout from neurogym_lite.run_env, got {type(rollout).__name__}")
    if rollout.periods is None:
        raise ValueError("rollout has no period labels; run_env records them for neurogym_lite tasks")
    if rollout.task == "PerceptualDecisionMakingRT-v0" or any("response_step" in t for t in rollout.trials[:50]):
        raise ValueError("trial_table reads the fixed-duration task (PerceptualDecisionMaking-v0: a decision period "
                         f"after the dots); this rollout is of {rollout.task or 'another task'}: use collect_rts for "
                         "the reaction-time task")
    if rollout.num_trials == 0:
        raise ValueError("rollout has no completed trial; run more steps (run_env(num_trials=...))")
    try:
        i1, i2 = rollout.ob_names.index("stimulus_1"), rollout.ob_names.index("stimulus_2")
    except ValueError:
        raise ValueError(f"rollout's observations have no stimulus_1/stimulus_2 entries: {rollout.ob_names}") from None
    if "stimulus_3" in rollout.ob_names:
        raise ValueError("trial_table handles the two-direction task (dim_ring=2) only")
    periods = np.asarray(rollout.periods)
    ends = rollout.trial_ends
    n = ends.size
    signed = np.empty(n)
    frames: list[np.ndarray] = []
    aborted = np.zeros(n, dtype=bool)
    for k in range(n):
        trial = rollout.trials[k]
        if "coh" not in trial or "ground_truth" not in trial:
            raise ValueError(f"trial {k} has no 'coh'/'ground_truth' parameters: {trial}")
        signed[k] = float(trial["coh"]) * (1 if int(trial["ground_truth"]) == 0 else -1)
        steps = rollout.trial_steps(k)
        stim = periods[steps] == "stimulus"
        obs = rollout.obs[steps]
        frames.append((obs[stim, i1] - obs[stim, i2]).astype(float))
        aborted[k] = bool(trial.get("aborted", periods[ends[k]] != "decision" and rollout.actions[ends[k]] != 0))
    width = max((f.size for f in frames), default=0)
    evidence = np.full((n, width), np.nan)
    for k, f in enumerate(frames):
        evidence[k, : f.size] = f
    choice = np.where(aborted, 0, rollout.choices).astype(int)
    return TrialTable(signed, choice, rollout.performance.astype(bool), aborted, evidence)


def collect_trials(
    model: Any,
    make_env: Callable[[], gym.Env],
    num_trials: int = 2000,
    *,
    n_envs: int = 16,
    seed: int = 0,
    deterministic: bool = True,
) -> TrialTable:
    """Run ``model`` on ``n_envs`` fresh envs from ``make_env`` and return the :class:`TrialTable` of
    ``num_trials`` completed trials, with the evidence of every stimulus frame.

    The same loop as :func:`neurogym_lite.agents.evaluation.evaluate` (env ``i`` reset with ``seed + i``,
    one batched ``model.predict`` per step, LSTM state carried across trials as in training), which
    also keeps what :func:`trial_table` needs; many times faster than :func:`neurogym_lite.run_env`
    on one env. For ``PerceptualDecisionMaking-v0`` (two directions) and its wrappers.
    """
    from neurogym_lite.agents.evaluation import run_trials

    if not callable(make_env):
        raise TypeError(f"make_env must be a function that builds an env, got {make_env!r}")
    from neurogym_lite.tasks import require_task

    probe = make_env()
    require_task(probe, "fixed-duration", "collect_trials")
    names = list(getattr(probe.unwrapped, "ob_names", []))
    probe.close()
    if "stimulus_1" not in names or "stimulus_2" not in names or "stimulus_3" in names:
        raise ValueError(f"collect_trials needs the two-direction random-dots task, got observations {names}")
    i1, i2 = names.index("stimulus_1"), names.index("stimulus_2")
    # What each env's agent saw: per env, one record per trial (t_ind 0 starts a trial): the
    # evidence of its stimulus frames and the period of its latest step.
    seen: dict[int, list[tuple[list[float], list[str]]]] = {}

    def record(i: int, env: gym.Env, ob: np.ndarray) -> None:
        task = env.unwrapped
        trials = seen.setdefault(i, [])
        if task.t_ind == 0 or not trials:
            trials.append(([], [""]))
        frames, period = trials[-1]
        period[0] = task.period_now
        if period[0] == "stimulus":
            frames.append(float(ob[i1] - ob[i2]))

    ended = run_trials(model, make_env, num_trials, n_envs=n_envs, seed=seed, deterministic=deterministic,
                       before_step=record)
    signed: list[float] = []
    choice: list[int] = []
    correct: list[bool] = []
    aborted: list[bool] = []
    evidence: list[list[float]] = []
    session: list[int] = []
    taken: dict[int, int] = {}  # env -> how many of its trials are used so far
    for t in ended:
        k = taken.get(t.env_index, 0)
        taken[t.env_index] = k + 1
        frames, period = seen[t.env_index][k]
        trial = t.info.get("trial", {})
        a = t.action
        # the env marks aborted trials (trial['aborted']); older envs: a choice before the decision period
        broke = bool(trial.get("aborted", period[0] != "decision" and a != 0))
        signed.append(float(trial["coh"]) * (1 if int(trial["ground_truth"]) == 0 else -1))
        choice.append(0 if broke else a)
        correct.append(bool(t.info.get("performance", 0)))
        aborted.append(broke)
        evidence.append(frames)
        session.append(t.env_index)
    n = num_trials
    width = max(len(f) for f in evidence[:n])
    ev = np.full((n, width), np.nan)
    for k, f in enumerate(evidence[:n]):
        ev[k, : len(f)] = f
    # Rows grouped by env, each env's trials in the order they ran (what choice_history needs).
    order = np.argsort(np.array(session[:n]), kind="stable")
    return TrialTable(np.array(signed[:n])[order], np.array(choice[:n], dtype=int)[order],
                      np.array(correct[:n])[order], np.array(aborted[:n])[order], ev[order],
                      np.array(session[:n])[order])
