"""The actor LSTM as a dynamical system (issue 24): the map reproduces the recorded network, the
fixed point it finds is where the network really settles, and the pulse and push experiments
measure what they say."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch

import neurogym_lite as ngym
from neurogym_lite.agents.pretrained import load_pretrained, make_pretrained_env
from neurogym_lite.neural.fixed_points import find_fixed_points
from neurogym_lite.neural.lstm_dynamics import (
    ActorDynamics,
    choice_preference,
    constant_input,
    full_state,
    pulse_response,
)


@pytest.fixture(scope="module")
def recorded():
    model = load_pretrained()
    env = make_pretrained_env()
    rollout = ngym.run_env(env, num_trials=40, model=model, seed=3)
    return model, env, rollout, ActorDynamics(model)


def _trials(rollout, n_steps=9):
    starts, ends = rollout.trial_starts, rollout.trial_ends
    keep = [k for k in range(rollout.num_trials) if starts[k] > 0 and ends[k] - starts[k] + 1 == n_steps]
    obs = np.stack([rollout.obs[starts[k]:starts[k] + n_steps] for k in keep])
    states = full_state(rollout.hidden, rollout.cell)
    return keep, obs, states[starts[keep] - 1], np.stack([states[starts[k]:starts[k] + n_steps] for k in keep])


def test_the_map_reproduces_the_recorded_network_and_its_actions(recorded):
    _, _, rollout, dyn = recorded
    keep, obs, s0, states = _trials(rollout)
    assert len(keep) >= 30
    sim = dyn.run(obs, s0)
    assert np.abs(sim - states).max() < 1e-4, "float64 copy of the float32 network: same states"
    logits = dyn.logits(sim)
    acts = np.stack([rollout.actions[rollout.trial_starts[k]:rollout.trial_starts[k] + 9] for k in keep])
    assert np.array_equal(logits.argmax(-1), acts), "the readout gives the agent's (argmax) actions"


def test_a_push_changes_the_states_from_its_step_on_and_nothing_before(recorded):
    _, _, rollout, dyn = recorded
    _, obs, s0, _ = _trials(rollout)
    base = dyn.run(obs, s0)
    assert np.array_equal(dyn.run(obs, s0, push_at=4, push=np.zeros(dyn.n)), base)
    push = np.zeros(dyn.n)
    push[0] = 0.5
    pushed = dyn.run(obs, s0, push_at=4, push=push)
    assert np.array_equal(pushed[:, :4], base[:, :4])
    assert np.allclose(pushed[:, 4, 0], base[:, 4, 0] + 0.5)
    assert np.abs(pushed[:, 5:] - base[:, 5:]).max() > 1e-3, "the network carries the push on"


def test_constant_input_is_the_tasks_noise_free_observation(recorded):
    _, env, _, _ = recorded
    assert np.allclose(constant_input(env, 51.2, 0), [1, 0.756, 0.244, 0])
    assert np.allclose(constant_input(env, 51.2, 1, fixation=0.0, reward=1.0), [0, 0.244, 0.756, 1])
    assert np.allclose(constant_input(env, 0.0, 0), constant_input(env, 0.0, 1))
    assert np.allclose(constant_input(env, 51.2, 0, stimulus=False), [1, 0, 0, 0]), "the screen before the dots"
    plain = gym.make("PerceptualDecisionMaking-v0")
    assert constant_input(plain, 6.4, 0).shape == (3,), "without PassReward no reward entry"
    with pytest.raises(TypeError, match="env must be a PerceptualDecisionMaking task"):
        constant_input(gym.make("CartPole-v1"), 0.0, 0)
    with pytest.raises(ValueError, match="coh must be"):
        constant_input(env, 150.0, 0)
    with pytest.raises(ValueError, match="ground_truth must be"):
        constant_input(env, 10.0, 2)


def test_the_fixed_point_found_is_where_the_network_settles(recorded):
    _, env, rollout, dyn = recorded
    u = constant_input(env, 0.0, 0)
    step = dyn.map_for(u)
    states = full_state(rollout.hidden, rollout.cell)
    fp = find_fixed_points(step, states[::7][:64], unique_distance=1e-3)
    assert len(fp) >= 1
    with torch.no_grad():
        x = torch.tensor(states[:8], dtype=torch.float64)
        for _ in range(400):  # iterate the map itself: the network left alone with the constant input
            x = step(x)
    settled = x.numpy()
    if fp.stable[0]:
        assert np.abs(settled - fp.points[0]).max() < 1e-6, "an attractor is where iterating the map ends"
    eps = 1e-6
    J = np.stack([(step(torch.tensor(fp.points[:1] + eps * e)) - step(torch.tensor(fp.points[:1] - eps * e)))
                  .numpy()[0] / (2 * eps) for e in np.eye(dyn.n)], axis=1)
    assert np.abs(J - fp.jacobians[0]).max() < 1e-5, "the Jacobian is the map's derivative"


def test_pulse_response_measures_evidence_for_choice_1(recorded):
    _, _, rollout, dyn = recorded
    _, obs, s0, _ = _trials(rollout)
    r = pulse_response(dyn, obs, s0, pulse_at=[3, 7], read_at=[5, 8], size=0.05)
    assert r.shape == (obs.shape[0], 2, 2)
    assert np.isnan(r[:, 1, 0]).all(), "a read before the pulse is undefined"
    assert np.nanmean(r[:, :, 1]) > 0, "evidence for choice 1 raises the preference for choice 1"
    small = pulse_response(dyn, obs, s0, pulse_at=[3], read_at=[8], size=0.01)
    assert np.allclose(np.mean(small), np.mean(r[:, 0, 1]), rtol=0.1), "small pulses: a linear response"
    pref = choice_preference(dyn, dyn.run(obs, s0))
    assert pref.shape == obs.shape[:2]
    with pytest.raises(ValueError, match=r"pulse_at must be step indices in range\(9\)"):
        pulse_response(dyn, obs, s0, pulse_at=[9], read_at=[8])
    with pytest.raises(ValueError, match="size must be"):
        pulse_response(dyn, obs, s0, pulse_at=[3], read_at=[8], size=0)


def test_actor_dynamics_refuses_what_it_cannot_read(recorded):
    _, _, rollout, dyn = recorded
    _, obs, s0, _ = _trials(rollout)
    with pytest.raises(TypeError, match="RecurrentPPO model with an LSTM actor"):
        ActorDynamics(object())
    with pytest.raises(ValueError, match="give push_at and push together"):
        dyn.run(obs, s0, push_at=3)
    with pytest.raises(ValueError, match="initial_state"):
        dyn.run(obs, s0[:, :10])
    with pytest.raises(ValueError, match="full state's 128 entries"):
        dyn.logits(np.zeros(64))
    with pytest.raises(ValueError, match="same shape"):
        full_state(np.zeros((2, 64)), np.zeros((3, 64)))


def test_measure_dynamics_gives_notebook_10s_numbers_for_one_network(recorded):
    from neurogym_lite.neural.dynamics_measures import choice_axis, measure_dynamics

    model, env, _, _ = recorded
    m = measure_dynamics(model, env, n_trials=150, seed=11, n_initial=16, pulse_ms=1000)
    assert m["n_slow_points"] == 1 and m["n_stable"] == 1
    assert 0 < m["top_eigenvalue"] < 1 and m["tau_ms"] == pytest.approx(-100 / np.log(m["top_eigenvalue"]))
    assert len(m["pulse"]["response"]) == 10 and len(m["pulse_kernel"]) == 5, "5 frames of 100 ms"
    assert m["push"]["low"] <= m["push"]["effect"] <= m["push"]["high"]
    assert m["push"]["effect"] > abs(m["push"]["control_effect"]), "the choice axis matters more than random pushes"
    with pytest.raises(ValueError, match="needs trials of both choices"):
        choice_axis(np.zeros((5, 4)), np.ones(5))


def test_gates_are_the_lstm_step(recorded):
    _, env, rollout, dyn = recorded
    states = full_state(rollout.hidden, rollout.cell)[:20]
    u = constant_input(env, 12.8, 0)
    g = dyn.gates(states, u)
    assert set(g) == {"input", "forget", "candidate", "output"} and g["forget"].shape == (20, dyn.units)
    c_next = g["forget"] * states[:, dyn.units:] + g["input"] * g["candidate"]
    with torch.no_grad():
        stepped = dyn.map_for(u)(torch.tensor(states)).numpy()
    assert np.allclose(stepped[:, dyn.units:], c_next) and np.allclose(stepped[:, :dyn.units], g["output"] * np.tanh(c_next))
    with pytest.raises(ValueError, match=r"state must be \(batch, 128\)"):
        dyn.gates(states[:, :64], u)
