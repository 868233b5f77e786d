"""The policy's own readout of its hidden state (neurogym_lite.neural.policy_readout)."""

from __future__ import annotations

import numpy as np
import pytest

import neurogym_lite as ngym
from neurogym_lite.agents.pretrained import load_pretrained
from neurogym_lite.neural.policy_readout import decision_variable, policy_logits
from neurogym_lite.neural.states import align_to_response


@pytest.fixture(scope="module")
def rt_run():
    model = load_pretrained("pdm_rt_lstm")
    ro = ngym.run_env(ngym.make_env("PerceptualDecisionMakingRT-v0"), num_trials=60, model=model, seed=3)
    return model, ro


def test_the_actor_head_on_recorded_states_gives_back_every_action(rt_run):
    model, ro = rt_run
    logits = policy_logits(model, ro.hidden)
    assert logits.shape == (len(ro.actions), 3)
    assert np.array_equal(logits.argmax(axis=-1), ro.actions), "the readout is the one that chose"
    nan_rows = policy_logits(model, np.full((2, 64), np.nan))
    assert np.isnan(nan_rows).all(), "missing states stay missing"


def test_the_decision_variable_crosses_zero_at_the_response_under_argmax(rt_run):
    model, ro = rt_run
    resp = align_to_response(ro, before=10, after=1)
    dv = decision_variable(model, resp)
    assert dv.shape == resp.data.shape[:2]
    assert np.all(dv[:, -1] > 0) and np.all(dv[:, -2] < 0)


def test_bad_inputs_are_refused_by_name(rt_run):
    model, _ = rt_run
    with pytest.raises(ValueError, match="hidden"):
        policy_logits(model, np.zeros((3, 5)))
    with pytest.raises(TypeError, match="model"):
        policy_logits(object(), np.zeros((3, 64)))
