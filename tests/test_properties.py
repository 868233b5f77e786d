"""Property-based tests (hypothesis) over every registered task, with and without PassReward.

Valid specs (every timing kind, dt, cohs, sigma, dim_ring, rewards, seeds): observations are
float32 and inside the space, periods last what the spec allows, ``reset(seed)`` is reproducible,
``info['trial']`` is the trial that just ended and rewards come from the declared set. Invalid
specs: a TypeError/ValueError naming the argument, within bounded time and memory.

Tasks come from ``neurogym_lite.tasks.TASKS``, so a task added there is covered; arguments are
generated only for the keywords its ``__init__`` accepts. Derandomized, no example database: CI
runs the same examples every time.
"""

from __future__ import annotations

import importlib
import inspect
import math
import time
import tracemalloc

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neurogym_lite.tasks import TASKS
from neurogym_lite.wrappers import PassReward

SETTINGS = settings(max_examples=50, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _task_class(task_id: str) -> type:
    module, name = TASKS[task_id].split(":")
    return getattr(importlib.import_module(module), name)


TASK_IDS = sorted(TASKS)


def _accepts(cls: type) -> set[str]:
    return set(inspect.signature(cls.__init__).parameters) - {"self"}


# ------------------------------------------------------------------ valid specs
DTS = [5, 10, 20, 25, 50, 100]


@st.composite
def period_spec(draw, dt: float, required: bool):
    """A valid spec for one period and the (min, max) number of steps it may last."""
    lo_steps = 1 if required else 0
    kind = draw(st.sampled_from(["number", "constant", "choice", "list", "uniform", "texp", "texp_open", "callable"]))
    if kind in ("number", "constant"):
        n = draw(st.integers(lo_steps, 12))
        return (n * dt if kind == "number" else ("constant", n * dt)), (n, n)
    if kind in ("choice", "list"):
        ns = draw(st.lists(st.integers(lo_steps, 12), min_size=1, max_size=4))
        values = [n * dt for n in ns]
        return (("choice", values) if kind == "choice" else values), (min(ns), max(ns))
    if kind == "callable":
        n = draw(st.integers(lo_steps, 12))
        return (lambda rng, n=n: float(rng.uniform(n, n + 0.4)) * dt), (n, n)
    lo = draw(st.integers(lo_steps, 8)) * dt
    hi = lo + draw(st.integers(0, 8)) * dt
    if kind == "uniform":
        return ("uniform", (lo, hi)), (round(lo / dt), round(hi / dt))
    mean = draw(st.floats(0.05, 50.0)) * dt  # includes [lo, hi] far in the tail (lo / mean up to 160)
    if kind == "texp":
        return ("truncated_exponential", (mean, lo, hi)), (round(lo / dt), round(hi / dt))
    # no upper bound: only a short mean keeps the trial short
    mean = min(mean, 2 * dt)
    return ("truncated_exponential", (mean, lo)), (round(lo / dt), math.inf)


@st.composite
def valid_kwargs(draw, cls: type):
    accepts = _accepts(cls)
    dt = draw(st.sampled_from(DTS))
    kwargs: dict = {"dt": dt}
    allowed: dict = {}
    default_timing = getattr(cls, "default_timing", {}) or {}
    required = getattr(cls, "required_periods", ())
    if "timing" in accepts and default_timing:
        timing = {}
        for period in default_timing:
            spec, bounds = draw(period_spec(dt, period in required))
            timing[period] = spec
            allowed[period] = bounds
        kwargs["timing"] = timing
    if "cohs" in accepts:
        kwargs["cohs"] = draw(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=5))
    if "sigma" in accepts:
        kwargs["sigma"] = draw(st.one_of(st.just(0.0), st.floats(0, 5)))
    if "dim_ring" in accepts:
        kwargs["dim_ring"] = draw(st.integers(2, 8))
    if "abort" in accepts:
        kwargs["abort"] = draw(st.booleans())
    defaults = getattr(cls, "default_rewards", None)
    if "rewards" in accepts and defaults:
        keys = draw(st.lists(st.sampled_from(sorted(defaults)), unique=True))
        kwargs["rewards"] = {k: draw(st.floats(-1e3, 1e3)) for k in keys}
    return kwargs, allowed


def _rollout(env, actions, seed):
    obs, _ = env.reset(seed=seed)
    out = [obs.copy()]
    for a in actions:
        obs, r, *_ = env.step(int(a))
        out.append((obs.copy(), r))
    return out


