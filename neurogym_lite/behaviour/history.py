"""Choice history: how the previous trial shapes the next choice."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from neurogym_lite.behaviour.stats import binomial_ci
from neurogym_lite.utils.validation import (
    check_array,
    check_binary,
    check_labels,
    check_level,
    check_same_length,
)

__all__ = [
    "ChoiceHistory",
    "choice_history",
]


# ------------------------------------------------------------------------- choice history
@dataclass
class ChoiceHistory:
    """P(repeat the previous choice) after a correct and after an error trial.

    Each entry of ``after`` (``'correct'``, ``'error'``) is ``(p_repeat, low, high, n_pairs)``
    with a Wilson interval; ``expected`` is P(repeat) if choices were independent of the past,
    given how often each choice was made in those pairs (0.5 for an unbiased observer).
    """

    after: dict[str, tuple[float, float, float, int]]
    expected: dict[str, float]
    level: float


def choice_history(choice: Any, correct: Any, *, session: Any = None, level: float = 0.95) -> ChoiceHistory:
    """P(repeat) after correct and after error trials, from consecutive trials.

    ``choice[k]`` is 1, 2, ... or 0 for no choice (aborted / timed out), ``correct[k]`` whether
    trial k was correct. Pairs (k-1, k) in which either trial has no choice are left out, and so
    are pairs from different ``session``s (e.g. :attr:`TrialTable.session`), when given.
    """
    ch = check_array("choice", choice, ndim=1)
    if not np.all((ch >= 0) & (ch == np.round(ch))):
        raise ValueError("choice must hold non-negative integers (0 = no choice)")
    ok = check_binary("correct", correct)
    check_same_length(choice=ch, correct=ok)
    level = check_level(level)
    prev, nxt, prev_ok = ch[:-1], ch[1:], ok[:-1]
    valid = (prev > 0) & (nxt > 0)
    if session is not None:
        sess = check_labels("session", session)
        check_same_length(choice=ch, session=sess)
        valid &= sess[:-1] == sess[1:]
    after: dict[str, tuple[float, float, float, int]] = {}
    expected: dict[str, float] = {}
    for name, sel in (("correct", valid & prev_ok), ("error", valid & ~prev_ok)):
        n = int(sel.sum())
        if n == 0:
            after[name] = (math.nan, math.nan, math.nan, 0)
            expected[name] = math.nan
            continue
        k = int((prev[sel] == nxt[sel]).sum())
        lo, hi = binomial_ci(k, n, level)
        after[name] = (k / n, float(lo[0]), float(hi[0]), n)
        values = np.unique(np.concatenate([prev[sel], nxt[sel]]))
        expected[name] = float(sum(np.mean(prev[sel] == v) * np.mean(nxt[sel] == v) for v in values))
    return ChoiceHistory(after, expected, level)
