"""Choice history: how the previous trial shapes the next choice.

:func:`history_regression` is the field's analysis (one logistic regression of the choice on the
stimulus and on the previous choice after a correct and after an error trial), used on both tasks
and every network; :func:`choice_history` gives the raw P(repeat) after correct and error trials,
pooled over stimuli (a first look, confounded by the stimulus and the bias).
"""

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
    "HistoryRegression",
    "choice_history",
    "history_regression",
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


# ------------------------------------------------------------------ history as one regression
@dataclass
class HistoryRegression:
    """``choice 1 ~ stimulus + previous choice after a correct trial + previous choice after an
    error``, one logistic regression (Busse et al. 2011, J Neurosci 31:11351; Urai et al. 2017,
    Nat Commun 8:14637).

    ``weights`` maps ``'bias'``, ``'win'`` (previous choice, +1 for choice 1 and -1 for choice 2,
    when the previous trial was correct) and ``'lose'`` (the same after an error) to
    ``(weight, low, high, p)``: the log-odds weight, its Wald interval at ``level`` and the
    two-sided Wald p-value. ``win > 0`` is win-stay, ``lose < 0`` lose-switch; ``bias`` is the
    log-odds of choice 1 at the weakest coherence (0 % when tested) without history. The stimulus
    enters as one weight per other signed coherence level (``stimulus_weights``, relative to the
    weakest), so the history weights are measured at equal stimulus; levels where every choice was the same carry no information on
    them and are left out (``dropped_levels``). ``p_repeat`` gives the model's P(repeat the
    previous choice) at zero coherence after a correct and after an error trial, for an observer
    without bias. ``n_trials``: the trials the fit used (those with a choice whose previous trial,
    in the same session, also ended with a choice).
    """

    weights: dict[str, tuple[float, float, float, float]]
    stimulus_weights: dict[float, float]
    p_repeat: dict[str, float]
    n_trials: int
    dropped_levels: list[float]
    level: float

    def summary(self) -> str:
        lines = [f"choice history (logistic regression on {self.n_trials} trials; {100 * self.level:.0f} % Wald CIs)"]
        for k, (w, lo, hi, p) in self.weights.items():
            lines.append(f"  {k:<5} {w:+.3f}  [{lo:+.3f}, {hi:+.3f}]  p = {p:.3g}")
        lines.append(f"  P(repeat | previous correct) {self.p_repeat['correct']:.3f}, "
                     f"P(repeat | previous error) {self.p_repeat['error']:.3f} (at 0 % coherence, no bias)")
        return "\n".join(lines)


def _fit_logistic(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood logistic regression (Newton's method on the exact Hessian): weights
    and their covariance (the inverse of the observed information)."""
    from scipy.special import expit

    w = np.zeros(X.shape[1])
    for _ in range(100):
        p = expit(X @ w)
        grad = X.T @ (y - p)
        info = (X * (p * (1 - p))[:, None]).T @ X
        step = np.linalg.solve(info + 1e-9 * np.eye(len(w)), grad)
        w += step
        if np.max(np.abs(step)) < 1e-10:
            break
    p = expit(X @ w)
    info = (X * (p * (1 - p))[:, None]).T @ X
    return w, np.linalg.inv(info)


def history_regression(signed_coh: Any, choice: Any, correct: Any, *, session: Any = None,
                       level: float = 0.95) -> HistoryRegression:
    """Fit :class:`HistoryRegression` to consecutive trials.

    ``signed_coh[k]``: coherence in %, + towards choice 1 (the package's convention);
    ``choice[k]``: 1 or 2, or 0 when trial k ended without a choice (aborted, no answer: such a
    trial is left out and breaks the chain, so the next trial has no 'previous trial');
    ``correct[k]``: whether trial k was correct; ``session``: labels of independent streams of
    trials (no history across them; the trials of each stream in the order they ran, streams
    possibly interleaved, as batched envs end them). Works for the fixed-duration task
    (:class:`~neurogym_lite.behaviour.trials.TrialTable`: ``signed_coh``, ``choice``, ``correct``,
    ``session``) and the reaction-time task (:class:`~neurogym_lite.behaviour.reaction_times.RTData`,
    with choices shifted to 1/2).
    """
    from scipy import stats as _stats

    x = check_array("signed_coh", signed_coh, ndim=1, finite=True)
    ch = check_array("choice", choice, ndim=1)
    ok = check_binary("correct", correct)
    check_same_length(signed_coh=x, choice=ch, correct=ok)
    if not np.all(np.isin(ch, (0, 1, 2))):
        raise ValueError("choice must hold 1 or 2 (the two choices) or 0 (no choice); got values "
                         f"{np.unique(ch)[:6].tolist()}")
    level = check_level(level)
    same_session = np.ones(len(ch) - 1, dtype=bool) if len(ch) else np.ones(0, dtype=bool)
    if session is not None:
        sess = check_labels("session", session)
        check_same_length(choice=ch, session=sess)
        # each stream's trials together, in the order they ran (batched envs end trials interleaved)
        order = np.argsort(sess, kind="stable")
        x, ch, ok, sess = x[order], ch[order], ok[order], sess[order]
        same_session = sess[:-1] == sess[1:]
    use = np.zeros(len(ch), dtype=bool)
    use[1:] = (ch[1:] > 0) & (ch[:-1] > 0) & same_session
    prev = np.zeros(len(ch))
    prev[1:] = np.where(ch[:-1] == 1, 1.0, -1.0)
    prev_ok = np.zeros(len(ch), dtype=bool)
    prev_ok[1:] = ok[:-1]
    y = (ch == 1).astype(float)
    levels = np.unique(x[use])
    informative = [c for c in levels if 0 < y[use & (x == c)].mean() < 1]
    dropped = [float(c) for c in levels if c not in informative]
    keep = use & np.isin(x, informative)
    n = int(keep.sum())
    if len(informative) == 0 or n < 20:
        raise ValueError(f"too few informative trials for a history regression ({n} trials at coherences where both "
                         "choices occur, each after a trial with a choice); collect more trials")
    win = np.where(prev_ok, prev, 0.0)[keep]
    lose = np.where(~prev_ok, prev, 0.0)[keep]
    if not (np.any(win != 0) and np.any(lose != 0)):
        raise ValueError("history needs trials after correct AND after error trials; one kind is missing")
    # stimulus as categorical: one column per level but the weakest one (0 % when tested), whose
    # log-odds is the intercept: the bias is then the preference at the weakest stimulus
    ref = min(informative, key=abs)
    others = [c for c in informative if c != ref]
    stim = np.stack([(x[keep] == c).astype(float) for c in others], axis=1) if others else np.zeros((n, 0))
    X = np.column_stack([np.ones(n), win, lose, stim])
    w, cov = _fit_logistic(X, y[keep])
    se = np.sqrt(np.diag(cov))
    z = _stats.norm.ppf(0.5 + level / 2)
    names = ["bias", "win", "lose"]
    weights = {nm: (float(w[i]), float(w[i] - z * se[i]), float(w[i] + z * se[i]),
                    float(2 * _stats.norm.sf(abs(w[i] / se[i])))) for i, nm in enumerate(names)}
    stimulus_weights = {float(ref): 0.0, **{float(c): float(w[3 + i]) for i, c in enumerate(others)}}
    from scipy.special import expit

    p_repeat = {"correct": float(expit(w[1])), "error": float(expit(w[2]))}
    return HistoryRegression(weights, stimulus_weights, p_repeat, n, dropped, level)
