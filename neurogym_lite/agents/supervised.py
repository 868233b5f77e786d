"""Supervised learning on a trial-based task (notebook 8): an LSTM with a linear readout trained
by cross-entropy on :class:`~neurogym_lite.tasks.dataset.Dataset` batches, the field's usual way
(Mante et al. 2013; Yang et al. 2019), beside the reinforcement-learning recipe of
:mod:`neurogym_lite.agents.recipe`.

A supervised network is trained open loop (its outputs never change what it sees next), so it is
tested the same way: on fresh trials laid end to end (:func:`make_trials`), its state carried from
trial to trial, each trial judged as the task judges an agent (:func:`score_trials`: the first
action other than *fixate* is the answer; before the fixation cue goes off it breaks fixation).
:class:`SupervisedAgent` lets it act in the environment instead (``evaluate`` accepts it), which
shows what open-loop training misses.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np

from neurogym_lite.utils.validation import check_choice, check_int, check_positive

__all__ = [
    "SUPERVISED_OPTIONS",
    "SavedNetwork",
    "SupervisedAgent",
    "SupervisedCurve",
    "TrialScores",
    "make_network",
    "make_trials",
    "measure_open_loop",
    "monkey_task",
    "run_network",
    "score_trials",
    "train_for_population",
    "train_supervised",
]


def make_network(obs_dim: int, n_actions: int, hidden: int = 64) -> Any:
    """``LSTM(obs_dim, hidden)`` and a linear readout to one logit per action (the RL agent's LSTM
    size by default). ``net(x)`` takes ``(time, batch, obs_dim)`` and returns ``(logits, hidden)``."""
    import torch.nn as nn

    obs_dim = check_int("obs_dim", obs_dim, 1)
    n_actions = check_int("n_actions", n_actions, 2)
    hidden = check_int("hidden", hidden, 1, 4096)

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(obs_dim, hidden)
            self.readout = nn.Linear(hidden, n_actions)

        def forward(self, x: Any, state: Any = None) -> tuple[Any, Any]:
            h, _ = self.lstm(x, state)
            return self.readout(h), h

    return Net()


def make_trials(make_task: Callable[[], gym.Env], n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` consecutive trials of a freshly seeded task: each trial's observations ``ob``, ground
    truth ``gt``, stimulus onset step ``stim_on`` and parameters."""
    n = check_int("n", n, 1, 10_000_000)
    seed = check_int("seed", seed, 0)
    task: Any = make_task().unwrapped
    task.reset(seed=seed)
    trials = []
    for k in range(n):
        if k:
            task.new_trial()
        trials.append({"ob": task.ob.copy(), "gt": task.gt.copy(), "stim_on": task.start_ind.get("stimulus"),
                       **task.trial})
    return trials


def run_network(net: Any, trials: list[dict[str, Any]], n_streams: int = 20) -> list[tuple[np.ndarray, np.ndarray]]:
    """Run ``net`` over ``trials`` laid end to end in ``n_streams`` parallel streams (its state
    carried from trial to trial, as in training); return each trial's ``(actions, hidden)``, the
    actions being the readout's most likely one at each step."""
    import torch

    n_streams = check_int("n_streams", n_streams, 1)
    if not trials:
        raise ValueError("trials is empty: make_trials(make_task, n, seed) builds some")
    n_streams = min(n_streams, len(trials))
    obs_dim = trials[0]["ob"].shape[1]
    streams = [list(range(j, len(trials), n_streams)) for j in range(n_streams)]
    lengths = [sum(len(trials[k]["ob"]) for k in s) for s in streams]
    x = np.zeros((max(lengths), n_streams, obs_dim), dtype=np.float32)
    for j, s in enumerate(streams):
        x[: lengths[j], j] = np.concatenate([trials[k]["ob"] for k in s])
    with torch.no_grad():
        logits, hidden = net(torch.from_numpy(x))
    actions, hidden = logits.argmax(-1).numpy(), hidden.numpy()
    out: list[Any] = [None] * len(trials)
    for j, s in enumerate(streams):
        t = 0
        for k in s:
            n = len(trials[k]["ob"])
            out[k] = (actions[t : t + n, j], hidden[t : t + n, j])
            t += n
    return out


