"""neurogym_lite: trial-based neuroscience tasks as gymnasium environments, for teaching.

``import neurogym_lite`` registers every task with gymnasium (``PerceptualDecisionMaking-v0``).
``import neurogym_lite as ngym`` then gives NeuroGym's names: ``ngym.make``, ``ngym.spaces``,
``ngym.TrialEnv``, ``ngym.utils.plot_env``, ``ngym.wrappers.PassReward`` / ``Monitor``.
Importing does not touch matplotlib's global settings.
"""

from __future__ import annotations

from neurogym_lite import spaces, utils, wrappers
from neurogym_lite.core import TrialEnv
from neurogym_lite.dataset import Dataset
from neurogym_lite.envs import TASKS, PerceptualDecisionMaking, register_all
from neurogym_lite.plotting import plot_env
from neurogym_lite.registration import make, make_env
from neurogym_lite.rollout import Rollout, run_env

__version__ = "0.1.0"

__all__ = [
    "TASKS",
    "Dataset",
    "PerceptualDecisionMaking",
    "Rollout",
    "TrialEnv",
    "make",
    "make_env",
    "plot_env",
    "run_env",
    "spaces",
    "utils",
    "wrappers",
]

register_all()
