"""A trained agent's actor LSTM as a dynamical system: its map, its inputs, its readout.

An sb3-contrib ``RecurrentPPO`` agent reads each observation through its input scaling
(:class:`neurogym_lite.agents.policy.ScaledInput`) into a one-layer LSTM whose state is the pair
``(h, c)``; its actor head turns ``h`` into action logits. :class:`ActorDynamics` copies those
pieces in float64 and exposes them as plain maps on the full state ``s = [h, c]`` (``2 * units``
numbers), the object :func:`neurogym_lite.neural.fixed_points.find_fixed_points` needs:

* :meth:`ActorDynamics.map_for` - the state map under a constant observation (e.g. the fixation
  cue on and a noise-free stimulus of one coherence: :func:`constant_input`);
* :meth:`ActorDynamics.logits` - the actor's logits at a state (the policy's readout);
* :meth:`ActorDynamics.run` - the network on a sequence of observations from a given state, with
  an optional push of the state at one step (the perturbation experiment): it reproduces the
  recorded states of :func:`neurogym_lite.run_env` when nothing is pushed;
* :func:`pulse_response` - the network's memory measured directly: how much a brief extra pulse of
  evidence at one step still moves its choice preference (:func:`choice_preference`) steps later.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from neurogym_lite.utils.validation import check_array, check_int, check_real

__all__ = ["ActorDynamics", "choice_preference", "constant_input", "full_state", "pulse_response"]


def constant_input(env: Any, coh: float, ground_truth: int, *, fixation: float = 1.0, reward: float = 0.0,
                   stimulus: bool = True) -> np.ndarray:
    """The noise-free observation of a perceptual decision task (``PerceptualDecisionMaking``,
    fixed-duration or reaction-time) while the dots of coherence ``coh`` (%) move towards
    ``ground_truth`` (0-based), with the fixation cue at ``fixation`` and, when the env appends the
    last reward (``PassReward``), that entry at ``reward``: the task's documented
    ``cos(theta_i - theta_gt) * coh / 200 + 0.5`` per stimulus channel. ``coh = 0`` gives the
    0 % stimulus whatever ``ground_truth``; ``stimulus=False`` gives the screen before the dots
    (stimulus channels at 0, as the task shows them during fixation)."""
    task = getattr(env, "unwrapped", env)
    theta = getattr(task, "theta", None)
    if theta is None or not hasattr(task, "dim_ring"):
        raise TypeError(f"env must be a PerceptualDecisionMaking task (or wrap one), got {type(task).__name__}")
    coh = check_real("coh", coh, low=0.0, high=100.0)
    gt = check_int("ground_truth", ground_truth, 0, int(task.dim_ring) - 1)
    fixation = check_real("fixation", fixation)
    reward = check_real("reward", reward)
    stim = np.cos(np.asarray(theta) - theta[gt]) * (coh / 200) + 0.5
    if not stimulus:
        stim = np.zeros_like(stim)
    ob = np.r_[fixation, stim]
    n_obs = int(np.prod(env.observation_space.shape))
    if n_obs == ob.size + 1:
        ob = np.r_[ob, reward]
    elif n_obs != ob.size:
        raise ValueError(f"env's observations have {n_obs} entries; expected the task's {ob.size} "
                         f"(or {ob.size + 1} with PassReward)")
    return ob.astype(np.float64)


def full_state(hidden: Any, cell: Any) -> np.ndarray:
    """Recorded LSTM states as the dynamics' full state ``[h, c]`` (``(..., 2 * units)``)."""
    h = check_array("hidden", hidden)
    c = check_array("cell", cell)
    if h.shape != c.shape:
        raise ValueError(f"hidden and cell must have the same shape, got {h.shape} and {c.shape}")
    return np.concatenate([h, c], axis=-1)