@dataclass
class TrialScores:
    """Each trial judged as the task judges an agent: ``choice`` (0 = no choice or aborted),
    ``correct``, ``aborted`` (answered while it had to fixate), and the trial's ``coh`` and
    ``ground_truth`` (0-based direction)."""

    choice: np.ndarray
    correct: np.ndarray
    aborted: np.ndarray
    coh: np.ndarray
    ground_truth: np.ndarray

    @property
    def completed(self) -> np.ndarray:
        """Trials that ended with a choice (the package's accuracy counts these only)."""
        return self.choice > 0

    @property
    def signed_coh(self) -> np.ndarray:
        """Coherence signed towards choice 1 (+) or choice 2 (-)."""
        return np.where(self.ground_truth == 0, self.coh, -self.coh) + 0.0


def score_trials(trials: list[dict[str, Any]], outputs: list[tuple[np.ndarray, Any]]) -> TrialScores:
    """Judge each trial from the network's actions: the first action other than *fixate* is its
    answer; if the ground truth there is *fixate*, the trial is aborted."""
    if len(trials) != len(outputs):
        raise ValueError(f"trials and outputs must have one entry per trial, got {len(trials)} and {len(outputs)}")
    n = len(trials)
    choice, correct, aborted = np.zeros(n, int), np.zeros(n, bool), np.zeros(n, bool)
    for k, (trial, (actions, _)) in enumerate(zip(trials, outputs, strict=True)):
        moved = np.flatnonzero(actions)
        if moved.size == 0:
            continue
        first = moved[0]
        if trial["gt"][first] == 0:
            aborted[k] = True
        else:
            choice[k] = int(actions[first])
            correct[k] = bool(actions[first] == trial["gt"][first])
    coh = np.array([t["coh"] for t in trials], dtype=float)
    gt = np.array([t["ground_truth"] for t in trials], dtype=int)
    return TrialScores(choice, correct, aborted, coh, gt)


@dataclass
class SupervisedCurve:
    """Test accuracy (on completed trials) during training: one row per test."""

    updates: list[int] = field(default_factory=list)
    #: seconds of training in all, wall clock and CPU (tests excluded), filled in at the end
    train_seconds: float = 0.0
    train_cpu_seconds: float = 0.0
    trials_taught: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


