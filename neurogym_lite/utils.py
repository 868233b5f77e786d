"""NeuroGym-compatible location of the plotting helpers: ``ngym.utils.plot_env``."""

from neurogym_lite.plotting import plot_env, plot_rollout
from neurogym_lite.rollout import Rollout, run_env

__all__ = ["Rollout", "plot_env", "plot_rollout", "run_env"]
