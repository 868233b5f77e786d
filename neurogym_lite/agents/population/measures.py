"""Train and measure ONE network from a config: the unit of work of a population.

:func:`train_and_evaluate` resolves the config's ``trainer`` and ``measure`` (import paths; by
default :func:`train_monkey_agent`, notebook 2's recipe on the monkey-faithful task, and
:func:`measure`, what notebooks 3 and 4 measure), runs them with torch on one thread, and returns
the measures with the training time, a digest of the weights and, if asked (``curve_every``), the
learning curve: accuracy on fresh trials at checkpoints during training, and the steps to reach
the criterion.

A trainer is ``trainer(config) -> (model, extras)``: ``model`` has SB3's ``predict`` and ``save``;
``extras`` may hold ``curve`` (a dict of lists) and ``curve_seconds`` / ``curve_cpu_seconds`` (wall
and CPU time spent testing during training, left out of the training time and reported on its own);
any other key is added to the run's measures (never replacing one). A measure is ``measure(model, config) -> dict``.
"""

from __future__ import annotations

import hashlib
import math
import os
import time
from collections.abc import Mapping
from typing import Any

from neurogym_lite.agents.population.config import check_config, resolve

__all__ = ["CRITERION_OF_IDEAL", "LearningCurve", "measure", "monkey_env_factory", "train_and_evaluate",
           "train_monkey_agent", "weights_digest"]

#: The learning curve's criterion: accuracy on completed trials at this fraction of the ideal
#: observer's mean accuracy over the coherences (notebook 8's criterion).
CRITERION_OF_IDEAL = 0.95


def monkey_env_factory(config: Mapping[str, Any]) -> Any:
    """A function building the config's task: the monkey-faithful task in ``PassReward`` with the
    config's stimulus duration and noise."""
    import functools

    from neurogym_lite.agents.recipe import MONKEY_TASK
    from neurogym_lite.tasks.registration import make_env

    timing = {**MONKEY_TASK["timing"], "stimulus": ("constant", config["stimulus_ms"])}
    return functools.partial(make_env, "PerceptualDecisionMaking-v0", **{**MONKEY_TASK, "timing": timing},
                             sigma=config["sigma"])


class LearningCurve:
    """An SB3 callback: every ``every`` steps, test the agent on ``trials`` fresh trials (the same
    trials at every checkpoint, seeded from ``seed``; most likely actions; LSTM state carried) and
    record the steps, the trials played so far, accuracy on completed trials and the fixation-break
    rate. Testing uses its own environments and no random draws of the training, so the network
    trained is the one trained without the curve."""

    def __init__(self, make_env: Any, every: int, trials: int, seed: int) -> None:
        from stable_baselines3.common.callbacks import BaseCallback

        from neurogym_lite.agents.evaluation import evaluate

        outer = self
        self.curve: dict[str, list[float]] = {"steps": [], "trials": [], "accuracy": [], "fix_break_rate": []}
        self.seconds = self.cpu_seconds = 0.0
        self._trials_seen = 0

        class _Callback(BaseCallback):
            def _on_step(self) -> bool:
                outer._trials_seen += sum(bool(i.get("new_trial", False)) for i in self.locals["infos"])
                if self.num_timesteps % every < self.training_env.num_envs:
                    t0, t0_cpu = time.perf_counter(), time.process_time()
                    result = evaluate(self.model, make_env, num_trials=trials, seed=seed)
                    done = ~_aborted(result)
                    outer.curve["steps"].append(int(self.num_timesteps))
                    outer.curve["trials"].append(int(outer._trials_seen))
                    outer.curve["accuracy"].append(float(result.performance[done].mean()) if done.any() else 0.0)
                    outer.curve["fix_break_rate"].append(float(1 - done.mean()))
                    outer.seconds += time.perf_counter() - t0
                    outer.cpu_seconds += time.process_time() - t0_cpu
                return True

        self.callback = _Callback()


def _aborted(result: Any) -> Any:
    import numpy as np

    return np.array([bool(t.get("aborted", False)) for t in result.trials])


