"""Tasks, and their registration with gymnasium (done when ``neurogym_lite`` is imported)."""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from neurogym_lite.tasks.perceptual_decision_making import PerceptualDecisionMaking
from neurogym_lite.tasks.reaction_time import PerceptualDecisionMakingRT

__all__ = ["TASKS", "TASK_KINDS", "PerceptualDecisionMaking", "PerceptualDecisionMakingRT", "register_all", "require_task",
           "task_kind"]

#: task id -> entry point; every id here is registered on import.
TASKS: dict[str, str] = {
    "PerceptualDecisionMaking-v0": "neurogym_lite.tasks.perceptual_decision_making:PerceptualDecisionMaking",
    "PerceptualDecisionMakingRT-v0": "neurogym_lite.tasks.reaction_time:PerceptualDecisionMakingRT",
}


def register_all() -> None:
    for task_id, entry_point in TASKS.items():
        # Importing twice (e.g. a reloaded module) must not trigger gymnasium's
        # "overriding environment" warning.
        if task_id not in gym.registry:
            gym.register(id=task_id, entry_point=entry_point)


#: What each analysis may be given: the reaction-time task, or the fixed-duration one (which
#: the reaction-time task subclasses, so it is tested first).
TASK_KINDS = {"reaction-time": "PerceptualDecisionMakingRT-v0", "fixed-duration": "PerceptualDecisionMaking-v0"}


def task_kind(env: Any) -> str:
    """``'reaction-time'`` for ``PerceptualDecisionMakingRT-v0`` (whatever wraps it),
    ``'fixed-duration'`` for ``PerceptualDecisionMaking-v0``, ``'other'`` otherwise."""
    task = getattr(env, "unwrapped", env)
    if isinstance(task, PerceptualDecisionMakingRT):
        return "reaction-time"
    if isinstance(task, PerceptualDecisionMaking):
        return "fixed-duration"
    return "other"


def require_task(env: Any, kind: str, what: str) -> None:
    """Refuse a task an analysis does not understand, naming the one it needs: e.g.
    ``require_task(env, 'reaction-time', 'collect_rts')``. The analyses read the trial's fields of
    one task (``rt`` and ``response_step`` of the reaction-time task, the ``decision`` period of
    the fixed-duration one); given the other, they would return plausible-looking rows."""
    if kind not in TASK_KINDS:
        raise ValueError(f"kind must be one of {sorted(TASK_KINDS)}, got {kind!r}")
    got = task_kind(env)
    if got != kind:
        name = getattr(getattr(getattr(env, "unwrapped", env), "spec", None), "id", None) or type(
            getattr(env, "unwrapped", env)).__name__
        raise ValueError(f"{what} reads the {kind} task ({TASK_KINDS[kind]}); make_env built {name} "
                         f"({got} task) instead")
