"""The per-network measures of a trained population (``python tools/build_populations.py measure NAME``).

Each network is measured on its own fresh trials (the engine's ``eval_seed``, distinct for every
network) with the package's analyses, the ones notebooks 3-9 use on the shipped network:
psychometric function (bias, threshold, lapses with profile intervals, efficiency), accuracy
against the ideal observer on the very frames the network saw, psychophysical kernel, choice
history (one logistic regression), argmax against sampled actions, generalisation to a longer
stimulus, the LSTM state reset at every trial, and the population code (choice decoding at the
end of the dots, and before them against a 500-shuffle null). The training measures (learning
curve, steps to criterion, training time) come from the engine's journal.
"""

from __future__ import annotations

import functools
import json
import math
import multiprocessing as mp
import time
from pathlib import Path
from typing import Any

import numpy as np


def _clean(value: Any) -> Any:
    """JSON-safe: numpy scalars to Python, NaN to None, dict keys to strings."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return _clean(value.tolist())
    if isinstance(value, (np.floating, float)):
        return None if not math.isfinite(float(value)) else round(float(value), 6)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def measure_fd_rl(path: str, config: dict[str, Any]) -> dict[str, Any]:
    """Everything notebooks 3-5 and 9 say of the shipped fixed-duration agent, for one network."""
    import torch
    from sb3_contrib import RecurrentPPO

    from neurogym_lite.agents.evaluation import evaluate
    from neurogym_lite.agents.population.measures import monkey_env_factory
    from neurogym_lite.agents.recipe import MONKEY_TASK
    from neurogym_lite.behaviour.history import history_regression
    from neurogym_lite.behaviour.ideal_observer import ideal_observer, ideal_sigma, paired_vs_ideal
    from neurogym_lite.behaviour.kernel import psychophysical_kernel
    from neurogym_lite.behaviour.psychometric import efficiency, fit_psychometric
    from neurogym_lite.behaviour.trials import collect_trials
    from neurogym_lite.tasks.registration import make_env

    torch.set_num_threads(1)
    t0 = time.process_time()
    model = RecurrentPPO.load(path, device="cpu")
    make = monkey_env_factory({"stimulus_ms": config["stimulus_ms"], "sigma": config["sigma"]})
    seed, n = config["eval_seed"], config["eval_trials"]
    out: dict[str, Any] = {}

    table = collect_trials(model, make, n, seed=seed)
    chose = table.select(table.chose)
    out["n_trials"] = len(table)
    out["aborted_rate"] = float(table.aborted.mean())
    out["no_choice_rate"] = float(np.mean(table.choice[~table.aborted] == 0))
    learned = len(chose) > 100 and np.mean(chose.correct[chose.coh >= 25.6]) > 0.9
    out["learned"] = bool(learned)
    if not learned:
        out["cpu_seconds"] = time.process_time() - t0
        return out
    out["accuracy_by_coh"] = {float(c): float(chose.correct[chose.coh == c].mean()) for c in np.unique(chose.coh)}
    out["p_choice1_at_0"] = float(chose.chose_1[chose.coh == 0].mean())
    out["n_at_0"] = int((chose.coh == 0).sum())

    fit = fit_psychometric(chose.signed_coh, chose.chose_1, n_boot=200, seed=0)
    sigma_ideal = ideal_sigma(config["sigma"], config["stimulus_ms"])
    eff = efficiency(fit, sigma_ideal)
    out["psychometric"] = {
        "bias": fit.bias, "bias_ci": fit.ci["bias"], "sigma": fit.sigma, "threshold": fit.threshold,
        "threshold_ci": fit.ci["threshold"], "gamma": fit.gamma, "lambda": fit.lambda_,
        "gamma_interval": fit.lapse_interval("gamma"), "lambda_interval": fit.lapse_interval("lambda"),
        "gamma_bootstrap_ci": fit.ci["gamma"], "lambda_bootstrap_ci": fit.ci["lambda"],
        "rule_of_three": fit.rule_of_three(), "efficiency": eff.value, "efficiency_ci": eff.ci,
    }
    paired = paired_vs_ideal(table, n_boot=1000, seed=0)
    out["vs_ideal_same_frames"] = {c: dict(zip(("agent", "ideal", "difference", "low", "high", "n"), v, strict=True))
                                   for c, v in paired.per_coh.items()}
    weak = chose.select((chose.coh <= 6.4) & ~np.isnan(chose.evidence).any(axis=1))
    k = psychophysical_kernel(weak.evidence, weak.chose_1, signed_coh=weak.signed_coh)
    out["kernel"] = {"weights": k.weights, "low": k.low, "high": k.high, "flat_p": k.flat_p_value,
                     "late_over_early": float(k.weights[-1] / k.weights[0]) if k.weights[0] else None,
                     "n_trials": k.n_trials}
    h = history_regression(table.signed_coh, table.choice, table.correct, session=table.session)
    out["history"] = {"win": h.weights["win"], "lose": h.weights["lose"], "bias": h.weights["bias"],
                      "p_repeat": h.p_repeat, "n_trials": h.n_trials}

    sampled = collect_trials(model, make, n, seed=seed, deterministic=False)
    sc = sampled.select(sampled.chose)
    out["sampled"] = {"accuracy_by_coh": {float(c): float(sc.correct[sc.coh == c].mean()) for c in np.unique(sc.coh)},
                      "aborted_rate": float(sampled.aborted.mean()),
                      "p_choice1_at_0": float(sc.chose_1[sc.coh == 0].mean())}

    # generalisation: dots twice as long as in training (1000 ms), the ideal observer gains from them
    long_timing = {**MONKEY_TASK["timing"], "stimulus": ("constant", 1000)}

    def make_long() -> Any:
        return make_env("PerceptualDecisionMaking-v0", **{**MONKEY_TASK, "timing": long_timing}, sigma=config["sigma"])

    long = evaluate(model, make_long, num_trials=n // 2, seed=seed + 500_000)
    done = np.array([not t.get("aborted", False) for t in long.trials])
    ideal_long = ideal_observer(make_long())
    out["long_stimulus"] = {
        "accuracy_by_coh": {float(c): float(long.performance[done & (long.cohs == c)].mean())
                            for c in np.unique(long.cohs) if (done & (long.cohs == c)).any()},
        "ideal_by_coh": {float(c): float(a) for c, a in ideal_long.items()},
        "aborted_rate": float(1 - done.mean())}
    reset = evaluate(model, make, num_trials=1000, seed=seed + 700_000, reset_state_each_trial=True)
    out["reset_each_trial_accuracy"] = float(reset.accuracy)

    out["neural"] = _neural(model, make, seed + 900_000, n_trials=1000)
    out["cpu_seconds"] = time.process_time() - t0
    return out


def _neural(model: Any, make: Any, seed: int, n_trials: int) -> dict[str, Any]:
    """Notebook 5's population-code measures, with a cross-validated linear decoder tested against
    500 label shuffles: the choice at the end of the dots; just before the dots, the coming choice
    and the previous trial's choice and outcome."""
    from neurogym_lite.neural.decoding import decoding_permutation_test
    from neurogym_lite.neural.states import align_states
    from neurogym_lite.tasks.rollout import run_env

    rollout = run_env(make(), num_trials=n_trials, model=model, seed=seed)
    aborted = np.array([bool(t.get("aborted", False)) for t in rollout.trials])
    aligned = align_states(rollout, "stimulus", before=1, after=5, states="hidden")
    ids = aligned.trial_ids
    ok = ~aborted[ids] & (aligned.choices > 0) & np.all(np.isfinite(aligned.data), axis=(1, 2))
    aligned = aligned.select(ok)
    ids, choice = aligned.trial_ids, aligned.choices
    before, end = aligned.data[:, 0, :], aligned.data[:, -1, :]  # before any dot; the last frame of dots

    def test(states: np.ndarray, labels: np.ndarray) -> dict[str, float]:
        t = decoding_permutation_test(states, labels, n_shuffles=500, seed=1)
        return {"accuracy": t.accuracy, "chance": t.chance, "p": t.p, "null_95": t.null_95}

    out: dict[str, Any] = {"n_trials": len(ids), "choice_at_end_of_dots": test(end, choice),
                           "coming_choice_before_dots": test(before, choice)}
    prev = ids - 1
    has_prev = (prev >= 0) & ~aborted[np.maximum(prev, 0)] & (rollout.choices[np.maximum(prev, 0)] > 0)
    if has_prev.sum() > 50:
        out["previous_choice_before_dots"] = test(before[has_prev], rollout.choices[prev[has_prev]])
        outcome = rollout.performance[prev[has_prev]]
        if 0 < outcome.mean() < 1:
            out["previous_outcome_before_dots"] = test(before[has_prev], outcome)
    return out


