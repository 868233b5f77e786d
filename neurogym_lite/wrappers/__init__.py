"""Wrappers. ``from neurogym_lite.wrappers import pass_reward`` works as in NeuroGym.

``PassReward`` (the previous reward as an input), ``PassAction`` (the previous action) and
``Monitor`` (and the trial wrappers ``ReactionTime`` and ``SideBias``, which change how the task
draws its trials) forward reading a public attribute they lack to the task
underneath (``env.timing``, ``env.new_trial()``, ``env.ob``), as NeuroGym's code expects.
"""

from neurogym_lite.wrappers import pass_action, pass_reward
from neurogym_lite.wrappers.monitor import Monitor
from neurogym_lite.wrappers.pass_action import PassAction
from neurogym_lite.wrappers.pass_reward import PassReward
from neurogym_lite.wrappers.reaction_time import ReactionTime
from neurogym_lite.wrappers.side_bias import SideBias

__all__ = ["Monitor", "PassAction", "PassReward", "ReactionTime", "SideBias", "pass_action", "pass_reward"]
