"""NeuroGym's ``SideBias`` wrapper: blocks of trials in which one side is more likely."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from neurogym_lite.utils.validation import check_int, check_real
from neurogym_lite.wrappers.forwarding import ForwardAttributes

__all__ = ["SideBias"]


class SideBias(ForwardAttributes, gym.Wrapper[Any, Any, Any, Any]):
    """Draw each trial's correct side with block-wise probabilities (NeuroGym's ``SideBias``).

    ``probs`` is a matrix with one row per block and one column per choice of the task (its
    ``choices``, e.g. the ``dim_ring`` directions): row ``b`` gives the probability of each
    correct side during block ``b``. ``block_dur`` sets how long a block lasts:

    - an ``int`` ``n >= 1``: every block lasts ``n`` trials;
    - a ``float`` ``p`` in (0, 1): after each trial, the block changes with probability ``p``;
    - a pair ``(low, high)`` of ints: each block lasts a number of trials drawn uniformly from
      ``low..high`` (both included).

    A new block is a different row from the current one (drawn uniformly among the others); the
    first block of a session is drawn uniformly at ``reset``. Every draw comes from the task's
    seeded generator, so ``reset(seed=)`` reproduces the blocks too. Each trial's parameters
    (``info['trial']``) gain ``block`` (the row) and ``probs`` (its probabilities). A trial whose
    side is fixed by the caller (``reset(options={'trial': {'ground_truth': 1}})``) keeps it.

    The wrapper changes the task itself (as NeuroGym's trial wrappers do), from the next
    ``reset`` on.
    """

    metadata: dict[str, Any] = {  # noqa: RUF012 (gymnasium declares it so)
        "render_modes": [],
        "description": "Changes the probability of the correct side in blocks of trials.",
    }
    passes_reward_through = True

    def __init__(self, env: gym.Env, probs: Any, block_dur: Any = 200) -> None:
        super().__init__(env)
        task = env.unwrapped
        choices = getattr(task, "choices", None)
        if not hasattr(task, "add_trial_modifier") or choices is None:
            raise TypeError(f"SideBias needs a trial-based task with `choices` (e.g. PerceptualDecisionMaking-v0), "
                            f"got {type(task).__name__}")
        self.choices = np.asarray(choices)
        self.choice_prob = _check_probs(probs, len(self.choices))
        self.n_block = self.choice_prob.shape[0]
        self.block_dur = _check_block_dur(block_dur)
        self.curr_block = 0
        self._left: int | None = None  # trials left in the block (None: switch by probability)
        self._start = True
        self._pending: tuple[int, int | None] = (0, None)
        task.add_trial_modifier(self)

    # ------------------------------------------------------------------ the task's trials
    def on_reset(self, task: Any) -> None:
        self._start = True

    def _duration(self, rng: np.random.Generator) -> int | None:
        dur = self.block_dur
        if isinstance(dur, tuple):
            return int(rng.integers(dur[0], dur[1] + 1))
        return dur if isinstance(dur, int) else None

    def before_trial(self, task: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
        rng = task.np_random
        block, left = self.curr_block, self._left
        if self._start:
            block, left = int(rng.integers(self.n_block)), self._duration(rng)
        else:
            switch = (rng.random() < self.block_dur) if left is None else left <= 0
            if switch:
                if self.n_block > 1:
                    block = int(rng.choice([b for b in range(self.n_block) if b != block]))
                left = self._duration(rng)
        if left is not None:
            left -= 1
        self._pending = (block, left)
        if "ground_truth" not in kwargs:
            kwargs["ground_truth"] = int(rng.choice(self.choices, p=self.choice_prob[block]))
        return kwargs

    def after_trial(self, task: Any, trial: dict[str, Any]) -> None:
        # committed only once the trial is built: a refused trial leaves the block as it was
        self.curr_block, self._left = self._pending
        self._start = False
        trial["block"] = self.curr_block
        trial["probs"] = self.choice_prob[self.curr_block].copy()


def _check_probs(probs: Any, n_choices: int) -> np.ndarray:
    rows = np.asarray(probs, dtype=object) if not isinstance(probs, np.ndarray) else probs
    if isinstance(probs, (str, bytes)) or rows.ndim != 2:
        raise TypeError(f"probs must be a matrix (a list of rows, one per block, e.g. [[0.8, 0.2], [0.2, 0.8]]), "
                        f"got {probs!r:.80}")
    try:
        arr = np.array([[check_real("probs entry", p, low=0.0, high=1.0) for p in row] for row in rows.tolist()])
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"probs: {exc}") from None
    if arr.shape[1] != n_choices:
        raise ValueError(f"probs has {arr.shape[1]} columns, but the task has {n_choices} choices: one column "
                         "per choice")
    sums = arr.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > 1e-6)
    if bad.size:
        raise ValueError(f"each row of probs must sum to 1; rows {bad.tolist()} sum to {sums[bad].tolist()}")
    return arr / sums[:, None]


def _check_block_dur(block_dur: Any) -> int | float | tuple[int, int]:
    expected = ("block_dur must be an int >= 1 (trials per block), a float in (0, 1) (the probability of a "
                "switch after each trial) or a pair (low, high) of ints (trials per block drawn from low..high)")
    if isinstance(block_dur, (bool, np.bool_)):
        raise TypeError(f"{expected}; got {block_dur!r}")
    if isinstance(block_dur, (int, np.integer)):
        return check_int("block_dur", block_dur, 1)
    if isinstance(block_dur, (float, np.floating)):
        return check_real("block_dur", block_dur, low=0.0, high=1.0, low_open=True, high_open=True)
    if isinstance(block_dur, (tuple, list)) and len(block_dur) == 2:
        low = check_int("block_dur low", block_dur[0], 1)
        high = check_int("block_dur high", block_dur[1], low)
        return (low, high)
    raise TypeError(f"{expected}; got {block_dur!r:.80}")
