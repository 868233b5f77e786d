"""Train the populations behind the notebooks' claims, and measure them (run from the repository root).

    python tools/build_populations.py train fd_rl     # 20 RL networks, notebook 2's recipe (~15 CPU min)
    python tools/build_populations.py train fd_sl     # 20 supervised networks, notebook 8's recipe (~2 CPU min)
    python tools/build_populations.py train rt_rl     # 12 reaction-time agents, the RT recipe (~2 CPU hours)
    python tools/build_populations.py train rt_rl_cheap_error   # 8 more with cheap errors (speed-accuracy)
    python tools/build_populations.py measure fd_rl   # the per-network measures -> the package's table

Every network is trained on a seed never used to design or tune its recipe (the recipes were
designed on seeds 0-9: notebooks 2, 7, 9 and benchmarks/README.md say how), through the population
engine (``neurogym_lite.agents.population``: a journal and the trained models in ``populations/``,
ignored by git; finished networks are never retrained, so the command can be interrupted and run
again). Each network is tested on its own fresh trials (:func:`evaluation_seed`): no two networks
share a test trial, so their deviations from the ideal observer are independent.

``measure`` loads each trained network and writes the per-network measures the notebooks read,
as a small JSON table in the package (``neurogym_lite/agents/models/population_<name>.json``,
read by :func:`neurogym_lite.agents.pretrained.population_table`), with this command and the
population's recipe recorded in it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STORE = ROOT / "populations"

#: Test seeds: network ``seed`` is tested on envs seeded from evaluation_seed(seed) (+ 0..15 for
#: the batched envs), its learning curve on evaluation_seed(seed) + 1_000_003 (+ 0..15), the k-th
#: confirmation of an early stop (confirm_trials) on that + k * 1_000_003 (+ 0..15).
def evaluation_seed(seed: int) -> int:
    return 50_000_000 + 1_000 * seed


def _rt_config(total_timesteps: int = 400_000, curve_every: int = 50_000, **options: Any) -> dict[str, Any]:
    """An RT population's config: the RT trainer and measures, 4,000 test trials, a learning curve on 600
    trials; ``options`` (recipe keys, ``env_kwargs``) as the RT trainer takes them."""
    config: dict[str, Any] = {"trainer": "neurogym_lite.agents.rt_population:train",
                              "measure": "neurogym_lite.agents.rt_population:measure",
                              "total_timesteps": total_timesteps, "curve_every": curve_every, "curve_trials": 600,
                              "eval_trials": 4000}
    if options:
        config["options"] = options
    return config


#: the screened, confirmed stop: one design, tested on two held-out sets
_SCREEN_CONFIRM = _rt_config(curve_every=25_000, stop_at_targets=True, confirm_trials=2_400, screen_z=1.0)

POPULATIONS: dict[str, dict[str, Any]] = {
    "fd_rl": {
        "about": "notebook 2's recipe (RecurrentPPO, 64-unit LSTM) on the monkey-faithful task, 100,000 steps",
        "seeds": list(range(100, 120)),
        "config": {"curve_every": 8192, "curve_trials": 500, "eval_trials": 4000},
    },
    "fd_sl": {
        "about": "notebook 8's supervised recipe (cross-entropy, Adam 1e-2 falling linearly to 0 like the RL "
                 "recipe's learning rate, 400 updates of 16 x 100 steps), 64-unit LSTM, the same task",
        "seeds": list(range(100, 120)),
        "config": {"trainer": "neurogym_lite.agents.supervised:train_for_population",
                   "measure": "neurogym_lite.agents.supervised:measure_open_loop",
                   "curve_every": 20, "curve_trials": 500, "eval_trials": 4000,
                   "options": {"lr_schedule": "linear"}},
    },
    "rt_rl": {
        "about": "the reaction-time recipe (neurogym_lite.agents.recipe.RT_RECIPE: notebook 2's with gamma 0.998, "
                 "n_steps 256, learning rate 3e-4, forget-gate bias 2; 400,000 steps: the shipped pdm_rt_lstm's) "
                 "on PerceptualDecisionMakingRT-v0",
        "seeds": list(range(100, 112)),
        "config": _rt_config(),
    },
    "rt_rl_cheap_error": {
        "about": "the speed-accuracy test: the RT recipe (as rt_rl) on the same task with cheap errors (fail -1 "
                 "instead of -3; misses stay -3), on seeds never used before",
        "seeds": list(range(200, 208)),
        "config": _rt_config(env_kwargs={"rewards": {"fail": -1.0}}),
    },
    "rt_rl_deadline_timeout": {
        "about": "an urgency candidate chosen by theory (tools/rt_policy_shapes.py: for the ideal observer the "
                 "reward-rate-optimal decision times are narrow, CV ~0.4, with a 1,000 ms deadline and a 2,000 ms "
                 "time-out after an error or a miss): the RT recipe (as rt_rl) on that task, on tuning seeds 300-301",
        "seeds": [300, 301],
        "config": _rt_config(env_kwargs={"timing": {"stimulus": 1000}, "timeout_after_error": 2000.0}),
    },
    "rt_rl_deadline": {
        "about": "the next urgency candidate by theory (tools/rt_policy_shapes.py: a 1,000 ms deadline with the "
                 "task's -3 error and no time-out, optimal decision-time CV 0.44): the RT recipe (as rt_rl) on that "
                 "task, on tuning seeds 302-303",
        "seeds": [302, 303],
        "config": _rt_config(env_kwargs={"timing": {"stimulus": 1000}}),
    },
    "rt_rl_deadline_timeout_g999": {
        "about": "the first urgency candidate's task (1,000 ms deadline, 2,000 ms time-out after an error or a miss) "
                 "with gamma 0.999 (0.998 in the recipe): the time-out's cost is the reward of the trials it "
                 "delays, ~100 steps later, which a longer discount horizon sees; tuning seeds 306-307",
        "seeds": [306, 307],
        "config": _rt_config(gamma=0.999, env_kwargs={"timing": {"stimulus": 1000}, "timeout_after_error": 2000.0}),
    },
    "rt_rl_fast_try": {
        "about": "faster RT training, tried on tuning seeds 304-305: the RT recipe with 16 envs x 128 steps per "
                 "rollout (2,048 steps, as before), minibatches of 512 and 4 epochs (a quarter of the gradient "
                 "steps), ~2x less CPU per step (benchmarks/README.md section 5)",
        "seeds": [304, 305],
        "config": _rt_config(n_envs=16, n_steps=128, batch_size=512, n_epochs=4),
    },
    "rt_rl_fast_try2": {
        "about": "faster RT training, second try on tuning seeds 304-305: 32 envs x 64 steps per rollout (2,048 "
                 "steps), minibatches of 256 and 8 epochs as the recipe (the same gradient steps per sample)",
        "seeds": [304, 305],
        "config": _rt_config(n_envs=32, n_steps=64),
    },
    "rt_rl_fast_try3": {
        "about": "faster RT training, third try on tuning seeds 304-305: 16 envs x 128 steps per rollout (2,048 "
                 "steps), minibatches of 256, 4 epochs (half the recipe's gradient steps)",
        "seeds": [304, 305],
        "config": _rt_config(n_envs=16, n_steps=128, n_epochs=4),
    },
    "rt_rl_early_stop": {
        "about": "the RT recipe (as rt_rl) stopped early on validation trials: every 25,000 steps the agent is "
                 "tested on 600 trials of its own (not its test trials) and training stops at the first test that "
                 "meets the design targets (rt_population.meets_targets), else at 400,000 steps. Designed on the "
                 "rt_rl population's learning curves (seeds 100-111: 8 of 12 met the targets at some checkpoint, "
                 "6 at the end); tested here on seeds 400-411, never used before",
        "seeds": list(range(400, 412)),
        "config": _rt_config(curve_every=25_000, stop_at_targets=True),
    },
    "rt_rl_early_stop_rep": {
        "about": "a second held-out test of the early-stopping recipe, unchanged (as rt_rl_early_stop), on ten "
                 "more seeds never used before, 600-609: does its 9 of 12 replicate?",
        "seeds": list(range(600, 610)),
        "config": _rt_config(curve_every=25_000, stop_at_targets=True),
    },
    "rt_rl_early_stop_confirm": {
        "about": "the early stop confirmed: as rt_rl_early_stop, but a validation test that meets the design targets "
                 "stops training only if 2,400 fresh trials (a new set each time) meet them too. Designed on the "
                 "early-stop populations' seeds (400-411, 500-509, 600-609: 3 of 7 stopped agents on 600-609 and "
                 "2 of 3 on 500-509 missed the targets on their test trials, their RT ranges just under 250 ms; "
                 "the RT range on 600 trials misses the 4,000-trial one by 34 ms (SD) where no stop selected it, "
                 "2,400 trials halve that); tested here on seeds 700-709, never used before",
        "seeds": list(range(700, 710)),
        "config": _rt_config(curve_every=25_000, stop_at_targets=True, confirm_trials=2_400),
    },
    "rt_rl_shared_try": {
        "about": "faster RT training by the profile (benchmarks/README.md section 5: two thirds of the time is PPO's "
                 "updates of two LSTMs, the actor's and the critic's): the RT recipe with one LSTM, the critic "
                 "reading the actor's (sb3-contrib shared_lstm, the critic's gradient stopped there), tried on "
                 "tuning seeds 304-305, trained to 400,000 steps with a learning curve every 25,000",
        "seeds": [304, 305],
        "config": _rt_config(curve_every=25_000, shared_lstm=True),
    },
    "rt_rl_shared_early_stop_confirm": {
        "about": "the confirmed early stop (as rt_rl_early_stop_confirm) with one LSTM (as rt_rl_shared_try, whose two "
                 "tuning agents, 304-305, answered every trial and met the targets at 2 of their 16 validation tests "
                 "each before drifting to faster answers, as the recipe's agents do), on seeds 800-809, never used "
                 "before",
        "seeds": list(range(800, 810)),
        "config": _rt_config(curve_every=25_000, stop_at_targets=True, confirm_trials=2_400, shared_lstm=True),
    },
    "rt_rl_screen_confirm": {
        "about": "the confirmed stop (as rt_rl_early_stop_confirm) with a lenient validation test: it passes an agent "
                 "within one standard error of the targets (rt_population.could_meet_targets; on 100 trials per "
                 "coherence an agent with 0.5 correct at 0 % scores outside 0.5 +- 0.06 one time in five) and the "
                 "2,400-trial confirmation applies the targets. Designed on the 54 learning curves of seeds 100-111, "
                 "400-411, 600-609, 700-709 and 800-809 (36 met the targets at some test; within about one standard "
                 "error, 44, among them four that never met them on their test trials: 400, 700, 803, 805); tested "
                 "here on seeds 900-909, never used before",
        "seeds": list(range(900, 910)),
        "config": _SCREEN_CONFIRM,
    },
    "rt_rl_screen_confirm_rep": {
        "about": "a second held-out test of the screened, confirmed stop, unchanged (as rt_rl_screen_confirm), on ten "
                 "more seeds never used before, 910-919: does its 8 of 10 on seeds 900-909 replicate?",
        "seeds": list(range(910, 920)),
        "config": _SCREEN_CONFIRM,
    },
    "rt_rl_fast_early_stop": {
        "about": "the two time savings together: the early-stopping recipe (as rt_rl_early_stop) in the 32 envs x "
                 "64 steps rollout layout (as rt_rl_fast_try2, the one layout whose tuning agents behaved like the "
                 "recipe's), on seeds 500-509, never used before",
        "seeds": list(range(500, 510)),
        "config": _rt_config(curve_every=25_000, stop_at_targets=True, n_envs=32, n_steps=64),
    },
    "rt_rl_early_stop_lr6_try": {
        "about": "a faster learner for the early stop, tried on tuning seeds 304-305: the early-stopping recipe (as "
                 "rt_rl_early_stop) with twice the learning rate (6e-4, falling linearly to 0 at 400,000 steps as "
                 "the recipe's): the recipe's agents learn to answer only after 100,000-250,000 steps",
        "seeds": [304, 305],
        "config": _rt_config(curve_every=25_000, stop_at_targets=True, learning_rate=6e-4),
    },
    "rt_rl_gamma999": {
        "about": "a variant tried on tuning seeds 0-2 (gamma 0.999, 200,000 steps), on the same held-out seeds",
        "seeds": list(range(100, 108)),
        "config": _rt_config(200_000, 25_000, gamma=0.999),
    },
}


def configs_of(name: str) -> list[dict[str, Any]]:
    pop = POPULATIONS[name]
    return [{"seed": s, "eval_seed": evaluation_seed(s), **pop["config"]} for s in pop["seeds"]]


def train(name: str, workers: int) -> None:
    from neurogym_lite.agents.population import run_population

    STORE.mkdir(exist_ok=True)
    frame = run_population(configs_of(name), STORE / f"{name}.journal", name, n_workers=workers,
                           save_dir=STORE / "models" / name)
    cols = [c for c in ("seed", "state", "accuracy", "train_cpu_seconds", "steps_to_criterion") if c in frame]
    print(frame[cols].to_string())


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", choices=("train", "measure"))
    p.add_argument("population", choices=sorted(POPULATIONS))
    p.add_argument("--workers", type=int, default=2)
    a = p.parse_args(argv)
    if a.action == "train":
        train(a.population, a.workers)
    else:
        sys.path.insert(0, str(ROOT / "tools"))
        from population_measures import measure_population

        measure_population(a.population, configs_of(a.population), POPULATIONS[a.population], STORE,
                           ROOT / "neurogym_lite" / "agents" / "models" / f"population_{a.population}.json",
                           " ".join(["python", "tools/build_populations.py", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
