"""A fixed input scaling for the policy network, inside the saved model.

The stimulus channels of ``PerceptualDecisionMaking`` sit around 0.5 with noise of standard
deviation 0.1 per step, while the evidence is their *difference* (0.032 per step at 6.4 %
coherence). Fed raw, the network must cancel the large common 0.5 exactly, or it chooses one
side more often on 0 % trials; a centred, noise-scaled input removes that offset. Unlike a
``VecNormalize`` wrapper, the scaling is part of the policy, so the saved model runs on the plain
task (``evaluate``, the notebooks) without extra statistics.
"""

from __future__ import annotations

from collections.abc import Sequence

import gymnasium as gym
import torch
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor

__all__ = ["ScaledInput"]


class ScaledInput(BaseFeaturesExtractor):
    """``(obs - shift) / scale``, per input channel, with fixed ``shift`` and ``scale``."""

    def __init__(self, observation_space: gym.spaces.Box, shift: Sequence[float], scale: Sequence[float]) -> None:
        n = int(observation_space.shape[0])
        if len(shift) != n or len(scale) != n:
            raise ValueError(f"shift and scale need one value per observation channel ({n}), "
                             f"got {len(shift)} and {len(scale)}")
        if any(s <= 0 for s in scale):
            raise ValueError(f"scale must be positive, got {list(scale)}")
        super().__init__(observation_space, features_dim=n)
        self.register_buffer("shift", torch.as_tensor(list(shift), dtype=torch.float32))
        self.register_buffer("scale", torch.as_tensor(list(scale), dtype=torch.float32))

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return (observations.flatten(1) - self.shift) / self.scale
