"""Reaction-time agents in the population engine: a trainer and a measure for
:func:`neurogym_lite.agents.population.run_population` (config ``trainer`` =
``"neurogym_lite.agents.rt_population:train"``, ``measure`` = ``"...:measure"``).

The trainer is :func:`~neurogym_lite.agents.recipe.train_rt_agent` (the RT recipe) for the
config's ``total_timesteps``; with ``curve_every`` it tests the agent every so many steps on
``curve_trials`` fresh trials (most likely actions) and records answered fraction, accuracy and
mean RT per coherence: how the RT behaviour evolves with training. With the option
``stop_at_targets`` these curve trials are a validation set: training stops at the first test that
meets :func:`meets_targets` (the test trials of the measure are others). With ``confirm_trials`` as
well, a validation test that meets the targets is confirmed on that many fresh trials (a new set at
each confirmation) and training stops only if those meet the targets too: up to 16 tests of 600
trials each let a borderline agent pass one by chance, an independent confirmation does not select
on that chance. With ``screen_z``, the validation test becomes a screen for the confirmation: it
passes an agent within ``screen_z`` standard errors of the targets (:func:`could_meet_targets`: 100
trials per coherence cannot tell 0.44 correct at 0 % from 0.5) and the confirmation applies the
targets themselves. ``shared_lstm`` trains one LSTM, which the critic reads, instead of two. The
measure is notebook 7's summary on ``eval_trials`` fresh trials of the monkeys' six coherences,
with most likely and with sampled actions.
"""

from __future__ import annotations

import functools
import time
from typing import Any

import numpy as np

__all__ = ["MONKEY_COHS", "could_meet_targets", "measure", "meets_targets", "rt_test_env", "train"]

#: The coherences (%) of Roitman & Shadlen (2002), on which every RT agent is tested.
MONKEY_COHS = [0.0, 3.2, 6.4, 12.8, 25.6, 51.2]


def rt_test_env(**env_kwargs: Any) -> Any:
    """The task an RT agent is tested on: the one it was trained on (``env_kwargs``: its rewards, ...)
    with the monkeys' coherences. An agent sees its last reward, so testing it under other rewards
    would show it inputs it never met."""
    import neurogym_lite as ngym

    return ngym.make_env("PerceptualDecisionMakingRT-v0", **{**env_kwargs, "cohs": MONKEY_COHS})


def _test_env_of(config: dict[str, Any]) -> Any:
    return functools.partial(rt_test_env, **dict(config.get("options", {})).get("env_kwargs", {}))


def confirmation_seed(curve_seed: int, k: int) -> int:
    """The seed of an agent's ``k``-th confirmation trials (k = 1, 2, ...): apart from its curve's
    (``curve_seed``) and, for the population's seeds 1,000 apart, from every other network's trials."""
    return curve_seed + 1_000_003 * k


def _summary(data: Any) -> dict[str, Any]:
    from neurogym_lite.behaviour.reaction_times import rt_summary

    s = rt_summary(data)
    return {"answered": float(data.answered.mean()),
            "accuracy_by_coh": {f"{c:g}": float(v["accuracy"]) for c, v in s.items()},
            "mean_rt_by_coh": {f"{c:g}": float(v["mean_rt"]) for c, v in s.items()}}


