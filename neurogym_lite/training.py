"""The training recipe of notebook 2, for the notebooks and benchmarks that reuse it.

Notebook 2 spells the ``RecurrentPPO(...)`` call out with every hyperparameter explained; this
module holds the same values so that later notebooks (reaction-time task, your own task) and the
benchmarks train the same way without copying them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import gymnasium as gym

__all__ = ["MONKEY_TASK", "RECIPE", "monkey_criteria", "SEED_TIMING", "make_model", "make_monkey_env", "make_vec_env"]

#: The seed notebook's task timing (ms).
SEED_TIMING: dict[str, Any] = {
    "fixation": ("constant", 300),
    "stimulus": ("constant", 500),
    "decision": ("constant", 300),
}

#: The monkey-faithful task (kwargs of ``PerceptualDecisionMaking-v0``): the seed notebook's timing,
#: fixation required whenever the fixation cue is on, and breaking it ends the trial, as in the
#: monkey experiments (Britten et al. 1992; Shadlen & Newsome 2001).
MONKEY_TASK: dict[str, Any] = {
    "dt": 100,
    "timing": SEED_TIMING,
    "enforce_fixation": True,
    "abort": True,
}


def make_monkey_env() -> gym.Env:
    """``make_env("PerceptualDecisionMaking-v0", **MONKEY_TASK)``: the monkey-faithful task, with
    the previous reward and action passed back as inputs (``PassReward``)."""
    from neurogym_lite import make_env

    return make_env("PerceptualDecisionMaking-v0", **MONKEY_TASK)


#: Hyperparameters of the default recipe (see notebook 2 for why each has its value).
RECIPE: dict[str, Any] = {
    "n_envs": 8,
    "n_steps": 64,
    "batch_size": 256,
    "n_epochs": 8,
    "learning_rate": 1e-3,
    "gamma": 0.99,
    "gae_lambda": 0.95,
    "ent_coef": 0.0,
    "lstm_hidden_size": 64,
}


def make_vec_env(make_env: Callable[[], gym.Env], n_envs: int = RECIPE["n_envs"], seed: int = 0) -> Any:
    """``n_envs`` copies of ``make_env()`` side by side in a ``DummyVecEnv``, seeded from ``seed``."""
    from stable_baselines3.common.vec_env import DummyVecEnv

    venv = DummyVecEnv([make_env] * n_envs)
    venv.seed(seed)
    return venv


def make_model(venv: Any, seed: int = 0, verbose: int = 0, **overrides: Any) -> Any:
    """A ``RecurrentPPO('MlpLstmPolicy', ...)`` with the recipe's hyperparameters (``overrides``
    replace any of them)."""
    from sb3_contrib import RecurrentPPO

    hp = {k: v for k, v in RECIPE.items() if k not in ("n_envs", "lstm_hidden_size")}
    hidden = overrides.pop("lstm_hidden_size", RECIPE["lstm_hidden_size"])
    policy_kwargs = {"lstm_hidden_size": hidden, **overrides.pop("policy_kwargs", {})}
    hp.update(overrides)
    return RecurrentPPO("MlpLstmPolicy", venv, policy_kwargs=policy_kwargs, seed=seed, verbose=verbose,
                        device="cpu", **hp)


def monkey_criteria(result: Any, env: gym.Env) -> dict[str, Any]:
    """The monkey-faithful agent's acceptance criteria, measured on an evaluation ``result``
    (:class:`~neurogym_lite.evaluation.EvalResult` of the task ``env``, e.g. ``make_monkey_env()``).

    - ``fix_break_rate``: non-fixate actions per step with the fixation cue on. With ``abort=True``
      a break ends the trial, so the breaks are the aborted trials and the cue-on steps are the
      steps of the fixation, stimulus and delay periods actually played (up to the break).
    - ``p_choice1_at_0``: P(choice 1 | 0 % coherence) among 0 % trials that ended in a choice.
    - ``z_vs_ideal``: per coherence, (accuracy - ideal observer) / binomial SE, with the SE of the
      ideal's accuracy over that coherence's trials, floored at one trial (``1/n``) so that a single
      error at a coherence the ideal never gets wrong is not a 10-SE miss. Aborted trials count as
      errors, as they do for a monkey.
    """
    import numpy as np

    from neurogym_lite.evaluation import ideal_observer

    task: Any = env.unwrapped
    aborted = np.array([bool(t.get("aborted", False)) for t in result.trials])
    # Steps with the cue on in a trial that was not aborted: fixation + stimulus + delay.
    rng = np.random.default_rng(0)
    if all(task._timing[p].kind == "constant" for p in ("fixation", "stimulus", "delay") if p in task._timing):
        cue_steps = sum(task._timing[p].sample(rng) for p in ("fixation", "stimulus", "delay") if p in task._timing)
    else:
        raise ValueError("monkey_criteria needs constant fixation, stimulus and delay durations")
    cue_on = np.where(aborted, result.reaction_steps + 1, cue_steps)
    fix_break_rate = float(aborted.sum() / cue_on.sum())
    cohs = result.cohs
    chose = (~aborted) & (result.choices > 0)
    zero = chose & (cohs == 0)
    p1 = float(np.mean(result.choices[zero] == 1)) if zero.any() else float("nan")
    ideal = ideal_observer(env)
    acc, z = {}, {}
    for c, p_ideal in ideal.items():
        sel = cohs == c
        n = int(sel.sum())
        a = float(result.performance[sel].mean())
        se = max(math.sqrt(p_ideal * (1 - p_ideal) / n), 1 / n)
        acc[c], z[c] = a, (a - p_ideal) / se
    ok = fix_break_rate <= 0.02 and abs(p1 - 0.5) <= 0.05 and min(z.values()) >= -2
    return {"fix_break_rate": fix_break_rate, "aborted_trials": int(aborted.sum()), "p_choice1_at_0": p1,
            "n_choice_at_0": int(zero.sum()), "accuracy_by_coh": acc, "ideal_by_coh": ideal,
            "z_vs_ideal": z, "meets_criterion": bool(ok)}