def measure_fd_sl(path: str, config: dict[str, Any]) -> dict[str, Any]:
    """Notebook 8's measures of a supervised network, scored open loop on its own fresh trials."""
    import torch

    from neurogym_lite.agents.supervised import (
        SavedNetwork,
        make_trials,
        monkey_task,
        run_network,
        score_trials,
    )
    from neurogym_lite.behaviour.history import history_regression
    from neurogym_lite.behaviour.ideal_observer import paired_vs_ideal
    from neurogym_lite.behaviour.psychometric import fit_psychometric
    from neurogym_lite.behaviour.trials import TrialTable

    torch.set_num_threads(1)
    t0 = time.process_time()
    model = SavedNetwork.load(path)
    trials = make_trials(monkey_task, config["eval_trials"], config["eval_seed"])
    scores = score_trials(trials, run_network(model.net, trials))
    evidence = np.array([t["ob"][t["stim_on"]:t["stim_on"] + 5, 1] - t["ob"][t["stim_on"]:t["stim_on"] + 5, 2]
                         for t in trials])
    table = TrialTable(scores.signed_coh, scores.choice, scores.correct, scores.aborted, evidence)
    done = scores.completed
    out: dict[str, Any] = {"n_trials": len(trials), "aborted_rate": float(scores.aborted.mean()),
                           "learned": bool(done.sum() > 100 and scores.correct[done & (scores.coh >= 25.6)].mean() > 0.9)}
    out["accuracy_by_coh"] = {float(c): float(scores.correct[done & (scores.coh == c)].mean())
                              for c in np.unique(scores.coh[done])}
    out["p_choice1_at_0"] = float(np.mean(scores.choice[done & (scores.coh == 0)] == 1))
    out["n_at_0"] = int((done & (scores.coh == 0)).sum())
    fit = fit_psychometric(scores.signed_coh[done], scores.choice[done] == 1, n_boot=200, seed=0)
    out["psychometric"] = {"bias": fit.bias, "bias_ci": fit.ci["bias"], "threshold": fit.threshold,
                           "threshold_ci": fit.ci["threshold"], "lambda_interval": fit.lapse_interval("lambda"),
                           "gamma_interval": fit.lapse_interval("gamma")}
    paired = paired_vs_ideal(table, n_boot=1000, seed=0)
    out["vs_ideal_same_frames"] = {c: dict(zip(("agent", "ideal", "difference", "low", "high", "n"), v, strict=True))
                                   for c, v in paired.per_coh.items()}
    h = history_regression(table.signed_coh, table.choice, table.correct)
    out["history"] = {"win": h.weights["win"], "lose": h.weights["lose"], "bias": h.weights["bias"],
                      "p_repeat": h.p_repeat, "n_trials": h.n_trials}
    out["cpu_seconds"] = time.process_time() - t0
    return out