class ActorDynamics:
    """The actor of a ``RecurrentPPO`` model (one LSTM layer) as maps on ``s = [h, c]``, float64."""

    def __init__(self, model: Any) -> None:
        import torch

        policy = getattr(model, "policy", None)
        lstm = getattr(policy, "lstm_actor", None)
        if not isinstance(lstm, torch.nn.LSTM):
            raise TypeError(f"model must be a RecurrentPPO model with an LSTM actor, got {type(model).__name__}")
        if lstm.num_layers != 1 or lstm.bidirectional or lstm.proj_size:
            raise ValueError("only a one-layer, one-directional LSTM without projection is supported "
                             f"(got num_layers={lstm.num_layers}, bidirectional={lstm.bidirectional})")
        self.units = int(lstm.hidden_size)
        self.n_obs = int(np.prod(policy.observation_space.shape))
        self.n_actions = int(policy.action_space.n)
        self._w_ih = lstm.weight_ih_l0.detach().double().clone()
        self._w_hh = lstm.weight_hh_l0.detach().double().clone()
        self._b = (lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().double().clone()
        extractor = getattr(policy, "pi_features_extractor", None) or policy.features_extractor
        self._features = copy.deepcopy(extractor).double().eval()
        self._actor = copy.deepcopy(policy.mlp_extractor.policy_net).double().eval()
        self._action = copy.deepcopy(policy.action_net).double().eval()
        for module in (self._features, self._actor, self._action):
            module.requires_grad_(False)

    @property
    def n(self) -> int:
        """The dimension of the full state ``[h, c]``."""
        return 2 * self.units

    def _torch_obs(self, obs: Any) -> Any:
        import torch

        o = torch.as_tensor(np.asarray(obs, dtype=np.float64))
        if o.shape[-1] != self.n_obs:
            raise ValueError(f"observations must have the policy's {self.n_obs} entries, got shape {tuple(o.shape)}")
        return o

    def _drive(self, obs: Any) -> Any:
        """The observation's contribution to the gates, ``W_ih x + b``, for observations ``(batch, n_obs)``."""
        return self._features(obs) @ self._w_ih.T + self._b

    def _cell(self, state: Any, drive: Any) -> Any:
        import torch

        h, c = state[:, : self.units], state[:, self.units:]
        i, f, g, o = (drive + h @ self._w_hh.T).chunk(4, dim=1)
        c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.cat([torch.sigmoid(o) * torch.tanh(c_new), c_new], dim=1)

    def gates(self, state: Any, obs: Any) -> dict[str, np.ndarray]:
        """The LSTM's gates when it reads ``obs`` at full states ``state`` (``(batch, 2 * units)``):
        ``'input'``, ``'forget'``, ``'output'`` (sigmoids, 0-1) and ``'candidate'`` (tanh). A cell
        unit whose forget gate stays at ``f`` keeps ``f`` of its content per step: time constant
        ``-dt / ln f`` (:func:`neurogym_lite.neural.fixed_points.time_constants` of ``f``)."""
        import torch

        s = check_array("state", state, ndim=2, finite=True)
        if s.shape[1] != self.n:
            raise ValueError(f"state must be (batch, {self.n}) full states [h, c], got shape {s.shape}")
        o = self._torch_obs(obs).reshape(-1, self.n_obs)
        with torch.no_grad():
            pre = self._drive(o) + torch.as_tensor(s[:, : self.units]) @ self._w_hh.T
            i, f, g, out = pre.chunk(4, dim=1)
            return {"input": torch.sigmoid(i).numpy(), "forget": torch.sigmoid(f).numpy(),
                    "candidate": torch.tanh(g).numpy(), "output": torch.sigmoid(out).numpy()}

    def map_for(self, obs: Any) -> Callable[[Any], Any]:
        """The state map ``s -> F(s)`` while the network reads the constant observation ``obs``
        (torch, batched, float64: what ``find_fixed_points`` takes)."""
        o = self._torch_obs(obs).reshape(1, self.n_obs)
        drive = self._drive(o)
        return lambda s: self._cell(s, drive)

    def logits(self, state: Any) -> np.ndarray:
        """The actor's action logits at full states ``(..., 2 * units)`` (only ``h`` is read)."""
        import torch

        s = check_array("state", state)
        if s.shape[-1] != self.n:
            raise ValueError(f"state must end with the full state's {self.n} entries ([h, c]), got shape {s.shape}")
        with torch.no_grad():
            h = torch.as_tensor(s[..., : self.units].reshape(-1, self.units))
            out = self._action(self._actor(h)).numpy()
        return out.reshape(*s.shape[:-1], self.n_actions)

    def run(self, obs: Any, initial_state: Any, *, push_at: int | None = None, push: Any = None) -> np.ndarray:
        """Full states ``(batch, steps, 2 * units)`` after reading each of ``obs`` (``(batch, steps,
        n_obs)``) from ``initial_state`` (``(batch, 2 * units)``: the state before the first step),
        the states recorded by ``run_env`` for the same observations. With ``push_at`` and ``push``
        (``(2 * units,)`` or ``(batch, 2 * units)``), the push is added to the state right after
        step ``push_at`` is read, and the network goes on from there."""
        import torch

        o = check_array("obs", obs, ndim=3, finite=True)
        s = check_array("initial_state", initial_state, ndim=2, finite=True)
        if o.shape[2] != self.n_obs or s.shape != (o.shape[0], self.n):
            raise ValueError(f"obs must be (batch, steps, {self.n_obs}) and initial_state (batch, {self.n}); got "
                             f"{o.shape} and {s.shape}")
        if (push_at is None) != (push is None):
            raise ValueError("give push_at and push together (or neither)")
        delta = None
        if push_at is not None:
            push_at = check_int("push_at", push_at, 0, o.shape[1] - 1)
            delta = np.broadcast_to(check_array("push", push, finite=True), s.shape).copy()
        out = np.empty((*o.shape[:2], self.n))
        with torch.no_grad():
            state = torch.as_tensor(s)
            drives = self._drive(torch.as_tensor(o.reshape(-1, self.n_obs))).reshape(o.shape[0], o.shape[1], -1)
            for t in range(o.shape[1]):
                state = self._cell(state, drives[:, t])
                if t == push_at:
                    state = state + torch.as_tensor(delta)
                out[:, t] = state.numpy()
        return out


def choice_preference(dyn: ActorDynamics, states: Any) -> np.ndarray:
    """The actor's preference for choice 1 over choice 2 at full states: ``logit(1) - logit(2)``
    (the network's signed evidence, read by its own policy)."""
    logits = dyn.logits(states)
    if logits.shape[-1] < 3:
        raise ValueError(f"the policy needs actions 0 (fixate), 1 and 2, got {logits.shape[-1]} actions")
    return logits[..., 1] - logits[..., 2]


def pulse_response(dyn: ActorDynamics, obs: Any, initial_state: Any, *, pulse_at: Any, read_at: Any,
                   size: float = 0.05) -> np.ndarray:
    """How a brief pulse of evidence moves the network's choice preference later on.

    For each trial (``obs`` ``(batch, steps, n_obs)`` from ``initial_state``) and each step in
    ``pulse_at``, the stimulus channels 1 and 2 get ``+size/2`` and ``-size/2`` at that step only
    (evidence for choice 1, stimulus 1 minus stimulus 2, raised by ``size``), and the change of
    :func:`choice_preference` at each step of ``read_at`` is divided by ``size``. Returns
    ``(batch, len(pulse_at), len(read_at))``; NaN where the read comes before the pulse. For a
    perfect integrator read after the pulse the response is the same whatever the pulse's time;
    for a leaky one it decays with the time between pulse and read.
    """
    o = check_array("obs", obs, ndim=3, finite=True)
    size = check_real("size", size, low=0.0, low_open=True)
    pulses = np.atleast_1d(np.asarray(pulse_at))
    reads = np.atleast_1d(np.asarray(read_at))
    for name, steps in (("pulse_at", pulses), ("read_at", reads)):
        if steps.dtype.kind not in "iu" or steps.ndim != 1 or steps.min() < 0 or steps.max() >= o.shape[1]:
            raise ValueError(f"{name} must be step indices in range({o.shape[1]}), got {steps!r:.60}")
    if o.shape[2] < 3:
        raise ValueError(f"obs must hold the fixation cue and two stimulus channels, got {o.shape[2]} entries")
    base = choice_preference(dyn, dyn.run(o, initial_state)[:, reads])
    out = np.full((o.shape[0], pulses.size, reads.size), np.nan)
    for j, p in enumerate(pulses):
        pushed = o.copy()
        pushed[:, p, 1] += size / 2
        pushed[:, p, 2] -= size / 2
        after = reads >= p
        pref = choice_preference(dyn, dyn.run(pushed, initial_state)[:, reads[after]])
        out[:, j, after] = (pref - base[:, after]) / size
    return out