@pytest.mark.parametrize("wrap", [False, True], ids=["bare", "PassReward"])
@pytest.mark.parametrize("task_id", TASK_IDS)
def test_valid_specs_hold_the_task_contract(task_id, wrap):
    cls = _task_class(task_id)

    @SETTINGS
    @given(spec=valid_kwargs(cls), seed=st.integers(0, 2**32 - 1), data=st.data())
    def check(spec, seed, data):
        kwargs, allowed = spec
        env = gym.make(task_id, **kwargs)
        env = PassReward(env) if wrap else env
        task = env.unwrapped
        space = env.observation_space
        n_act = env.action_space.n
        actions = data.draw(st.lists(st.integers(0, n_act - 1), min_size=60, max_size=60), label="actions")
        rewards = getattr(task, "rewards", None)
        r_tmax = getattr(task, "r_tmax", 0.0)
        declared = None
        if isinstance(rewards, dict):
            base = {0.0, *rewards.values()}
            declared = base | {v + r_tmax for v in base}

        obs, _ = env.reset(seed=seed)
        assert obs.dtype == np.float32 and obs in space
        fixate_only = task.act_names[0] == "fixate"
        for k in range(3):  # a few trials: periods as specified, info['trial'] is the trial that ended
            for period, (lo, hi) in allowed.items():
                steps = task.end_ind[period] - task.start_ind[period]
                assert lo <= steps <= hi, (period, steps, lo, hi)
            n_steps = task.ob.shape[0]
            trial = task.trial
            acts = actions[:n_steps] if k == 0 else [0] * n_steps
            for t in range(n_steps):
                a = acts[t] if t < len(acts) else 0
                obs, reward, terminated, truncated, info = env.step(a)
                assert obs.dtype == np.float32 and obs in space
                assert not (terminated or truncated)
                if declared is not None:
                    assert reward in declared, (reward, declared)
                if info["new_trial"]:
                    assert info["trial"] is trial
                    assert info["performance"] in (0, 1)
                    # fixating throughout: the trial runs to its last step
                    assert not (k > 0 and fixate_only) or t == n_steps - 1
                    break
            else:
                raise AssertionError(f"trial of {n_steps} steps did not end")
        # reset(seed) reproducible, also after other trials
        first = _rollout(env, actions, seed)
        env.step(0)
        again = _rollout(env, actions, seed)
        assert all(np.array_equal(x[0], y[0]) and x[1:] == y[1:] if isinstance(x, tuple) else np.array_equal(x, y)
                   for x, y in zip(first, again, strict=True))

    check()


# ------------------------------------------------------------------ invalid specs
BAD_VALUES = {
    "dt": [0, -1, math.nan, math.inf, "100", True, None, 10**400, 1e-9, [100]],
    "cohs": ["50", [True, False], [150], [-1], [math.nan], [], 50, {1, 2}, [[1, 2], 3], ["a"]],
    "sigma": [-1, math.nan, math.inf, "1", True, 1e40, None, [1.0]],
    "dim_ring": [1, 0, -3, 2.5, "2", True, 10**9, math.nan, None],
    "abort": ["no", 1, None, 0.0],
    "rewards": ["x", [1], {"correct": math.nan}, {"correct": "1"}, {"no_such_reward": 1.0},
                {"correct": 1e300}, {"correct": True}, {"correct": math.inf}],
}
BAD_SPECS = [("uniform", (300, math.nan)), ("uniform", (300, math.inf)), ("uniform", (500, 100)), ("gauss", 1),
             -100, "300", math.nan, math.inf, 1e12, ("choice", []), ("choice", [100, "x"]), 250,
             ("truncated_exponential", (math.nan, 100, 500)), ("truncated_exponential", (0, 100)),
             ("truncated_exponential", (math.inf, 100)), (lambda a, b: 100), ("uniform",), None, True]


# Every (argument, bad value) pair is tried (parametrized), each on a few hypothesis-drawn valid
# specs for the other arguments: no bad value is left to chance.
CASES = ([(name, value) for name, values in BAD_VALUES.items() for value in values]
         + [("timing", spec) for spec in BAD_SPECS]
         + [("timing", "not a dict"), ("timing", "unknown period")])


def _corrupt(cls: type, kwargs: dict, name: str, value, period: str):
    """``kwargs`` with ``name`` made invalid; returns them and the name the error must mention."""
    kwargs = dict(kwargs)
    if name != "timing":
        if name == "rewards" and isinstance(value, dict) and "correct" in value:
            if "correct" not in (getattr(cls, "default_rewards", {}) or {}):
                value = {"no_such_reward": 1.0}  # a task without a 'correct' reward: the key is unknown
        kwargs[name] = value
        return kwargs, name
    if value == "not a dict":
        kwargs["timing"] = [100, 200]
        return kwargs, "timing"
    if value == "unknown period":
        kwargs["timing"] = {**kwargs.get("timing", {}), "no_such_period": 100}
        return kwargs, "timing"
    if value == 250 and kwargs["dt"] in (5, 10, 25, 50):  # 250 is a multiple of these: use a non-multiple
        value = kwargs["dt"] * 2.5 + 0.1
    kwargs["timing"] = {**kwargs.get("timing", {}), period: value}
    return kwargs, f"timing[{period!r}]"


@pytest.mark.parametrize("case", range(len(CASES)), ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
@pytest.mark.parametrize("task_id", TASK_IDS)
def test_invalid_specs_are_refused_naming_the_argument_in_bounded_time_and_memory(task_id, case):
    cls = _task_class(task_id)
    name, value = CASES[case]
    periods = list(getattr(cls, "default_timing", {}) or {})
    if name not in _accepts(cls) or (name == "timing" and not periods):
        pytest.skip(f"{task_id} takes no {name!r} argument")

    @settings(max_examples=3, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(spec=valid_kwargs(cls), period=st.sampled_from(periods or ["-"]))
    def check(spec, period):
        kwargs, expected = _corrupt(cls, spec[0], name, value, period)
        tracemalloc.start()
        t0 = time.perf_counter()
        try:
            with pytest.raises((TypeError, ValueError)) as err:
                env = cls(**kwargs)
                env.reset(seed=0)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert expected in str(err.value), (expected, str(err.value), kwargs)
        assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MB allocated before refusing {kwargs}"
        assert time.perf_counter() - t0 < 10

    check()