def train_supervised(
    make_task: Callable[[], gym.Env],
    *,
    seed: int = 0,
    updates: int = 400,
    batch_size: int = 16,
    seq_len: int = 100,
    learning_rate: float = 1e-2,
    lr_schedule: str = "constant",
    hidden: int = 64,
    test_trials: list[dict[str, Any]] | None = None,
    test_every: int = 20,
) -> tuple[Any, SupervisedCurve]:
    """Train :func:`make_network` by cross-entropy on ``Dataset(make_task(), batch_size, seq_len)``
    with Adam for ``updates`` steps. ``lr_schedule='linear'`` lets the learning rate fall to 0 over
    training, as the RL recipe's does (notebook 2), so that the two learning rules can be compared
    under the same schedule. Every ``test_every`` updates the network is tested on ``test_trials``
    (if given); the curve counts the trials taught and the training seconds (testing excluded).
    Seeded by ``seed`` (torch's global generator, inside a fork, and the batches)."""
    import torch

    from neurogym_lite.tasks.dataset import Dataset

    seed = check_int("seed", seed, 0)
    updates = check_int("updates", updates, 1, 10_000_000)
    test_every = check_int("test_every", test_every, 1)
    learning_rate = check_positive("learning_rate", learning_rate)
    lr_schedule = check_choice("lr_schedule", lr_schedule, ("constant", "linear"))
    dataset = Dataset(make_task(), batch_size=batch_size, seq_len=seq_len, seed=seed)
    n_actions = int(dataset.env.action_space.n)
    curve = SupervisedCurve()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = make_network(int(np.prod(dataset.env.observation_space.shape)), n_actions, hidden)
        optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate)
        scheduler = (torch.optim.lr_scheduler.LambdaLR(optimizer, lambda u: 1 - u / updates)
                     if lr_schedule == "linear" else None)
        loss_fn = torch.nn.CrossEntropyLoss()
        taught, seconds, cpu, last_row = 0, 0.0, 0.0, np.zeros(batch_size, dtype=int)
        for update in range(1, updates + 1):
            start, start_cpu = time.perf_counter(), time.process_time()
            inputs, targets = dataset()
            logits, _ = net(torch.from_numpy(inputs))
            loss = loss_fn(logits.reshape(-1, n_actions), torch.from_numpy(targets).reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            seconds += time.perf_counter() - start
            cpu += time.process_time() - start_cpu
            # a decision period starts where the target leaves 0 (fixate)
            previous = np.vstack([last_row, targets[:-1]])
            taught += int(((targets > 0) & (previous == 0)).sum())
            last_row = targets[-1]
            if test_trials is not None and update % test_every == 0:
                scores = score_trials(test_trials, run_network(net, test_trials))
                done = scores.completed
                curve.updates.append(update)
                curve.trials_taught.append(taught)
                curve.seconds.append(seconds)
                curve.accuracy.append(float(scores.correct[done].mean()) if done.any() else float("nan"))
    curve.train_seconds, curve.train_cpu_seconds = seconds, cpu
    return net, curve


class SupervisedAgent:
    """A supervised network as an agent that acts in the environment: its most likely action at
    each step, its LSTM state carried (``episode_start`` resets it), with SB3's ``predict``
    signature, so that :func:`neurogym_lite.agents.evaluation.evaluate` can run it."""

    def __init__(self, net: Any) -> None:
        if not hasattr(net, "lstm") or not hasattr(net, "readout"):
            raise TypeError(f"net must be a network from make_network (an lstm and a readout), got {net!r:.80}")
        self.net = net

    def predict(self, obs: Any, state: Any = None, episode_start: Any = None,
                deterministic: bool = True) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
        import torch

        x = torch.as_tensor(np.asarray(obs, dtype=np.float32))[None]
        if state is not None and episode_start is not None:
            keep = torch.as_tensor(~np.asarray(episode_start, dtype=bool), dtype=torch.float32)[None, :, None]
            state = tuple(torch.as_tensor(s) * keep for s in state)
        elif state is not None:
            state = tuple(torch.as_tensor(s) for s in state)
        with torch.no_grad():
            h_seq, (h, c) = self.net.lstm(x, state)
            action = self.net.readout(h_seq[0]).argmax(-1)
        return action.numpy(), (h.numpy(), c.numpy())


class SavedNetwork(SupervisedAgent):
    """A trained supervised network as the population engine stores it: ``predict`` (it can act),
    ``policy`` (its parameters, for the weights digest) and ``save``/:meth:`load`."""

    def __init__(self, net: Any, settings: dict[str, Any]) -> None:
        super().__init__(net)
        self.policy = net
        self.settings = dict(settings)

    def save(self, path: str) -> None:
        import torch

        torch.save({"settings": self.settings, "state_dict": self.net.state_dict()}, path)

    @classmethod
    def load(cls, path: str) -> SavedNetwork:
        import torch

        saved = torch.load(path, map_location="cpu", weights_only=True)
        s = saved["settings"]
        net = make_network(s["obs_dim"], s["n_actions"], s["hidden"])
        net.load_state_dict(saved["state_dict"])
        return cls(net, s)


#: The supervised recipe's settings in a population config's ``options`` (notebook 8's values):
#: Adam at ``learning_rate`` for ``updates`` batches of ``batch_size`` sequences of ``seq_len`` steps.
SUPERVISED_OPTIONS: dict[str, Any] = {"updates": 400, "batch_size": 16, "seq_len": 100, "learning_rate": 1e-2,
                                      "lr_schedule": "linear"}


def monkey_task() -> gym.Env:
    """The monkey-faithful task without ``PassReward`` (a supervised network has no reward to see)."""
    from neurogym_lite.agents.recipe import MONKEY_TASK

    return gym.make("PerceptualDecisionMaking-v0", **MONKEY_TASK)


def train_for_population(config: dict[str, Any]) -> tuple[SavedNetwork, dict[str, Any]]:
    """The population engine's trainer for supervised networks (config ``trainer`` =
    ``"neurogym_lite.agents.supervised:train_for_population"``): :func:`train_supervised` on the
    monkey-faithful task with :data:`SUPERVISED_OPTIONS` updated by the config's ``options``, seeded
    by ``seed``; with ``curve_every`` (counted in updates here), a learning curve on
    ``curve_trials`` fresh trials."""
    unknown = sorted(set(config["options"]) - set(SUPERVISED_OPTIONS))
    if unknown:
        raise ValueError(f"options has unknown key(s) {unknown}; the supervised trainer takes {sorted(SUPERVISED_OPTIONS)}")
    o = {**SUPERVISED_OPTIONS, **config["options"]}
    tests = make_trials(monkey_task, config["curve_trials"], config["eval_seed"] + 1_000_003) if config["curve_every"] else None
    t0, t0_cpu = time.perf_counter(), time.process_time()
    net, curve = train_supervised(monkey_task, seed=config["seed"], updates=o["updates"], batch_size=o["batch_size"],
                                  seq_len=o["seq_len"], learning_rate=o["learning_rate"], lr_schedule=o["lr_schedule"],
                                  test_trials=tests, test_every=max(1, config["curve_every"]))
    env = monkey_task()
    settings = {"obs_dim": int(np.prod(env.observation_space.shape)), "n_actions": int(env.action_space.n),
                "hidden": int(net.lstm.hidden_size), **o}
    extras: dict[str, Any] = {"curve_seconds": max(0.0, time.perf_counter() - t0 - curve.train_seconds),
                              "curve_cpu_seconds": max(0.0, time.process_time() - t0_cpu - curve.train_cpu_seconds)}
    if tests is not None:
        extras["curve"] = {"steps": curve.updates, "trials": curve.trials_taught, "accuracy": curve.accuracy,
                           "seconds": curve.seconds}
    return SavedNetwork(net, settings), extras


def measure_open_loop(model: SavedNetwork, config: dict[str, Any]) -> dict[str, Any]:
    """The population engine's measure for supervised networks: scored open loop on
    ``eval_trials`` fresh trials (seeded by ``eval_seed``), as notebook 8 scores them: accuracy on
    completed trials, overall and per coherence, fixation breaks, P(choice 1) at 0 % and the
    psychometric function's bias and threshold."""
    from neurogym_lite.behaviour.ideal_observer import ideal_observer
    from neurogym_lite.behaviour.psychometric import fit_psychometric

    trials = make_trials(monkey_task, config["eval_trials"], config["eval_seed"])
    scores = score_trials(trials, run_network(model.net, trials))
    done = scores.completed
    out: dict[str, Any] = {
        "accuracy": float(scores.correct[done].mean()) if done.any() else float("nan"),
        "accuracy_by_coh": {f"{c:g}": float(scores.correct[done & (scores.coh == c)].mean())
                            for c in np.unique(scores.coh) if (done & (scores.coh == c)).any()},
        "ideal_by_coh": {f"{c:g}": float(a) for c, a in ideal_observer(monkey_task()).items()},
        "fix_break_rate": float(scores.aborted.mean()),
        "p_choice1_at_0": float(np.mean(scores.choice[done & (scores.coh == 0)] == 1)),
        "threshold": float("nan"), "bias": float("nan"), "fit_error": "",
    }
    try:
        fit = fit_psychometric(scores.signed_coh[done], scores.choice[done] == 1, n_boot=0)
    except ValueError as e:
        out["fit_error"] = str(e)
    else:
        out.update(threshold=fit.threshold, bias=fit.bias)
    return out
