"""NeuroGym's ``plot_psychometric(sig_ev, ch, ax, title=None, legend=None)`` (``neurogym.utils``),
on this package's one psychometric fitter.

NeuroGym fits a two-parameter probit with ``scipy.optimize.curve_fit`` (least squares on the
choices) and draws SEM bars. Here the same call fits the probit by maximum likelihood on the
binomial counts (:func:`neurogym_lite.behaviour.psychometric.fit_psychometric`, no lapses, as
NeuroGym's curve has none) and draws 95 % Wilson intervals, with the package's figure convention
(:func:`neurogym_lite.behaviour.plotting.plot_psychometric`). It returns the fit.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from neurogym_lite.utils.validation import check_array, check_binary, check_same_length

__all__ = ["plot_psychometric"]


def plot_psychometric(sig_ev: Any, ch: Any, ax: Any, title: str | None = None, legend: str | None = None) -> Any:
    """Fit and draw P(ch = 1) against the signed evidence ``sig_ev`` on ``ax`` (NeuroGym's call).

    ``sig_ev``: signed evidence per trial (positive towards the choice coded 1 in ``ch``); ``ch``:
    1 or 0 per trial (True/False accepted). Returns the
    :class:`~neurogym_lite.behaviour.psychometric.PsychometricFit`, or None (with a warning, and the
    choice rates drawn) when there are fewer than 3 distinct evidence values or one choice only.
    """
    from neurogym_lite.behaviour.plotting import plot_psychometric as draw
    from neurogym_lite.behaviour.psychometric import fit_psychometric

    x = check_array("sig_ev", sig_ev, ndim=1, finite=True)
    y = check_binary("ch", ch)
    check_same_length(sig_ev=x, ch=y)
    if np.unique(x).size < 3 or np.unique(y).size < 2:
        # NeuroGym's example ends here with an agent trained for a few hundred steps that rarely
        # answers, or always answers the same: draw what there is and say why there is no curve
        warnings.warn(f"plot_psychometric: {x.size} trial(s) at {np.unique(x).size} signed evidence value(s), "
                      f"choices {sorted(set(y.tolist()))}; a psychometric curve needs at least 3 evidence values and "
                      "both choices: the choice rates are drawn without a fit", UserWarning, stacklevel=2)
        for v in np.unique(x):
            ax.plot(v, y[x == v].mean(), "o", color=f"C{len(ax.get_lines()) % 10}",
                    label=legend if legend is not None else "data")
        ax.set_xlabel("signed evidence (+: towards choice 1)")
        ax.set_ylabel("P(choice 1)")
        if title is not None:
            ax.set_title(title)
        return None
    fit = fit_psychometric(x, y, link="probit", fit_lapses=False, n_boot=0)
    draw(ax, fit, xlim=float(np.abs(x).max()), color=f"C{len(ax.get_lines()) % 10}",
         label=legend if legend is not None else "data")
    ax.set_xlabel("signed evidence (+: towards choice 1)")
    ax.set_ylabel("P(choice 1)")
    if title is not None:
        ax.set_title(title)
    ax.legend(fontsize=8)
    return fit
