"""Tasks, and their registration with gymnasium (done when ``neurogym_lite`` is imported)."""

from __future__ import annotations

import gymnasium as gym

from neurogym_lite.tasks.perceptual_decision_making import PerceptualDecisionMaking
from neurogym_lite.tasks.reaction_time import PerceptualDecisionMakingRT

__all__ = ["TASKS", "PerceptualDecisionMaking", "PerceptualDecisionMakingRT", "register_all"]

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