def measure_rt(path: str, config: dict[str, Any]) -> dict[str, Any]:
    """Notebook 7's measures of one reaction-time agent, on its own 4,000 fresh trials of the monkeys'
    coherences: the shape of its RT distributions, slow errors within coherence, choice history,
    and flat- and collapsing-bound diffusion fits (misses fitted as undecided trials)."""
    import torch
    from sb3_contrib import RecurrentPPO

    from neurogym_lite.agents.rt_population import MONKEY_COHS, meets_targets, rt_test_env
    from neurogym_lite.behaviour.ddm import fit_ddm
    from neurogym_lite.behaviour.history import history_regression
    from neurogym_lite.behaviour.reaction_times import collect_rts, rt_shape, rt_summary, slow_errors

    torch.set_num_threads(1)
    t0 = time.process_time()
    model = RecurrentPPO.load(path, device="cpu")
    _test_env = functools.partial(rt_test_env, **config.get("options", {}).get("env_kwargs", {}))  # its own task
    data = collect_rts(model, _test_env, config["eval_trials"], seed=config["eval_seed"])
    ans = data.answered
    out: dict[str, Any] = {"n_trials": data.n_trials, "answered": float(ans.mean())}
    # sampled actions, as in training, on the same trials; measured even where the most likely action
    # never answers: a policy whose answer probability stays under one half at each step answers only
    # when sampled
    sampled = collect_rts(model, _test_env, config["eval_trials"], seed=config["eval_seed"], deterministic=False)
    ss = rt_summary(sampled)
    out["sampled"] = {"answered": float(sampled.answered.mean()),
                      "summary": {c: {"accuracy": row["accuracy"], "mean_rt": row["mean_rt"]} for c, row in ss.items()}}
    if ans.sum() < 200:
        out["learned"] = False
        return out
    s = rt_summary(data)
    out["summary"] = {c: {k: v for k, v in row.items()} for c, row in s.items()}
    accs = [s[c]["accuracy"] for c in MONKEY_COHS]
    rts = [s[c]["mean_rt"] for c in MONKEY_COHS]
    out["meets_targets"] = meets_targets(out["answered"], accs, rts)
    out["learned"] = True
    fits = {}
    for shape in ("flat", "collapsing"):
        keep = ans & (data.rt <= 2000)
        fit = fit_ddm(data.coh[keep], data.correct[keep], data.rt[keep], t_max=2.02, dt=0.01, shape=shape,
                      missed_coh=data.coh[data.missed])
        fits[shape] = {"k": fit.k, "bound": fit.bound, "tau": fit.tau, "nondecision": fit.nondecision,
                       "loss": fit.loss, "bic": fit.bic}
    out["ddm"] = fits
    tnd = fits["flat"]["nondecision"] * 1000
    weak = ans & (data.coh <= 6.4)
    out["shape"] = {}
    for name, sel in [("0-6.4", weak)] + [(f"{c:g}", ans & (data.coh == c)) for c in (0.0, 3.2, 6.4)]:
        r = rt_shape(data.rt[sel], nondecision_ms=min(tnd, float(data.rt[sel].min())), n_boot=500)
        out["shape"][name] = {"n": r.n, "q10": r.q10, "q90": r.q90, "cv": r.cv, "fast": r.fast,
                              "skewness": r.skewness, "ci": r.ci}
    low = ans & (data.coh > 0) & (data.coh <= 12.8)
    se = slow_errors(data.coh[low], data.correct[low], data.rt[low], n_permutations=2000, n_boot=1000)
    out["slow_errors"] = {"effect": se.effect, "low": se.low, "high": se.high, "p": se.p, "pooled": se.pooled,
                          "per_coh": se.per_coh, "regression": se.regression}
    choice = np.where(data.choice >= 0, data.choice + 1, 0)  # 1, 2, or 0 for no choice
    signed = np.where(data.ground_truth == 0, data.coh, -data.coh)
    try:
        h = history_regression(signed, choice, data.correct, session=data.session)
        out["history"] = {"win": h.weights["win"], "lose": h.weights["lose"], "bias": h.weights["bias"],
                          "p_repeat": h.p_repeat, "n_trials": h.n_trials}
    except ValueError as e:  # e.g. an agent that answers only the easy trials: no history to fit, the rest stands
        out["history"] = {"error": str(e)}
    out["cpu_seconds"] = time.process_time() - t0
    return out


