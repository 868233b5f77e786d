"""Where the modules of earlier releases went.

The package was flat (``neurogym_lite.analysis``, ``neurogym_lite.evaluation``, ...) and is now
grouped by what a scientist does: ``tasks``, ``agents``, ``behaviour``, ``neural``. Code written
for the old layout keeps running:

- a module that moved whole (``neurogym_lite.core``, ``neurogym_lite.training``, NeuroGym's
  ``neurogym_lite.envs``, ...) is the new module under its old name, with its submodules;
- a module that was split (``neurogym_lite.analysis``, ``psychophysics``, ``evaluation``,
  ``plotting``, ``reaction_times``) hands out each name from its new home, with a
  ``DeprecationWarning`` that names that home; a name that no longer exists raises an
  ``ImportError``/``AttributeError`` saying what replaced it.

The import system asks :class:`MovedFinder` (installed on ``sys.meta_path`` when the package is
imported) for these old names only; every other import is untouched.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
import warnings
from collections.abc import Sequence
from typing import Any

__all__ = ["MODULES", "NAMES", "REMOVED", "MovedFinder", "install"]

_P = "neurogym_lite."

#: old module -> the module that is now its home (the same module object under both names)
MODULES: dict[str, str] = {
    "core": "tasks.trial_env",
    "timing": "tasks.timing",
    "spaces": "tasks.spaces",
    "envs": "tasks",
    "registration": "tasks.registration",
    "dataset": "tasks.dataset",
    "rollout": "tasks.rollout",
    "explorer": "tasks.explorer",
    "training": "agents.recipe",
    "policy": "agents.policy",
    "callbacks": "agents.callbacks",
    "pretrained": "agents.pretrained",
    "population": "agents.population",
    "budget": "utils.budget",
    # NeuroGym's utils package: neurogym.utils.spaces / .data / .plotting
    "utils.spaces": "tasks.spaces",
    "utils.data": "tasks.dataset",
    "utils.plotting": "tasks.plotting",
    "utils.ngym_random": "tasks.timing",
    # NeuroGym's configuration: neurogym.config.Config, neurogym.config.config.Config
    "config": "utils.config",
    "config.config": "utils.config",
}

#: old split module -> {name: new module, or "new module:new name" for a renamed one}
NAMES: dict[str, dict[str, str]] = {
    "analysis": {
        **dict.fromkeys(["AlignedStates", "align_states"], "neural.states"),
        **dict.fromkeys(["PCAResult", "pca_fit", "condition_means"], "neural.pca"),
        **dict.fromkeys(["Decoding", "decode_over_time"], "neural.decoding"),
        "choice_selectivity": "neural.units",
        **dict.fromkeys(["binomial_ci", "group_stats"], "behaviour.stats"),
    },
    "psychophysics": {
        **dict.fromkeys(["TrialTable", "trial_table", "collect_trials"], "behaviour.trials"),
        **dict.fromkeys(["efficiency", "Efficiency", "dprime_efficiency"], "behaviour.psychometric"),
        "fit_signed_psychometric": "behaviour.psychometric:fit_psychometric",
        "SignedPsychometricFit": "behaviour.psychometric:PsychometricFit",
        "ideal_sigma": "behaviour.ideal_observer",
        **dict.fromkeys(["Kernel", "psychophysical_kernel"], "behaviour.kernel"),
        **dict.fromkeys(["ChoiceHistory", "choice_history"], "behaviour.history"),
    },
    "evaluation": {
        **dict.fromkeys(["EvalResult", "evaluate", "EndedTrial", "run_trials"], "agents.evaluation"),
        **dict.fromkeys(["ideal_observer", "ideal_observer_accuracy", "MAX_MONTE_CARLO_WORK"],
                        "behaviour.ideal_observer"),
    },
    "plotting": {
        **dict.fromkeys(["plot_env", "plot_rollout"], "tasks.plotting"),
        **dict.fromkeys(["coherence_x", "log_coherence_axis", "plot_psychometric", "plot_efficiency_by_coherence",
                         "plot_kernel", "plot_choice_history", "signed_coherence_colors"], "behaviour.plotting"),
        **dict.fromkeys(["plot_decoding_by_coherence", "plot_state_space", "plot_time_courses",
                         "plot_unit_by_choice_and_coherence"], "neural.plotting"),
    },
    "reaction_times": {
        **dict.fromkeys(["RT_RECIPE", "RT_TOTAL_TIMESTEPS", "train_rt_agent"], "agents.recipe"),
        **dict.fromkeys(["RTData", "collect_rts", "rt_summary"], "behaviour.reaction_times"),
        "align_to_response": "neural.states",
        **dict.fromkeys(["DDMFit", "fit_ddm", "ddm_predictions", "simulate_ddm"], "behaviour.ddm"),
        **dict.fromkeys(["monkey_data", "monkey_ddm_fits"], "behaviour.monkeys"),
    },
}

#: (old module, name) -> what replaced it, for names that did not survive the move
REMOVED: dict[tuple[str, str], str] = {
    ("analysis", "fit_psychometric"): "neurogym_lite.behaviour.psychometric.fit_psychometric (one fitter: "
    "P(choice 1) against signed coherence; its p_correct() gives the unsigned view)",
    ("analysis", "PsychometricFit"): "neurogym_lite.behaviour.psychometric.PsychometricFit",
    ("analysis", "bootstrap_threshold"): "neurogym_lite.behaviour.psychometric.fit_psychometric(..., n_boot=...) "
    "(its threshold_ci)",
}


class _SplitModule(types.ModuleType):
    """An old split module: each name comes from its new home, with a warning naming it."""

    def __getattr__(self, name: str) -> Any:
        old = self.__name__[len(_P):]
        if name in NAMES[old]:
            new, _, new_name = NAMES[old][name].partition(":")
            new, new_name = _P + new, new_name or name
            warnings.warn(
                f"{self.__name__}.{name} moved to {new}.{new_name}; import it from there",
                DeprecationWarning, stacklevel=2,
            )
            return getattr(importlib.import_module(new), new_name)
        if (old, name) in REMOVED:
            # an ImportError, not an AttributeError: ``from <old> import <name>`` then shows this
            # message instead of Python's bare "cannot import name"
            raise ImportError(f"{self.__name__}.{name} was replaced by {REMOVED[(old, name)]}")
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(
            f"module {self.__name__!r} was split when the package was regrouped and has no {name!r}; "
            f"its names now live in: {', '.join(sorted({_P + m.split(':')[0] for m in NAMES[old].values()}))}"
        )

    def __dir__(self) -> list[str]:
        return sorted(NAMES[self.__name__[len(_P):]])


class _Loader(importlib.abc.Loader):
    def __init__(self, old: str) -> None:
        self.old = old
        self._spec: Any = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        if self.old in NAMES:
            return _SplitModule(spec.name, f"Moved: see {__name__}")
        module = importlib.import_module(_P + MODULES[self.old])
        self._spec = module.__spec__  # the import system overwrites it with the alias's spec
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        if self._spec is not None:
            module.__spec__ = self._spec

    def get_code(self, fullname: str) -> Any:
        """For ``python -m neurogym_lite.<old name>``: run the module at its new home."""
        if self.old in NAMES:
            raise ImportError(f"{fullname} was split and cannot be run; see {__name__}")
        new = _P + MODULES[self.old]
        return compile(f"import runpy\nrunpy.run_module({new!r}, run_name='__main__', alter_sys=True)\n",
                       f"<{fullname}: moved to {new}>", "exec")

    def is_package(self, fullname: str) -> bool:
        return False


class MovedFinder(importlib.abc.MetaPathFinder):
    """Finds the old module names (and submodules of a moved package such as ``envs``)."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: types.ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(_P):
            return None
        old = fullname[len(_P):]
        if old in MODULES or old in NAMES:
            return importlib.machinery.ModuleSpec(fullname, _Loader(old))
        head, _, tail = old.partition(".")
        if tail and head in MODULES:  # a submodule of a moved package: neurogym_lite.tasks.registration
            new = f"{_P}{MODULES[head]}.{tail}"
            if importlib.util.find_spec(new) is None:
                return None
            MODULES[old] = f"{MODULES[head]}.{tail}"
            return importlib.machinery.ModuleSpec(fullname, _Loader(old))
        return None


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, MovedFinder) for f in sys.meta_path):
        # first, before the path finder: a submodule of a moved package (neurogym_lite.envs.registration)
        # would otherwise be found on the new package's __path__ and run a second time, as a copy
        sys.meta_path.insert(0, MovedFinder())
