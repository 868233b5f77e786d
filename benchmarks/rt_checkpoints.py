"""How a reaction-time agent's behaviour changes during training: one design, one seed, tested
at checkpoints. The exploration behind the reaction-time task's defaults and ``RT_RECIPE``.

    python benchmarks/rt_checkpoints.py --tag A_s0 --seed 0 --fb 2 \\
        --env '{"rewards": {"fail": -3, "miss": -3, "abort": -1}}' --hp '{"n_steps": 256, "learning_rate": 3e-4}'

Trains ``RecurrentPPO`` with notebook 2's recipe (``neurogym_lite.agents.recipe.make_model``) plus
``gamma = 0.995`` and the ``--hp`` overrides on ``PerceptualDecisionMakingRT-v0`` with the ``--env``
arguments; ``--fb`` starts the LSTMs' forget gates at that bias (0: PyTorch's initialisation).
Every ``--every`` steps, and at the end, it tests the agent on 1500 trials of the monkeys' six
coherences, with deterministic ("det") and with sampled ("sto") actions, and prints: the fraction
of trials answered, accuracy and mean RT (ms) per coherence, and the mean RT of errors / of
correct choices at 6.4 %. The tests sample actions (``sto``) with torch's random generator, so a
run with checkpoints does not train exactly the network a run without them trains
(``tools/train_rt_model.py`` trains the shipped one). The logs of the runs quoted in
``benchmarks/README.md`` (section 5) are in ``benchmarks/results/rt_checkpoints/``; the
``--env`` arguments there were written out before they became the task's defaults.
"""

from __future__ import annotations

import argparse
import json
import time

import torch
from stable_baselines3.common.callbacks import BaseCallback

import neurogym_lite as ngym
from neurogym_lite.agents.recipe import make_model, make_vec_env, set_forget_bias
from neurogym_lite.behaviour.reaction_times import collect_rts, rt_summary

MONKEY_COHS = [0.0, 3.2, 6.4, 12.8, 25.6, 51.2]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=400_000)
    p.add_argument("--env", default="{}", help="task arguments (JSON)")
    p.add_argument("--hp", default="{}", help="recipe overrides (JSON)")
    p.add_argument("--fb", type=float, default=0.0, help="forget-gate bias at the start (0: PyTorch's)")
    p.add_argument("--every", type=int, default=100_000)
    p.add_argument("--tag", default="run")
    a = p.parse_args()
    torch.set_num_threads(1)
    env_kwargs = json.loads(a.env)
    # the recipe as it was before RT_RECIPE changed: gamma 0.995 only, plus --hp
    hp = {"gamma": 0.995, "lstm_forget_bias": None, **json.loads(a.hp)}

    def make_env():
        return ngym.make_env("PerceptualDecisionMakingRT-v0", **env_kwargs)

    def make_test_env():
        return ngym.make_env("PerceptualDecisionMakingRT-v0", **{**env_kwargs, "cohs": MONKEY_COHS})

    model = make_model(make_vec_env(make_env, seed=a.seed), seed=a.seed, **hp)
    if a.fb:
        set_forget_bias(model, a.fb)

    def test(m) -> dict[str, str]:
        out = {}
        for det in (True, False):
            d = collect_rts(m, make_test_env, 1500, seed=2024, deterministic=det)
            s = rt_summary(d)
            accs = " ".join(f"{s[c]['accuracy']:.2f}" for c in MONKEY_COHS)
            rts_ms = " ".join(f"{s[c]['mean_rt']:.0f}" for c in MONKEY_COHS)
            out["det" if det else "sto"] = (f"ans {d.answered.mean():.2f} acc {accs} rt {rts_ms} rtE/C@6.4 "
                                            f"{s[6.4]['mean_rt_error']:.0f}/{s[6.4]['mean_rt_correct']:.0f}")
        return out

    class Checkpoints(BaseCallback):
        def __init__(self) -> None:
            super().__init__()
            self.next = a.every

        def _on_step(self) -> bool:
            if self.num_timesteps >= self.next:
                self.next += a.every
                print(a.tag, self.num_timesteps, json.dumps(test(self.model)), flush=True)
            return True

    t0 = time.process_time()
    model.learn(a.steps, callback=Checkpoints())
    print(a.tag, "final cpu", round(time.process_time() - t0), json.dumps(test(model)), flush=True)


if __name__ == "__main__":
    main()