def train(config: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Train one RT agent with the RT recipe (the config's ``options`` override its hyperparameters,
    e.g. ``{"gamma": 0.998}``; ``env_kwargs`` there changes the task; ``stop_at_targets=True`` stops
    training at the first curve test that meets :func:`meets_targets`, reported as the extra
    ``stopped_at_steps``, None if none did; ``confirm_trials=n`` makes the stop wait for a
    confirmation on ``n`` fresh trials, each reported in the extra ``confirmations``;
    ``screen_z=z`` makes the validation test a screen within ``z`` standard errors of the targets,
    for the confirmation to check; ``shared_lstm=True`` gives the critic no LSTM of its own: it reads
    the actor's, without training it)."""
    from stable_baselines3.common.callbacks import BaseCallback

    import neurogym_lite as ngym
    from neurogym_lite.agents.recipe import RT_RECIPE, make_model, make_vec_env
    from neurogym_lite.behaviour.reaction_times import collect_rts

    options = dict(config["options"])
    env_kwargs = dict(options.pop("env_kwargs", {}))
    stop_at_targets = options.pop("stop_at_targets", False)
    if not isinstance(stop_at_targets, bool):
        raise TypeError(f"options['stop_at_targets'] must be True or False, got {stop_at_targets!r}")
    if stop_at_targets and not config["curve_every"]:
        raise ValueError("options['stop_at_targets'] needs curve_every > 0: the curve's tests are what it stops on")
    shared_lstm = options.pop("shared_lstm", False)
    if not isinstance(shared_lstm, bool):
        raise TypeError(f"options['shared_lstm'] must be True or False, got {shared_lstm!r}")
    screen_z = options.pop("screen_z", 0.0)
    if isinstance(screen_z, bool) or not isinstance(screen_z, int | float) or not np.isfinite(screen_z):
        raise TypeError(f"options['screen_z'] must be a number (standard errors), got {screen_z!r}")
    if screen_z < 0:
        raise ValueError(f"options['screen_z'] must be >= 0, got {screen_z}")
    confirm_trials = options.pop("confirm_trials", 0)
    if isinstance(confirm_trials, bool) or not isinstance(confirm_trials, int):
        raise TypeError(f"options['confirm_trials'] must be an int (trials per confirmation), got {confirm_trials!r}")
    if confirm_trials < 0:
        raise ValueError(f"options['confirm_trials'] must be >= 0, got {confirm_trials}")
    if confirm_trials and not stop_at_targets:
        raise ValueError("options['confirm_trials'] confirms the early stop: it needs stop_at_targets=True")
    if screen_z and not confirm_trials:
        raise ValueError("options['screen_z'] screens for a confirmation: it needs confirm_trials > 0 (without one, "
                         "training would stop on agents short of the targets)")
    unknown = sorted(set(options) - set(RT_RECIPE) - {"n_envs", "ent_coef", "gae_lambda", "n_epochs", "batch_size"})
    if unknown:
        raise ValueError(f"options has unknown key(s) {unknown}; the RT trainer takes env_kwargs, stop_at_targets, "
                         f"confirm_trials, screen_z, shared_lstm and recipe keys {sorted(RT_RECIPE)}")
    if shared_lstm:  # one LSTM for actor and critic (the critic reads it, detached): half the recurrent work
        options["policy_kwargs"] = {"shared_lstm": True, "enable_critic_lstm": False}
    curve: dict[str, list[Any]] = {"steps": [], "answered": [], "accuracy_by_coh": [], "mean_rt_by_coh": []}
    stopped: dict[str, Any] = {"at": None}
    confirmations: list[dict[str, Any]] = []
    spent = {"wall": 0.0, "cpu": 0.0}
    every, n_curve, curve_seed = config["curve_every"], config["curve_trials"], config["eval_seed"] + 1_000_003
    test_env = _test_env_of(config)

    class _Curve(BaseCallback):
        def _on_step(self) -> bool:
            if every and self.num_timesteps % every < self.training_env.num_envs:
                t0, c0 = time.perf_counter(), time.process_time()
                data = collect_rts(self.model, test_env, n_curve, seed=curve_seed)
                s = _summary(data)
                curve["steps"].append(int(self.num_timesteps))
                for key in ("answered", "accuracy_by_coh", "mean_rt_by_coh"):
                    curve[key].append(s[key])
                if not stop_at_targets:
                    passed = False
                elif screen_z:
                    passed = could_meet_targets(data, screen_z)
                else:
                    passed = _summary_meets_targets(s)
                if passed and confirm_trials:
                    # a fresh set each time: a confirmation reused would be selected on like the validation set
                    seed = confirmation_seed(curve_seed, len(confirmations) + 1)
                    c = _summary(collect_rts(self.model, test_env, confirm_trials, seed=seed))
                    passed = _summary_meets_targets(c)
                    confirmations.append({"steps": int(self.num_timesteps), "meets_targets": passed, **c})
                spent["wall"] += time.perf_counter() - t0
                spent["cpu"] += time.process_time() - c0
                if passed:
                    stopped["at"] = int(self.num_timesteps)
                    return False  # SB3 ends learn() here: this network is the one kept
            return True

    def make_env() -> Any:
        return ngym.make_env("PerceptualDecisionMakingRT-v0", **env_kwargs)

    model = make_model(make_vec_env(make_env, n_envs=options.pop("n_envs", 8), seed=config["seed"]),
                       seed=config["seed"], **{**RT_RECIPE, **options})
    model.learn(config["total_timesteps"], callback=_Curve() if every else None)
    extras: dict[str, Any] = {"curve_seconds": spent["wall"], "curve_cpu_seconds": spent["cpu"]}
    if stop_at_targets:
        extras["stopped_at_steps"] = stopped["at"]  # None: the targets were never met, trained to the end
    if confirm_trials:
        extras["confirmations"] = confirmations
    if every:
        extras["curve"] = curve
    return model, extras


def measure(model: Any, config: dict[str, Any]) -> dict[str, Any]:
    """Notebook 7's behavioural summary of one RT agent on ``eval_trials`` fresh trials (seeded by
    ``eval_seed``), with most likely actions (``deterministic``, what notebook 7 shows) and with
    sampled ones (``sampled``, as in training)."""
    from neurogym_lite.behaviour.reaction_times import collect_rts

    out: dict[str, Any] = {}
    for name, det in (("deterministic", True), ("sampled", False)):
        data = collect_rts(model, _test_env_of(config), config["eval_trials"], seed=config["eval_seed"],
                           deterministic=det)
        out[name] = _summary(data)
    det = out["deterministic"]
    rts = [det["mean_rt_by_coh"][f"{c:g}"] for c in MONKEY_COHS]
    accs = [det["accuracy_by_coh"][f"{c:g}"] for c in MONKEY_COHS]
    out["accuracy"] = float(np.mean(accs))
    out["rt_range_ms"] = float(rts[0] - rts[-1])
    out["meets_targets"] = _summary_meets_targets(det)  # the same test as the stop on validation trials
    return out


def _targets_data(s: dict[str, Any]) -> tuple[list[float], list[float]] | None:
    """A summary's accuracies and mean RTs on :data:`MONKEY_COHS`; None if a coherence was never answered."""
    accs = [s["accuracy_by_coh"].get(f"{c:g}") for c in MONKEY_COHS]
    rts = [s["mean_rt_by_coh"].get(f"{c:g}") for c in MONKEY_COHS]
    if any(v is None or not np.isfinite(v) for v in accs + rts):
        return None
    return accs, rts


def _summary_meets_targets(s: dict[str, Any]) -> bool:
    by_coh = _targets_data(s)
    return by_coh is not None and meets_targets(s["answered"], *by_coh)


def could_meet_targets(data: Any, z: float) -> bool:
    """Whether the trials ``data`` (:class:`~neurogym_lite.behaviour.reaction_times.RTData` on
    :data:`MONKEY_COHS`) are within ``z`` standard errors of meeting :func:`meets_targets` on each
    of its conditions; ``z = 0`` is :func:`meets_targets` itself.

    The standard errors are those of the trials at hand: binomial at the targets' own values for
    the answered fraction (0.95), the accuracy at 0 % (0.5) and at 51.2 % (0.98), and the RT range's
    from the RTs' spread at 0 and 51.2 %. A screen, not a verdict: on 100 trials per coherence a
    network with 0.5 correct at 0 % scores outside 0.5 +- 0.06 about one time in five.
    """
    if isinstance(z, bool) or not isinstance(z, int | float) or not np.isfinite(z) or z < 0:
        raise ValueError(f"z must be a number >= 0 (standard errors), got {z!r}")
    s = _summary(data)
    by_coh = _targets_data(s)
    answered = data.answered
    first, last = answered & (data.coh == MONKEY_COHS[0]), answered & (data.coh == MONKEY_COHS[-1])
    n_first, n_last = int(first.sum()), int(last.sum())
    if by_coh is None or n_first < 2 or n_last < 2:
        return False
    slack = {"answered": z * np.sqrt(0.95 * 0.05 / data.n_trials),
             "chance": z * np.sqrt(0.25 / n_first),
             "top": z * np.sqrt(0.98 * 0.02 / n_last),
             "range": z * np.sqrt(np.var(data.rt[first], ddof=1) / n_first + np.var(data.rt[last], ddof=1) / n_last)}
    return meets_targets(s["answered"], *by_coh, slack=slack)


def meets_targets(answered: float, accuracies: list[float], mean_rts: list[float], *,
                  slack: dict[str, float] | None = None) -> bool:
    """The RT recipe's design targets, on :data:`MONKEY_COHS` in order: answers >= 95 % of trials,
    0.5 +- 0.06 correct at 0 %, >= 0.98 at 51.2 %, mean RT falling by >= 250 ms from 0 to 51.2 %.
    ``slack`` widens each condition by its entry (``answered``, ``chance``, ``top``, ``range``):
    how :func:`could_meet_targets` screens."""
    d = {"answered": 0.0, "chance": 0.0, "top": 0.0, "range": 0.0}
    unknown = sorted(set(slack or {}) - set(d))
    if unknown:
        raise ValueError(f"slack has unknown key(s) {unknown}; expected some of {sorted(d)}")
    d.update(slack or {})
    return bool(answered >= 0.95 - d["answered"] and abs(accuracies[0] - 0.5) <= 0.06 + d["chance"]
                and accuracies[-1] >= 0.98 - d["top"] and mean_rts[0] - mean_rts[-1] >= 250 - d["range"])