def train_monkey_agent(config: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Notebook 2's recipe (:func:`~neurogym_lite.agents.recipe.make_model`) with the config's
    hyperparameters, trained on the config's monkey-faithful task for ``total_timesteps``."""
    from neurogym_lite.agents.recipe import make_model, make_vec_env

    recipe = {k: config[k] for k in ("n_steps", "batch_size", "n_epochs", "learning_rate", "lr_schedule", "gamma",
                                     "gae_lambda", "ent_coef", "lstm_hidden_size", "scale_inputs")}
    make = monkey_env_factory(config)
    venv = make_vec_env(make, n_envs=config["n_envs"], seed=config["seed"])
    model = make_model(venv, seed=config["seed"], **recipe)
    extras: dict[str, Any] = {}
    callback = None
    if config["curve_every"]:
        # the curve's trials come after the final test's seeds: no network is tested on the trials it is judged on
        curve = LearningCurve(make, config["curve_every"], config["curve_trials"], config["eval_seed"] + 1_000_003)
        callback = curve.callback
    model.learn(config["total_timesteps"], callback=callback)
    if callback is not None:
        extras = {"curve": curve.curve, "curve_seconds": curve.seconds, "curve_cpu_seconds": curve.cpu_seconds}
    venv.close()
    return model, extras


def measure(model: Any, config: Mapping[str, Any]) -> dict[str, Any]:
    """What notebooks 3 and 4 measure on the shipped network, on ``eval_trials`` fresh trials of
    the config's task (seeded from ``eval_seed``; most likely actions; LSTM state carried).

    Coherence by coherence (keys are coherences in %, as strings so that they survive JSON):
    ``accuracy_by_coh`` (completed trials, fixation breaks left out as in the monkey studies),
    ``ideal_by_coh`` (the ideal observer), ``z_vs_ideal_by_coh`` and ``n_by_coh``; then
    ``no_choice_rate`` (completed trials that ran out without a choice), ``fix_break_rate``,
    ``p_choice1_at_0`` and ``meets_criterion`` (:func:`~neurogym_lite.agents.recipe.monkey_criteria`),
    and the signed psychometric function (probit with lapses, no bootstrap): ``threshold`` and
    ``bias`` in % coherence, ``efficiency`` = (ideal sigma / sigma)^2. Measures that cannot be
    computed (an untrained network that never completes a trial) are NaN, with ``fit_error``.
    ``eval_sha256`` digests every trial's choice, outcome, length and coherence.
    """
    import numpy as np

    from neurogym_lite.agents.evaluation import evaluate
    from neurogym_lite.agents.recipe import monkey_criteria
    from neurogym_lite.behaviour.ideal_observer import ideal_sigma
    from neurogym_lite.behaviour.psychometric import fit_psychometric

    config = check_config(config)
    make = monkey_env_factory(config)
    result = evaluate(model, make, num_trials=config["eval_trials"], seed=config["eval_seed"])
    env = make()
    crit = monkey_criteria(result, env)
    done = ~_aborted(result)
    gt = result.param("ground_truth")
    signed = result.cohs * np.where(gt == 0, 1.0, -1.0)  # + = motion towards choice 1, as trial_table
    chose = done & (result.choices > 0)

    def by_coh(d: Mapping[float, float]) -> dict[str, float]:
        return {f"{c:g}": float(v) for c, v in d.items()}

    out: dict[str, Any] = {
        "accuracy": float(result.performance[done].mean()) if done.any() else math.nan,
        "accuracy_by_coh": by_coh(crit["accuracy_by_coh"]),
        "ideal_by_coh": by_coh({c: crit["ideal_by_coh"][c] for c in crit["accuracy_by_coh"]}),
        "z_vs_ideal_by_coh": by_coh(crit["z_vs_ideal"]),
        "n_by_coh": {f"{c:g}": int(np.sum(done & (result.cohs == c))) for c in crit["accuracy_by_coh"]},
        "fix_break_rate": crit["fix_break_rate"],
        # completed trials that ran out without a choice: a network that holds fixation and never answers
        "no_choice_rate": float(np.mean(result.choices[done] == 0)) if done.any() else math.nan,
        "p_choice1_at_0": crit["p_choice1_at_0"],
        "meets_criterion": crit["meets_criterion"],
        "threshold": math.nan, "bias": math.nan, "efficiency": math.nan, "fit_error": "",
        # every trial's choice, outcome and length: equal digests, the same evaluation trial for trial
        "eval_sha256": hashlib.sha256(b"".join(np.ascontiguousarray(a, dtype=np.int64).tobytes() for a in (
            result.choices, result.performance, result.reaction_steps, result.cohs * 10))).hexdigest(),
    }
    try:
        fit = fit_psychometric(signed[chose], result.choices[chose] == 1, n_boot=0)
    except ValueError as e:  # too few completed choices to fit a curve
        out["fit_error"] = str(e)
    else:
        sigma_ideal = ideal_sigma(env.unwrapped.sigma, config["stimulus_ms"])
        out.update(threshold=fit.threshold, bias=fit.bias, efficiency=(sigma_ideal / fit.sigma) ** 2)
    env.close()
    return out


def _time_to_criterion(curve: Mapping[str, list[float]], ideal_by_coh: Mapping[str, float]) -> dict[str, Any]:
    """Steps and trials at the first checkpoint whose accuracy reaches the criterion (None if never)."""
    if not ideal_by_coh:
        return {"criterion_accuracy": math.nan, "steps_to_criterion": None, "trials_to_criterion": None}
    target = CRITERION_OF_IDEAL * sum(ideal_by_coh.values()) / len(ideal_by_coh)
    hit = [i for i, a in enumerate(curve["accuracy"]) if a >= target]
    return {"criterion_accuracy": target,
            "steps_to_criterion": curve["steps"][hit[0]] if hit else None,
            "trials_to_criterion": curve["trials"][hit[0]] if hit else None}


def train_and_evaluate(config: Mapping[str, Any], save_path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Train ONE network with the config (keys left out take
    :data:`~neurogym_lite.agents.population.config.DEFAULTS`: the shipped network's recipe, task
    and seed) and measure it.

    Every value of the config is checked first (nothing is trained on a bad config). Runs torch on
    one thread (restored afterwards). Returns the measures plus ``train_seconds`` (wall clock) and
    ``train_cpu_seconds`` of the training (learning-curve tests left out), ``torch_threads``
    (torch's thread count while it trained), ``weights_sha256`` (a digest of the trained weights),
    and with ``curve_every`` the ``curve`` and ``steps_to_criterion`` / ``trials_to_criterion``.
    ``save_path``: where to save the trained model (a ``.zip``). Same config, same numbers: the
    seed fixes the envs, the network's initialisation and PPO's minibatches, and the evaluation has
    its own seed.
    """
    import torch

    from neurogym_lite.utils.torch_threads import one_torch_thread

    config = check_config(config)
    trainer, measurer = resolve(config["trainer"], "trainer"), resolve(config["measure"], "measure")
    with one_torch_thread():
        threads = torch.get_num_threads()
        t_wall, t_cpu = time.perf_counter(), time.process_time()
        model, extras = trainer(config)
        wall, cpu = time.perf_counter() - t_wall, time.process_time() - t_cpu
        out = dict(measurer(model, config))
    out.update(train_seconds=wall - float(extras.get("curve_seconds", 0.0)),
               train_cpu_seconds=cpu - float(extras.get("curve_cpu_seconds", 0.0)), torch_threads=threads,
               weights_sha256=weights_digest(model))
    out["curve_cpu_seconds"] = float(extras.get("curve_cpu_seconds", 0.0))
    # whatever else the trainer reports about its run (e.g. the step it stopped at) is kept with it,
    # never in place of a measure
    out.update({k: v for k, v in extras.items() if k not in out and k not in ("curve", "curve_seconds")})
    if "curve" in extras:
        out["curve"] = extras["curve"]
        out.update(_time_to_criterion(extras["curve"], out.get("ideal_by_coh", {})))
    if save_path is not None:
        model.save(save_path)
    return out


def weights_digest(model: Any) -> str:
    """sha256 of a trained network's parameters (an SB3 model's policy, or a torch module):
    equal digests, the same network bit for bit."""
    module = getattr(model, "policy", model)
    digest = hashlib.sha256()
    for name, tensor in sorted(module.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()
