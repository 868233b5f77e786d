"""Wrappers. ``from neurogym_lite.wrappers import pass_reward`` works as in NeuroGym.

``PassReward`` and ``Monitor`` forward reading a public attribute they lack to the task
underneath (``env.timing``, ``env.new_trial()``, ``env.ob``), as NeuroGym's code expects.
"""

from neurogym_lite.wrappers import pass_reward
from neurogym_lite.wrappers.monitor import Monitor
from neurogym_lite.wrappers.pass_reward import PassReward

__all__ = ["Monitor", "PassReward", "pass_reward"]
