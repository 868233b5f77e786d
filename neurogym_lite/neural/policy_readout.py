"""The network's own readout: what the policy makes of a hidden state.

A physiologist picks neurons; the agent's choice is made by its actor head, a fixed function of
the LSTM's hidden state. :func:`policy_logits` applies that head (``mlp_extractor.forward_actor``
then ``action_net`` of an sb3-contrib ``RecurrentPPO`` policy) to recorded states, and
:func:`decision_variable` turns the logits into the policy's decision variable for each trial:
the logit of the action the trial ended with minus the logit of fixating. With the most likely
action (argmax) the agent answers at the first step where that difference is positive, so the
policy's bound is 0 by construction; what the states show is how each coherence approaches it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurogym_lite.neural.states import states_array

__all__ = ["decision_variable", "policy_logits"]


def policy_logits(model: Any, hidden: Any) -> np.ndarray:
    """The actor's action logits for LSTM hidden states ``hidden`` (``(..., units)``; NaN rows give NaN).

    ``model`` is a ``RecurrentPPO`` model whose actor reads its LSTM's hidden state (one LSTM
    layer, the recipe's), e.g. :func:`neurogym_lite.agents.pretrained.load_pretrained`'s.
    """
    import torch

    policy = getattr(model, "policy", None)
    if policy is None or not hasattr(policy, "action_net") or not hasattr(policy, "mlp_extractor"):
        raise TypeError(f"model must be a RecurrentPPO model with an actor head, got {type(model).__name__}")
    h = np.asarray(hidden, dtype=np.float32)
    units = int(policy.lstm_actor.hidden_size)
    if h.ndim < 1 or h.shape[-1] != units:
        raise ValueError(f"hidden must end with the LSTM's {units} units, got shape {h.shape}")
    flat = h.reshape(-1, units)
    ok = np.all(np.isfinite(flat), axis=1)
    out = np.full((flat.shape[0], int(policy.action_space.n)), np.nan)
    with torch.no_grad():
        latent = policy.mlp_extractor.forward_actor(torch.as_tensor(flat[ok]))
        out[ok] = policy.action_net(latent).numpy()
    return out.reshape(*h.shape[:-1], out.shape[-1])


def decision_variable(model: Any, aligned: Any) -> np.ndarray:
    """Per trial and time step (``(trials, times)``): the logit of the action the trial ended with
    (its ``choices``) minus the logit of fixating (action 0), from aligned states
    (:func:`neurogym_lite.neural.states.align_to_response` or ``align_states``). Positive where
    the argmax policy would answer with that choice; NaN for a trial that ended without a choice."""
    data = states_array(aligned)
    choices = np.asarray(getattr(aligned, "choices", None))
    if choices.shape != (data.shape[0],):
        raise ValueError(f"aligned.choices must give each of the {data.shape[0]} trials' choice, got {choices!r:.60}")
    logits = policy_logits(model, data)
    chose = choices >= 1  # a trial that ended without a choice has no decision variable toward it
    pick = np.where(chose, choices, 1).astype(int)[:, None, None].repeat(data.shape[1], axis=1)
    dv = np.take_along_axis(logits, pick, axis=2)[..., 0] - logits[..., 0]
    dv[~chose] = np.nan
    return dv
