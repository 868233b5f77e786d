"""Shared pieces, and NeuroGym's ``utils`` paths.

``ngym.utils.plot_env`` (NeuroGym's plotting helper), ``ngym.utils.TruncExp`` (its timing spec), ``ngym.utils.plot_psychometric``, ``validation`` (the one vocabulary every
public function checks its arguments with), ``budget`` (the notebooks' compute switch),
``torch_threads``, and ``moved`` (where the modules of the old flat layout went).
"""

from __future__ import annotations

from neurogym_lite.tasks.plotting import plot_env, plot_rollout
from neurogym_lite.tasks.rollout import Rollout, run_env
from neurogym_lite.tasks.timing import TruncExp
from neurogym_lite.utils.psychometric import plot_psychometric

__all__ = ["Rollout", "TruncExp", "plot_env", "plot_psychometric", "plot_rollout", "run_env"]
