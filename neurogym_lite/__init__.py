"""neurogym_lite: trial-based neuroscience tasks as gymnasium environments, for teaching.

``import neurogym_lite`` registers its tasks with gymnasium: ``PerceptualDecisionMaking-v0`` (the
random-dots task with a fixed stimulus duration) and ``PerceptualDecisionMakingRT-v0`` (its
reaction-time version).

Start here (each has a docstring; the notebooks show them in use)::

    env = ngym.make_env("PerceptualDecisionMaking-v0")          # the task, with the previous reward
    ngym.plot_env(env, num_steps=100)                            # what a random agent sees and does
    from neurogym_lite.agents.recipe import make_model, make_vec_env     # the training recipe
    from neurogym_lite.agents.evaluation import evaluate                 # accuracy per coherence
    from neurogym_lite.agents.pretrained import load_pretrained          # a trained LSTM, shipped
    from neurogym_lite.behaviour.psychometric import fit_psychometric    # the psychometric function

``import neurogym_lite as ngym`` then gives NeuroGym's names: ``ngym.make``, ``ngym.spaces``,
``ngym.TrialEnv``, ``ngym.utils.plot_env``, ``ngym.wrappers.PassReward`` / ``Monitor``.
Importing does not touch matplotlib's global settings.

The folders follow the notebooks:

- ``tasks``: build a task (``TrialEnv``, timing, spaces, the random-dots tasks, ``make``,
  ``Dataset``, ``run_env``/``plot_env``); ``wrappers``: ``PassReward``, ``Monitor``;
- ``agents``: train and run agents (the recipe, ``evaluate``, the shipped models, populations);
- ``behaviour``: read their choices and reaction times (psychometric functions, the ideal
  observer, kernels, history, drift-diffusion models, the monkeys' data);
- ``neural``: read their hidden states (alignment, PCA, decoding, single units);
- ``utils``: argument checks, the notebooks' budget switch, NeuroGym's ``utils`` paths.
"""

from __future__ import annotations

from neurogym_lite.utils import moved as _moved

_moved.install()  # old import paths (neurogym_lite.tasks.trial_env, .analysis, ...) keep working

from neurogym_lite import utils, wrappers  # noqa: E402
from neurogym_lite.tasks import (  # noqa: E402
    TASKS,
    PerceptualDecisionMaking,
    PerceptualDecisionMakingRT,
    register_all,
    spaces,
)
from neurogym_lite.tasks.dataset import Dataset  # noqa: E402
from neurogym_lite.tasks.plotting import plot_env  # noqa: E402
from neurogym_lite.tasks.registration import make, make_env, register  # noqa: E402
from neurogym_lite.tasks.rollout import Rollout, run_env  # noqa: E402
from neurogym_lite.tasks.trial_env import TrialEnv  # noqa: E402
from neurogym_lite.utils import budget  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "TASKS",
    "Dataset",
    "PerceptualDecisionMaking",
    "PerceptualDecisionMakingRT",
    "Rollout",
    "TrialEnv",
    "budget",
    "make",
    "make_env",
    "plot_env",
    "register",
    "run_env",
    "spaces",
    "utils",
    "wrappers",
]

register_all()


def __getattr__(name: str) -> object:
    # ``ngym.analysis`` etc. without importing them first, as the flat layout allowed
    if name in _moved.MODULES or name in _moved.NAMES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
