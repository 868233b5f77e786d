"""Worker of time_to_accuracy.py: train one (side, recipe, seed), evaluating as it goes.

Runs in either virtualenv (``side`` is ``lite`` or ``neurogym``) and imports only that side, so
the training loop and the evaluation below are the same code on both sides. Arguments come as
JSON on stdin; the last line printed is the result as JSON.

Training runs in chunks of ``eval_every`` steps (``model.learn(..., reset_num_timesteps=False)``,
which keeps the rollout's env and LSTM state); only the ``learn`` calls are timed. Between chunks
the policy is evaluated on ``eval_trials`` trials: deterministic actions, 16 fresh envs seeded
``eval_seed + i``, batched ``predict`` with the LSTM state carried across trials, scoring each
trial from ``info['performance']`` at the step that ends it.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import numpy as np

TASK = "PerceptualDecisionMaking-v0"
KWARGS: dict[str, Any] = {
    "dt": 100,
    "timing": {"fixation": ("constant", 300), "stimulus": ("constant", 500), "decision": ("constant", 300)},
}
# Notebook 2's recipe on NeuroGym's task (before the monkey task; the package's RECIPE has since
# added input scaling and a learning-rate schedule, see benchmarks/time_to_criterion.py), restated
# so that the NeuroGym side, which cannot import neurogym_lite, trains with the same values. This
# benchmark compares the two libraries' envs under one fixed recipe.
NOTEBOOK_RECIPE: dict[str, Any] = {
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


def make_env_fn(side: str) -> Any:
    import gymnasium as gym

    if side == "neurogym":
        import neurogym  # noqa: F401  (registers the tasks)
        from neurogym.wrappers import pass_reward

        return lambda: pass_reward.PassReward(gym.make(TASK, **KWARGS))
    if side == "lite":
        import neurogym_lite  # noqa: F401
        from neurogym_lite.wrappers.pass_reward import PassReward

        return lambda: PassReward(gym.make(TASK, **KWARGS))
    raise ValueError(f"unknown side {side!r}")


def build_model(recipe: str, make_env: Any, seed: int) -> Any:
    from sb3_contrib import RecurrentPPO
    from stable_baselines3.common.vec_env import DummyVecEnv

    if recipe == "notebook":
        hp = dict(NOTEBOOK_RECIPE)
        n_envs = hp.pop("n_envs")
        hidden = hp.pop("lstm_hidden_size")
        venv = DummyVecEnv([make_env] * n_envs)
        venv.seed(seed)
        return RecurrentPPO("MlpLstmPolicy", venv, policy_kwargs={"lstm_hidden_size": hidden}, seed=seed,
                            device="cpu", verbose=0, **hp)
    if recipe == "seed":  # RecurrentPPO's defaults, one env
        venv = DummyVecEnv([make_env])
        venv.seed(seed)
        return RecurrentPPO("MlpLstmPolicy", venv, seed=seed, device="cpu", verbose=0)
    raise ValueError(f"unknown recipe {recipe!r}")


def evaluate(model: Any, make_env: Any, num_trials: int, seed: int, n_envs: int = 16) -> dict[str, Any]:
    envs = [make_env() for _ in range(n_envs)]
    obs = np.stack([np.asarray(env.reset(seed=seed + i)[0], dtype=np.float32) for i, env in enumerate(envs)])
    episode_start = np.ones(n_envs, dtype=bool)
    state = None
    perf: list[int] = []
    cohs: list[float] = []
    while len(perf) < num_trials:
        actions, state = model.predict(obs, state=state, episode_start=episode_start, deterministic=True)
        episode_start[:] = False
        for i, env in enumerate(envs):
            # The trial being judged is the current one; read it before the step (NeuroGym's
            # info['trial'] at a trial's end describes the next trial).
            trial = env.unwrapped.trial
            ob, _, _, _, info = env.step(int(actions[i]))
            if info.get("new_trial", False):
                perf.append(int(info.get("performance", 0)))
                cohs.append(float(trial["coh"]))
            obs[i] = ob
    for env in envs:
        env.close()
    p = np.array(perf[:num_trials])
    c = np.array(cohs[:num_trials])
    by_coh = {f"{v:g}": float(p[c == v].mean()) for v in np.unique(c)}
    return {"accuracy": float(p.mean()), "by_coh": by_coh, "trials": int(p.size)}


def run(args: dict[str, Any]) -> dict[str, Any]:
    import torch

    threads = int(args.get("threads", 1))
    torch.set_num_threads(threads)
    side, recipe, seed = args["side"], args["recipe"], int(args["seed"])
    cap = int(args["cap_steps"])
    eval_every = int(args.get("eval_every", 4096))
    eval_trials = int(args.get("eval_trials", 300))
    final_trials = int(args.get("final_trials", 1000))
    eval_seed = int(args.get("eval_seed", 10_000))
    threshold = float(args.get("threshold", 0.82))
    stay = int(args.get("stay_evals", 3))

    make_env = make_env_fn(side)
    model = build_model(recipe, make_env, seed)
    train_s = 0.0
    evals: list[dict[str, Any]] = []
    run_start: int | None = None  # index in evals of the current run of evaluations >= threshold
    t_first: float | None = None
    while model.num_timesteps < cap:
        t0 = time.perf_counter()
        model.learn(total_timesteps=eval_every, reset_num_timesteps=False)
        train_s += time.perf_counter() - t0
        res = evaluate(model, make_env, eval_trials, eval_seed)
        evals.append({"steps": int(model.num_timesteps), "train_s": train_s, "accuracy": res["accuracy"]})
        if res["accuracy"] >= threshold:
            if t_first is None:
                t_first = train_s
            if run_start is None:
                run_start = len(evals) - 1
            if len(evals) - run_start >= stay:
                break
        else:
            run_start = None
    stayed = run_start is not None and len(evals) - run_start >= stay
    final = evaluate(model, make_env, final_trials, eval_seed + 1000)
    steps = int(model.num_timesteps)
    return {
        "side": side, "recipe": recipe, "seed": seed, "threads": threads, "cap_steps": cap,
        "threshold": threshold, "stay_evals": stay,
        "t_first_s": t_first,
        "t_stay_s": evals[run_start]["train_s"] if stayed and run_start is not None else None,
        "steps_at_stay": evals[run_start]["steps"] if stayed and run_start is not None else None,
        "train_s": train_s, "steps": steps, "steps_per_s": steps / train_s if train_s else None,
        "final_accuracy": final["accuracy"], "final_by_coh": final["by_coh"], "final_trials": final["trials"],
        "evals": evals,
    }


def main() -> None:
    import warnings

    warnings.simplefilter("ignore")
    args = json.loads(sys.stdin.read() or "{}")
    print(json.dumps(run(args)), flush=True)


if __name__ == "__main__":
    main()