#: the notebooks' measures, by the trainer a population's networks came from: a new population
#: needs no entry of its own
MEASURES_BY_TRAINER = {"neurogym_lite.agents.population.measures:train_monkey_agent": measure_fd_rl,
                       "neurogym_lite.agents.supervised:train_for_population": measure_fd_sl,
                       "neurogym_lite.agents.rt_population:train": measure_rt}


def measure_of(config: dict[str, Any]) -> Any:
    """The measure for a network trained with ``config`` (checked: its ``trainer`` is filled in)."""
    try:
        return MEASURES_BY_TRAINER[config["trainer"]]
    except KeyError:
        raise ValueError(f"no notebook measure for networks of trainer {config['trainer']!r}; known: "
                         f"{sorted(MEASURES_BY_TRAINER)}") from None


#: the shipped model each population is compared with (measured by the same function)
SHIPPED = {"fd_rl": "pdm_lstm", "rt_rl": "pdm_rt_lstm"}


def _one(args: tuple[str, str, dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    trainer, path, config = args  # the population's trainer picks the measure (the shipped network has none)
    try:
        return config["seed"], measure_of({"trainer": trainer})(path, config)
    except Exception as e:  # recorded, not hidden: the table says which network could not be measured
        return config["seed"], {"error": f"{type(e).__name__}: {e}"}


def measure_population(name: str, configs: list[dict[str, Any]], about: dict[str, Any], store: Path, out: Path,
                       command: str, workers: int = 2) -> None:
    from neurogym_lite.agents.population import check_config, results, run_key

    frame = results(store / f"{name}.journal", name)
    rows = {int(r["seed"]): r for r in frame.to_dict("records") if r["state"] == "COMPLETE"}
    jobs = []
    for c in configs:
        full = check_config(c)
        path = store / "models" / name / f"{run_key(full)}.zip"
        measure_of(full)  # a trainer without a measure is refused before anything is measured
        if full["seed"] in rows and path.exists():
            jobs.append((full["trainer"], str(path), full))
    shipped = SHIPPED.get(name)
    if shipped is not None:  # the network the notebooks load, measured the same way (seed 0 is its own)
        from importlib import resources

        path = resources.files("neurogym_lite.agents") / "models" / f"{shipped}.zip"
        own = check_config({"seed": 0, "eval_seed": configs[0]["eval_seed"] - 1_000 * configs[0]["seed"]})
        jobs.append((check_config(configs[0])["trainer"], str(path), own))
    # A network already in the table with the same weights is not measured again (the measures are
    # deterministic: its own test trials, fixed seeds); a new or retrained one is.
    old = json.loads(out.read_text()) if out.exists() else {}
    sha = {int(r["seed"]): r.get("weights_sha256") for r in rows.values()}
    kept: dict[int, Any] = {}
    for n in old.get("networks", []):
        fields = {k: v for k, v in n.items() if k not in ("seed", "eval_seed", "trained", "engine")}
        if fields and n.get("engine", {}).get("weights_sha256") == sha.get(n["seed"]) is not None:
            kept[n["seed"]] = fields
    if old.get("shipped") and len(old["shipped"]) > 2:
        kept[0] = {k: v for k, v in old["shipped"].items() if k not in ("name", "seed")}
    jobs = [j for j in jobs if j[2]["seed"] not in kept]
    print(f"measuring {len(jobs)} network(s); {len(kept)} kept from {out.name} (same weights)")
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers) as pool:
        measured = {**kept, **dict(pool.map(_one, jobs))}
    networks = []
    for c in configs:
        seed = c["seed"]
        row = rows.get(seed)
        entry: dict[str, Any] = {"seed": seed, "eval_seed": c["eval_seed"], "trained": row is not None}
        if row is not None:
            engine = {key: row[key] for key in (
                "accuracy", "fix_break_rate", "no_choice_rate", "p_choice1_at_0", "threshold", "bias", "efficiency",
                "train_cpu_seconds", "steps_to_criterion", "trials_to_criterion", "criterion_accuracy", "curve",
                "weights_sha256", "meets_criterion", "curve_cpu_seconds", "stopped_at_steps", "confirmations") if key in row}
            engine["accuracy_by_coh"] = {k.split("@")[1]: v for k, v in row.items() if k.startswith("accuracy@")}
            engine["ideal_by_coh"] = {k.split("@")[1]: v for k, v in row.items() if k.startswith("ideal@")}
            # trials per coherence and distance from the ideal in binomial SEs: notebook 9 tests homogeneity
            engine["n_by_coh"] = {k.split("@")[1]: v for k, v in row.items() if k.startswith("n@")}
            engine["z_vs_ideal_by_coh"] = {k.split("@")[1]: v for k, v in row.items() if k.startswith("z@")}
            entry["engine"] = engine
        entry.update(measured.get(seed, {}))
        networks.append(entry)
    if shipped is not None:
        table_shipped = {"name": shipped, "seed": 0, **measured.get(0, {})}
    table = {"shipped": table_shipped if shipped is not None else None, "population": name, "about": about["about"], "seeds": about["seeds"], "config": about["config"],
             "command": command, "networks": networks}
    out.write_text(json.dumps(_clean(table), indent=1) + "\n")
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} kB): {sum(n.get('learned', False) for n in networks)} "
          f"of {len(networks)} networks learned")
