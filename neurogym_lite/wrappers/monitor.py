"""Record what happened in every trial, the way NeuroGym's ``Monitor`` users read it."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, SupportsFloat

import gymnasium as gym
import numpy as np

from neurogym_lite.utils.validation import check_choice, check_file_name, check_int
from neurogym_lite.wrappers.forwarding import ForwardAttributes

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["FIGURE_FORMATS", "Monitor"]


#: Figure formats ``ext`` may name (matplotlib writes them all without extra packages).
FIGURE_FORMATS = ("png", "pdf", "svg", "svgz", "jpg", "jpeg", "eps", "ps", "tif", "tiff", "webp")


def _positive_int(value: Any, name: str) -> int:
    return check_int(name, value, 1)


class Monitor(ForwardAttributes, gym.Wrapper[Any, Any, Any, Any]):
    """Keep one record per finished trial; optionally save them, summaries and figures to ``folder``.

    ``monitor.data`` is a dict of lists with one entry per finished trial, as NeuroGym's: ``action``
    (the action that ended the trial), ``reward`` (its reward), ``cum_reward`` (the trial's summed
    reward), and every key of the trial-ending ``info``: ``performance``, ``gt``, ``new_trial`` and
    ``trial`` (here the parameters of **the trial that just ended**, e.g. its ``coh``).

    Every ``interval`` trials (``trigger='trial'``) or steps (``trigger='step'``), a block ends: its
    means go to ``monitor.history`` (what :meth:`plot_training_history` draws), ``verbose`` prints
    them, and with a ``folder`` the block's ``data`` is saved to ``folder/trial_<n>.npz`` and
    ``data`` starts again (without a folder it keeps growing). ``plot_create=True`` saves a figure of
    the first ``plot_steps`` steps of each block to ``folder/task_<n>.<ext>``; without ``folder`` that
    is ``runs/<task class>/<timestamp>`` under the working directory, as in NeuroGym (the monitor
    prints where).

    The arguments come in NeuroGym's order (``Monitor(env, config)`` works); ``save_dir`` is
    NeuroGym's name for ``folder``. NeuroGym's older argument names work too: ``sv_per`` (interval), ``sv_stp`` (trigger),
    ``sv_fig`` (plot_create), ``num_stps_sv_fig`` (plot_steps), ``fig_type`` (ext). ``config`` (a
    :class:`~neurogym_lite.utils.config.Config`, a TOML file or a dict) gives the settings instead, as
    in NeuroGym: ``monitor.*``, and the folder ``local_dir/<env.name>/<timestamp>``. Differences on purpose: nothing is written unless ``folder`` is given or
    figures are asked for; the
    monitor does not reset the env when it is built; :meth:`evaluate_policy` carries a recurrent
    model's state across trials (as in training) and does not add its trials to ``data``.
    """

    def __init__(
        self,
        env: gym.Env,
        config: Any = None,
        name: str | None = None,
        trigger: str = "trial",
        interval: int = 1000,
        verbose: bool = True,
        plot_create: bool = False,
        plot_steps: int = 1000,
        ext: str = "png",
        *,
        folder: str | Path | None = None,
        save_dir: str | Path | None = None,
        sv_per: int | None = None,
        sv_stp: str | None = None,
        sv_fig: bool | None = None,
        num_stps_sv_fig: int | None = None,
        fig_type: str | None = None,
    ) -> None:
        super().__init__(env)
        if save_dir is not None:  # NeuroGym's name for folder
            if folder is not None:
                raise ValueError("folder= and save_dir= name the same thing: give one")
            folder = save_dir
        self.config = None
        if config is not None:
            given = {k: v for k, v in (("trigger", trigger != "trial"), ("interval", interval != 1000),
                                       ("verbose", verbose is not True), ("plot_create", plot_create is not False),
                                       ("plot_steps", plot_steps != 1000), ("ext", ext != "png"), ("sv_per", sv_per),
                                       ("sv_stp", sv_stp), ("sv_fig", sv_fig), ("num_stps_sv_fig", num_stps_sv_fig),
                                       ("fig_type", fig_type)) if v not in (None, False)}
            if given:
                raise ValueError(f"config= and {', '.join(given)}= both set the monitor: give the settings in one place")
            cfg = _as_config(config)
            self.config = cfg
            trigger, interval, verbose = cfg.monitor.trigger, cfg.monitor.interval, cfg.monitor.verbose
            plot_create, plot_steps, ext = cfg.monitor.plot.create, cfg.monitor.plot.step, cfg.monitor.plot.ext
            name = name if name is not None else (cfg.monitor.name or None)
            if folder is None:
                # NeuroGym's folder: local_dir/<env name>/<timestamp>
                stamp = datetime.datetime.now().strftime("%Y-%m-%dT%H-%M-%S-%f")
                folder = Path(cfg.local_dir) / (cfg.env.name or type(env.unwrapped).__name__) / stamp
                print(f"Monitor: files go to {folder} (config.local_dir)")
        trigger = sv_stp if sv_stp is not None else trigger
        if trigger not in ("trial", "step"):
            raise ValueError(f"trigger must be 'trial' or 'step', got {trigger!r}")
        self.trigger = trigger
        self.interval = _positive_int(sv_per if sv_per is not None else interval, "interval")
        self.verbose = bool(verbose)
        self.plot_create = bool(sv_fig if sv_fig is not None else plot_create)
        self.plot_steps = _positive_int(num_stps_sv_fig if num_stps_sv_fig is not None else plot_steps, "plot_steps")
        # files are written under folder only: name and ext become parts of file names there
        self.ext = check_choice("ext", fig_type if fig_type is not None else ext, FIGURE_FORMATS)
        if folder is not None and not isinstance(folder, (str, Path)):
            raise TypeError(f"folder must be a path (str or pathlib.Path) or None, got {folder!r}")
        self.folder = Path(folder) if folder is not None else None
        self.name = check_file_name("name", name) if name is not None else type(env.unwrapped).__name__
        if self.plot_create and self.folder is None:
            # NeuroGym's default: runs/<task>/<timestamp> under the working directory; said aloud,
            # since the caller did not name it
            stamp = datetime.datetime.now().strftime("%Y-%m-%dT%H-%M-%S-%f")
            self.folder = Path.cwd() / "runs" / type(env.unwrapped).__name__ / stamp
            print(f"Monitor: plot_create=True without folder=: files go to {self.folder}")
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
        self.data: dict[str, list[Any]] = {"action": [], "reward": [], "cum_reward": [], "performance": []}
        self.data_eval: dict[str, Any] = {}
        self.history: list[dict[str, float]] = []
        self.cum_reward = 0.0
        self.num_tr = 0
        self.t = 0  # steps in the current block (trigger='step')
        self._block: dict[str, list[float]] = {"reward": [], "cum_reward": [], "performance": []}
        self._obs: Any = None
        self._steps: dict[str, list[Any]] = {}
        self._plotted_block = False

    @property
    def save_dir(self) -> Path | None:
        """NeuroGym's name for ``folder``: where data and figures go (None: nowhere)."""
        return self.folder

    # ------------------------------------------------------------------ gymnasium API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        self.cum_reward = 0.0
        obs, info = self.env.reset(seed=seed, options=options)
        self._obs = obs
        return obs, info

    def step(self, action: Any) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        self.cum_reward += float(reward)
        if self.plot_create and not self._plotted_block:
            self._record_step(action, float(reward), info)
        self._obs = obs
        self.t += 1
        if info.get("new_trial", False):
            self.num_tr += 1
            self.data["action"].append(_plain(action))
            self.data["reward"].append(float(reward))
            self.data["cum_reward"].append(self.cum_reward)
            for key, value in info.items():
                self.data.setdefault(key, []).append(value)
            for key in self._block:
                if key == "cum_reward":
                    self._block[key].append(self.cum_reward)
                elif key == "reward":
                    self._block[key].append(float(reward))
                elif key in info:
                    self._block[key].append(float(info[key]))
            self.cum_reward = 0.0
            due = self.num_tr % self.interval == 0 if self.trigger == "trial" else self.t >= self.interval
            if due:
                self._end_block()
        return obs, reward, terminated, truncated, info

    # ------------------------------------------------------------------ blocks
    def _end_block(self) -> None:
        summary = {"trials": float(self.num_tr)}
        for key, values in self._block.items():
            summary[f"mean_{key}"] = float(np.mean(values)) if values else math.nan
            values.clear()
        self.history.append(summary)
        if self.folder is not None:
            path = self.folder / f"trial_{self.num_tr}.npz"
            np.savez(path, **{k: _to_array(v) for k, v in self.data.items()})
            self.data = {k: [] for k in self.data}
        if self.plot_create and self._steps:
            self._save_figure()
        if self.verbose:
            print(f"{self.name}: {self.num_tr} trials; last block: mean reward {summary['mean_reward']:.3f}, "
                  f"mean performance {summary['mean_performance']:.3f}"
                  + (f"; data saved to {path}" if self.folder is not None else ""))
        self.t = 0
        self._plotted_block = False

    def _record_step(self, action: Any, reward: float, info: dict[str, Any]) -> None:
        steps = self._steps
        for key, value in (("obs", self._obs), ("actions", _plain(action)), ("gt", int(info.get("gt", -1))),
                           ("rewards", reward), ("new_trial", bool(info.get("new_trial", False)))):
            steps.setdefault(key, []).append(value)
        if info.get("new_trial", False):
            steps.setdefault("performance", []).append(int(info.get("performance", 0)))
            steps.setdefault("trials", []).append(dict(info.get("trial", {})))
        if len(steps["actions"]) >= self.plot_steps:
            self._save_figure()
            self._plotted_block = True

    def _save_figure(self) -> None:
        import matplotlib.pyplot as plt

        from neurogym_lite.tasks.plotting import plot_rollout
        from neurogym_lite.tasks.rollout import Rollout

        steps, self._steps = self._steps, {}
        if self.folder is None or not steps.get("actions"):
            return
        task = self.env.unwrapped
        n_obs = int(np.prod(self.observation_space.shape))
        ob_names = list(getattr(self, "ob_names", None) or [f"ob_{i}" for i in range(n_obs)])
        rollout = Rollout(
            obs=np.asarray(steps["obs"], dtype=np.float32).reshape(len(steps["obs"]), -1),
            actions=np.asarray(steps["actions"], dtype=np.int64).reshape(-1),
            gt=np.asarray(steps["gt"], dtype=np.int64),
            rewards=np.asarray(steps["rewards"], dtype=np.float64),
            new_trial=np.asarray(steps["new_trial"], dtype=bool),
            performance=np.asarray(steps.get("performance", []), dtype=np.int64),
            trials=steps.get("trials", []),
            agent="the agent being trained",
            ob_names=ob_names if len(ob_names) == n_obs else [f"ob_{i}" for i in range(n_obs)],
            act_names=list(getattr(task, "act_names", None) or []),
            dt=getattr(task, "dt", None),
            task=task.spec.id if task.spec is not None else self.name,
        )
        fig = plot_rollout(rollout, fname=str(self.folder / f"task_{self.num_tr:06d}.{self.ext}"))
        plt.close(fig)

    # ------------------------------------------------------------------ NeuroGym's helpers
    def evaluate_policy(
        self, num_trials: int = 100, model: Any = None, verbose: bool = True, *,
        seed: int | None = None, deterministic: bool = True,
    ) -> dict[str, Any]:
        """Run ``model`` (random actions if None) for ``num_trials`` trials on the wrapped env.

        Returns NeuroGym's metrics: ``rewards`` (each trial's last reward), ``mean_reward`` (the
        fraction of trials whose last reward is positive), ``cum_rewards``, ``mean_cum_reward``,
        ``performances``, ``mean_performance``; ``monitor.data_eval`` gets one entry per trial
        (``action``, ``reward`` and the trial-ending ``info``). A recurrent model's state is carried
        across trials, as in training. ``seed`` makes the run reproducible. The env is reset.
        """
        num_trials = _positive_int(num_trials, "num_trials")
        env = self.env
        obs, _ = env.reset(seed=seed)
        if seed is not None:
            env.action_space.seed(seed)
        state, episode_start = None, np.ones((1,), dtype=bool)
        cum = 0.0
        rewards: list[float] = []
        cum_rewards: list[float] = []
        performances: list[float] = []
        data: dict[str, list[Any]] = {"action": [], "reward": []}
        from neurogym_lite.tasks.timing import MAX_STEPS_PER_TRIAL

        since_trial = 0
        while len(rewards) < num_trials:
            if since_trial > MAX_STEPS_PER_TRIAL:
                # an env that never reports info['new_trial'] (not a trial-based task) would loop forever
                raise RuntimeError(
                    f"no trial ended in {MAX_STEPS_PER_TRIAL:,} steps (the longest a trial may last): does the env "
                    "report info['new_trial']? evaluate_policy counts trials, so it needs a trial-based task")
            since_trial += 1
            if model is not None:
                act, state = model.predict(obs, state=state, episode_start=episode_start, deterministic=deterministic)
                action = _plain(act)
            else:
                action = env.action_space.sample()
            obs, reward, terminated, truncated, info = env.step(action)
            episode_start = np.array([terminated or truncated])
            if terminated or truncated:
                obs, _ = env.reset()
            cum += float(reward)
            if info.get("new_trial", False):
                since_trial = 0
                rewards.append(float(reward))
                cum_rewards.append(cum)
                cum = 0.0
                if "performance" in info:
                    performances.append(float(info["performance"]))
                data["action"].append(_plain(action))
                data["reward"].append(float(reward))
                for key, value in info.items():
                    data.setdefault(key, []).append(value)
                if verbose and len(rewards) % 1000 == 0:
                    print(f"{len(rewards)}/{num_trials} trials")
        self.data_eval = {k: (v if k == "trial" else _to_array(v)) for k, v in data.items()}
        return {
            "rewards": rewards,
            "mean_reward": float(np.mean(np.asarray(rewards) > 0)),
            "cum_rewards": cum_rewards,
            "mean_cum_reward": float(np.mean(cum_rewards)),
            "performances": performances,
            "mean_performance": float(np.mean(performances)) if performances else math.nan,
        }

    def plot_training_history(
        self, figsize: tuple[float, float] = (12, 6), save_fig: bool = True, plot_performance: bool = True
    ) -> Figure | None:
        """Mean reward, trial reward and performance of each block of ``interval`` trials so far.

        Returns None (and says so) before the first block has ended. With ``save_fig`` and a
        ``folder`` the figure is saved to ``folder/<name>_training_history.png``."""
        if not self.history:
            print(f"{self.name}: no block of {self.interval} {self.trigger}s has ended yet; nothing to plot")
            return None
        import matplotlib.pyplot as plt

        trials = [h["trials"] for h in self.history]
        fig, axes = plt.subplots(1, 2 if plot_performance else 1, figsize=figsize, squeeze=False)
        ax = axes[0, 0]
        ax.plot(trials, [h["mean_reward"] for h in self.history], "o-", label="last reward of a trial")
        ax.plot(trials, [h["mean_cum_reward"] for h in self.history], "s--", label="summed reward of a trial")
        ax.set(xlabel="trials", ylabel="mean reward per trial", title="Reward")
        ax.legend()
        if plot_performance:
            ax = axes[0, 1]
            ax.plot(trials, [h["mean_performance"] for h in self.history], "o-", color="tab:green")
            ax.set(xlabel="trials", ylabel="fraction correct", ylim=(-0.05, 1.05), title="Performance")
        fig.suptitle(f"{self.name}: one point per block of {self.interval} {self.trigger}s")
        fig.tight_layout()
        if save_fig and self.folder is not None:
            fig.savefig(self.folder / f"{self.name}_training_history.png", dpi=150)
        return fig


def _as_config(config: Any) -> Any:
    from neurogym_lite.utils.config import Config

    if isinstance(config, Config):
        return config
    if isinstance(config, (str, Path)):
        return Config(config)
    if isinstance(config, Mapping):
        return Config.model_validate(config)
    raise TypeError(f"config must be a Config, a path to a TOML file or a dict of settings, got {config!r:.80}")


def _plain(action: Any) -> Any:
    """An action as a Python int when it is one integer (SB3 passes 0-d or 1-element arrays)."""
    arr = np.asarray(action)
    return int(arr.reshape(-1)[0]) if arr.size == 1 and np.issubdtype(arr.dtype, np.integer) else action


def _to_array(values: list[Any]) -> np.ndarray:
    if values and all(isinstance(v, dict) for v in values):
        return np.array(values, dtype=object)
    try:
        return np.asarray(values)
    except ValueError:
        return np.array(values, dtype=object)
