"""Wrappers. ``from neurogym_lite.wrappers import pass_reward`` works as in NeuroGym."""

from neurogym_lite.wrappers import pass_reward
from neurogym_lite.wrappers.pass_reward import PassReward

__all__ = ["PassReward", "pass_reward"]
