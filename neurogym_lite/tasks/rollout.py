"""Run an agent on a task and keep everything it saw and did, step by step.

:func:`run_env` is the data behind :func:`neurogym_lite.plot_env`, and what the analysis
notebooks use: observations, actions, ground truth, rewards, trial boundaries, per-trial
outcomes and parameters, and, for a recurrent model, the LSTM hidden and cell states.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np

__all__ = ["Rollout", "describe_agent", "run_env"]

MAX_STEPS_FOR_TRIALS = 1_000_000


@dataclass
class Rollout:
    """What happened during :func:`run_env`. Arrays are indexed by step ``t``.

    ``obs[t]`` is the observation the agent received before acting; ``actions[t]`` its action;
    ``gt[t]`` the correct action at that step; ``rewards[t]`` the reward for ``actions[t]``;
    ``new_trial[t]`` is True when ``actions[t]`` ended a trial. ``hidden[t]``/``cell[t]`` are the
    LSTM states after reading ``obs[t]`` (the state that produced ``actions[t]``), for a
    recurrent model only. ``performance[k]`` and ``trials[k]`` describe the k-th completed trial;
    steps after the last completed trial belong to an unfinished one.
    """

    obs: np.ndarray
    actions: np.ndarray
    gt: np.ndarray
    rewards: np.ndarray
    new_trial: np.ndarray
    performance: np.ndarray
    trials: list[dict[str, Any]]
    agent: str
    ob_names: list[str]
    act_names: list[str]
    periods: list[str] | None = None
    hidden: np.ndarray | None = None
    cell: np.ndarray | None = None
    dt: float | None = None
    task: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def num_steps(self) -> int:
        return int(self.actions.shape[0])

    @property
    def num_trials(self) -> int:
        """Number of completed trials."""
        return int(self.performance.shape[0])

    @property
    def trial_ends(self) -> np.ndarray:
        """Step index of the last step of each completed trial."""
        return np.flatnonzero(self.new_trial)

    @property
    def trial_starts(self) -> np.ndarray:
        """Step index of the first step of each trial (completed or not) that has a step in the
        rollout: a trial that begins after the last step is not listed."""
        starts = np.concatenate([[0], self.trial_ends + 1]).astype(np.int64)
        return starts[starts < self.num_steps]

    @property
    def trial_index(self) -> np.ndarray:
        """For each step, the index of the trial it belongs to."""
        return np.concatenate([[0], np.cumsum(self.new_trial)[:-1]]).astype(int)

    @property
    def choices(self) -> np.ndarray:
        """The action that ended each completed trial (0 when the trial timed out)."""
        return self.actions[self.trial_ends]

    @property
    def accuracy(self) -> float:
        return float(self.performance.mean()) if self.num_trials else float("nan")

    def trial_steps(self, k: int) -> slice:
        """The steps of completed trial ``k``."""
        ends = self.trial_ends
        start = 0 if k == 0 else int(ends[k - 1]) + 1
        return slice(start, int(ends[k]) + 1)

    def summary(self) -> str:
        """A few lines on what the rollout holds (what ``print(rollout)`` shows)."""
        aborted = sum(bool(t.get("aborted", False)) for t in self.trials)
        states = "none" if self.hidden is None else f"hidden and cell, {self.hidden.shape[-1]} units per step"
        dt = f" at dt = {self.dt:g} ms" if self.dt else ""
        lines = [
            f"Rollout of {self.task or 'a task'}: {self.num_steps} steps{dt}, {self.num_trials} completed trials",
            f"  agent: {self.agent}",
            f"  correct: {int(self.performance.sum())} of {self.num_trials} trials ({aborted} aborted: fixation broken; "
            f"{int(np.sum(self.choices == 0))} ended without a choice)",
            f"  observations: {', '.join(self.ob_names)}",
            f"  actions: {', '.join(f'{i}={n}' for i, n in enumerate(self.act_names))}",
            f"  LSTM states: {states}",
            "  arrays: obs, actions, gt, rewards, new_trial (per step); performance, trials (per trial)",
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        # the dataclass repr printed every array in full (hundreds of lines)
        return f"<{self.summary()}>"

    __str__ = summary


def _is_vec_env(env: Any) -> bool:
    try:
        from stable_baselines3.common.vec_env import VecEnv
    except ImportError:  # pragma: no cover - SB3 is a dependency
        return False
    return isinstance(env, VecEnv)


def _env_attr(env: Any, name: str, vec: bool, default: Any = None) -> Any:
    try:
        if vec:
            return env.get_attr(name, indices=[0])[0]
        return env.get_wrapper_attr(name)
    except AttributeError:
        return default


class _LastReward(gym.Wrapper):
    """Keeps the reward the wrapped env returned, before DummyVecEnv rounds it to float32."""

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        self.last_reward = 0.0

    def step(self, action: Any) -> Any:
        out = self.env.step(action)
        self.last_reward = float(out[1])
        return out


def _record_rewards(env: Any) -> _LastReward | None:
    """For a plain DummyVecEnv, wrap its env (until run_env returns) to read exact rewards; a
    VecEnv wrapper (VecNormalize, ...) changes rewards, so its own values are kept."""
    from stable_baselines3.common.vec_env import DummyVecEnv

    if not isinstance(env, DummyVecEnv) or not isinstance(env.envs[0], gym.Env):
        return None
    recorder = _LastReward(env.envs[0])
    env.envs[0] = recorder
    return recorder


def describe_agent(model: Any = None, def_act: int | None = None, act_names: list[str] | None = None,
                   deterministic: bool = True, reset_state_each_trial: bool = False) -> str:
    if model is not None:
        name = type(model).__name__
        if hasattr(getattr(model, "policy", None), "lstm_hidden_state_shape"):
            carry = "LSTM reset every trial" if reset_state_each_trial else "LSTM state carried across trials"
            name += f" ({carry})"
        return name + (" trained agent" if deterministic else " trained agent, sampled actions")
    if def_act is not None:
        label = act_names[def_act] if act_names and 0 <= def_act < len(act_names) else str(def_act)
        return f"fixed action {def_act} ({label})"
    return "random agent"


def run_env(
    env: Any,
    num_steps: int = 200,
    num_trials: int | None = None,
    def_act: int | None = None,
    model: Any = None,
    *,
    deterministic: bool = True,
    reset_state_each_trial: bool = False,
    seed: int | None = None,
) -> Rollout:
    """Run an agent on ``env`` and return a :class:`Rollout`.

    ``env`` is a gymnasium env (wrapped or not) or a stable-baselines3 ``VecEnv`` holding one
    env. The agent is ``model`` (any SB3 model; recurrent ones get their LSTM state carried
    across trials as in training, or reset at each trial with ``reset_state_each_trial=True``),
    else the fixed action ``def_act``, else uniformly random actions from ``env.action_space``.
    Runs ``num_steps`` steps, or until ``num_trials`` trials have ended when that is given.
    ``seed`` seeds the env's reset and the random agent; without it the env is reset unseeded.
    """
    vec = _is_vec_env(env)
    if vec and env.num_envs != 1:
        raise ValueError(f"env is a VecEnv with {env.num_envs} envs; run_env needs exactly one")
    if not vec and not isinstance(env, gym.Env):
        raise TypeError(f"env must be a gymnasium Env or a stable-baselines3 VecEnv, got {type(env).__name__}")
    if num_trials is None:
        if isinstance(num_steps, bool) or not isinstance(num_steps, (int, np.integer)) or num_steps < 1:
            raise ValueError(f"num_steps must be a positive integer, got {num_steps!r}")
        max_steps = int(num_steps)
    else:
        if isinstance(num_trials, bool) or not isinstance(num_trials, (int, np.integer)) or num_trials < 1:
            raise ValueError(f"num_trials must be a positive integer, got {num_trials!r}")
        max_steps = MAX_STEPS_FOR_TRIALS
    action_space = env.action_space
    if def_act is not None and model is None and not action_space.contains(def_act):
        raise ValueError(f"def_act must be an action in {action_space}, got {def_act!r}")

    ob_names = _env_attr(env, "ob_names", vec)
    act_names = _env_attr(env, "act_names", vec)
    n_obs = int(np.prod(env.observation_space.shape))
    ob_names = list(ob_names) if ob_names is not None else [f"ob_{i}" for i in range(n_obs)]
    n_act = int(getattr(action_space, "n", 0))
    act_names = list(act_names) if act_names is not None else [str(i) for i in range(n_act)]

    if vec:
        if seed is not None:
            env.seed(seed)
        obs = env.reset()[0]
    else:
        obs, _ = env.reset(seed=seed)
    if seed is not None:
        action_space.seed(seed)
    try:
        has_periods = isinstance(_env_attr(env, "period_now", vec), str)
    except (IndexError, RuntimeError):
        has_periods = False

    obs_list, act_list, gt_list, rew_list, new_list, period_list = [], [], [], [], [], []
    perf: list[int] = []
    trials: list[dict[str, Any]] = []
    hidden_list: list[np.ndarray] = []
    cell_list: list[np.ndarray] = []
    state: Any = None
    episode_start = np.ones((1,), dtype=bool)

    recorder = _record_rewards(env) if vec else None
    try:
        for _ in range(max_steps):
            if has_periods:
                period_list.append(_env_attr(env, "period_now", vec))
            obs_list.append(np.asarray(obs, dtype=np.float32).copy())
            if model is not None:
                action, state = model.predict(obs[None], state=state, episode_start=episode_start,
                                              deterministic=deterministic)
                action = int(np.asarray(action).reshape(-1)[0])
                if state is not None:
                    hidden_list.append(np.asarray(state[0])[-1, 0].copy())
                    cell_list.append(np.asarray(state[1])[-1, 0].copy())
            elif def_act is not None:
                action = int(def_act)
            else:
                action = int(action_space.sample())
            if vec:
                obs_b, rew_b, done_b, info_b = env.step(np.array([action]))
                obs, done, info = obs_b[0], bool(done_b[0]), info_b[0]
                # DummyVecEnv stores rewards as float32: read the env's own (float64) value
                reward = recorder.last_reward if recorder is not None else float(rew_b[0])
            else:
                obs, reward, terminated, truncated, info = env.step(action)
                done = terminated or truncated
                if done:
                    obs, _ = env.reset()
            ended = bool(info.get("new_trial", False))
            act_list.append(action)
            gt_list.append(int(info.get("gt", -1)))
            rew_list.append(float(reward))
            new_list.append(ended)
            if ended:
                perf.append(int(info.get("performance", 0)))
                trials.append(dict(info.get("trial", {})))
            episode_start = np.array([done or (ended and reset_state_each_trial)])
            if num_trials is not None and len(perf) >= num_trials:
                break
        else:
            if num_trials is not None:
                raise RuntimeError(f"only {len(perf)} of {num_trials} trials ended within {max_steps} steps")
    finally:
        if recorder is not None:
            env.envs[0] = recorder.env

    spec = _env_attr(env, "spec", vec)
    return Rollout(
        obs=np.stack(obs_list).astype(np.float32),
        actions=np.asarray(act_list, dtype=np.int64),
        gt=np.asarray(gt_list, dtype=np.int64),
        rewards=np.asarray(rew_list, dtype=np.float64),
        new_trial=np.asarray(new_list, dtype=bool),
        performance=np.asarray(perf, dtype=np.int64),
        trials=trials,
        agent=describe_agent(model, def_act if model is None else None, act_names, deterministic,
                             reset_state_each_trial),
        ob_names=ob_names,
        act_names=act_names,
        periods=period_list if has_periods else None,
        hidden=np.stack(hidden_list) if hidden_list else None,
        cell=np.stack(cell_list) if cell_list else None,
        dt=_env_attr(env, "dt", vec),
        task=spec.id if spec is not None else "task",
    )
