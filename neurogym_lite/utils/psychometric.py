"""NeuroGym's ``plot_psychometric(sig_ev, ch, ax, title=None, legend=None)`` (``neurogym.utils``),
on this package's one psychometric fitter.

NeuroGym fits a two-parameter probit with ``scipy.optimize.curve_fit`` (least squares on the
choices) and draws SEM bars. Here the same call fits the probit by maximum likelihood on the
binomial counts (:func:`neurogym_lite.behaviour.psychometric.fit_psychometric`, no lapses, as
NeuroGym's curve has none) and draws 95 % Wilson intervals, with the package's figure convention
(:func:`neurogym_lite.behaviour.plotting.plot_psychometric`). It returns the fit.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurogym_lite.utils.validation import check_array

__all__ = ["plot_psychometric"]


def plot_psychometric(sig_ev: Any, ch: Any, ax: Any, title: str | None = None, legend: str | None = None) -> Any:
    """Fit and draw P(ch = 1) against the signed evidence ``sig_ev`` on ``ax`` (NeuroGym's call).

    ``sig_ev``: signed evidence per trial (positive towards the choice coded 1 in ``ch``); ``ch``:
    1 or 0 per trial (True/False accepted). Returns the
    :class:`~neurogym_lite.behaviour.psychometric.PsychometricFit`.
    """
    from neurogym_lite.behaviour.plotting import plot_psychometric as draw
    from neurogym_lite.behaviour.psychometric import fit_psychometric

    x = check_array("sig_ev", sig_ev, ndim=1, finite=True)
    fit = fit_psychometric(x, ch, link="probit", fit_lapses=False, n_boot=0)
    draw(ax, fit, xlim=float(np.abs(x).max()), color=f"C{len(ax.get_lines()) % 10}",
         label=legend if legend is not None else "data")
    ax.set_xlabel("signed evidence (+: towards choice 1)")
    ax.set_ylabel("P(choice 1)")
    if title is not None:
        ax.set_title(title)
    ax.legend(fontsize=8)
    return fit
