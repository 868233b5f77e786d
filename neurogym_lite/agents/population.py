"""Many networks: train a population of agents, or a hyperparameter sweep, on Optuna.

One trained network is an anecdote; papers report populations (tens of networks per condition) and
sweeps. This module trains each network with the recipe of notebook 2 on the monkey-faithful task
(:mod:`neurogym_lite.agents.recipe`), measures it as notebooks 3 and 4 measure the shipped one, and runs
many such trainings in parallel on `Optuna <https://optuna.org>`_'s storage:

- :func:`train_and_evaluate` trains and measures ONE network from a config dict (a seed,
  hyperparameters, a task variant: see :data:`CONFIG_KEYS`); a plain function, usable on its own.
- :func:`run_population` puts the configs not yet done in an Optuna study (a journal file by
  default: one file, no server) and runs them on ``n_workers`` processes, each training one network
  at a time with torch on one thread. Results persist as each network finishes: run it again and
  finished networks are not redone; a network whose worker died is run again; one that raised is
  recorded as failed, with its error, and the others go on.
- :func:`results` reads a study back as a pandas DataFrame, one row per run.
- ``python -m neurogym_lite.agents.population worker --storage FILE --study NAME`` is one worker, for a
  cluster: launch it N times (``srun``, a SLURM array) against a journal file on a shared file
  system or an RDB URL (``docs/cluster.md``).

Why Optuna and not a home-made pool or Ray Tune: pure Python, a few MB, imports in under a
second, no server (the journal file is the whole database, also in Colab), and a cluster run is the
same worker started N times against shared storage. Optuna's own heartbeat exists for RDB storage
only, so the liveness of a running network is recorded here as trial attributes (host, pid, a
heartbeat time), which works on every storage.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "CONFIG_KEYS",
    "DEFAULTS",
    "grid",
    "load_study",
    "make_storage",
    "measure",
    "objective",
    "results",
    "run_key",
    "run_population",
    "run_worker",
    "train_and_evaluate",
]

_INSTALL = 'pip install "neurogym_lite[sweep]" (or: pip install optuna pandas)'

#: Every key a config may have, with its type: ``int``, ``float``, or a tuple of the allowed values.
#: ``seed`` seeds the envs and the network; ``total_timesteps`` is the training length; the recipe's
#: hyperparameters (:data:`neurogym_lite.agents.recipe.RECIPE`); the task variant: ``stimulus_ms`` (the
#: constant stimulus duration, ms) and ``sigma`` (the stimulus noise); and the evaluation:
#: ``eval_trials`` fresh trials seeded from ``eval_seed``.
CONFIG_KEYS: dict[str, Any] = {
    "seed": int,
    "total_timesteps": int,
    "n_envs": int,
    "n_steps": int,
    "batch_size": int,
    "n_epochs": int,
    "learning_rate": float,
    "lr_schedule": ("constant", "linear"),
    "gamma": float,
    "gae_lambda": float,
    "ent_coef": float,
    "lstm_hidden_size": int,
    "scale_inputs": (False, True),
    "stimulus_ms": int,
    "sigma": float,
    "eval_trials": int,
    "eval_seed": int,
}


def _defaults() -> dict[str, Any]:
    from neurogym_lite.agents.recipe import MONKEY_STEPS, MONKEY_TASK, RECIPE

    return {"seed": 0, "total_timesteps": MONKEY_STEPS, **RECIPE,
            "stimulus_ms": int(MONKEY_TASK["timing"]["stimulus"][1]), "sigma": 1.0,
            "eval_trials": 4000, "eval_seed": 10_000}


#: The config of the shipped network (``pdm_lstm``): what a key left out of a config takes.
DEFAULTS: dict[str, Any] = _defaults()

# Trial attributes this module writes for its own bookkeeping (not measures).
_KEY, _CONFIG, _ERROR, _TRACEBACK, _STALE = "run_key", "config", "error", "traceback", "stale"
_WORKER, _HEARTBEAT, _FILLER, _MEASURES = "worker", "heartbeat", "not_a_run", "measures"


def _optuna() -> Any:
    try:
        import optuna
    except ImportError:
        raise ImportError(f"neurogym_lite.agents.population runs on Optuna, which is not installed: {_INSTALL}") from None
    return optuna


# ------------------------------------------------------------------------------------------ configs
def _check_config(config: Any, index: int | None = None) -> dict[str, Any]:
    """``config`` with every key checked and every default filled in (values typed as in CONFIG_KEYS)."""
    where = "config" if index is None else f"configs[{index}]"
    if not isinstance(config, Mapping):
        raise TypeError(f"{where} must be a dict such as {{'seed': 0, 'learning_rate': 1e-3}}, got {config!r}")
    unknown = [k for k in config if k not in CONFIG_KEYS]
    if unknown:
        raise ValueError(f"{where} has unknown key(s) {unknown}; a config may set {sorted(CONFIG_KEYS)}")
    out = dict(DEFAULTS)
    for key, value in config.items():
        kind = CONFIG_KEYS[key]
        if kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
            expected = "an integer"
        elif kind is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            expected = "a finite number"
            value = float(value) if ok else value
        else:
            ok = any(value == v and type(value) is type(v) for v in kind)
            expected = f"one of {list(kind)}"
        if not ok:
            raise TypeError(f"{where}[{key!r}] must be {expected}, got {value!r}")
        out[key] = value
    return out


def _run_key(config: Mapping[str, Any]) -> str:
    """A short name of a complete config: two configs with the same key are the same run."""
    return hashlib.sha1(json.dumps(dict(config), sort_keys=True).encode()).hexdigest()[:12]


def run_key(config: Mapping[str, Any]) -> str:
    """The ``run_key`` of a config (its defaults filled in): the column of :func:`results` that says
    which rows ran it, e.g. ``frame[frame.run_key.isin([run_key(c) for c in configs])]``."""
    return _run_key(_check_config(config))


def grid(**axes: Sequence[Any]) -> list[dict[str, Any]]:
    """Every combination of the values given for each key, e.g.
    ``grid(seed=range(4), learning_rate=[3e-4, 1e-3])`` is 8 configs (seed varying fastest)."""
    import itertools

    if not axes:
        raise ValueError("grid needs at least one key, e.g. grid(seed=range(8))")
    for key, values in axes.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, range)):
            raise TypeError(f"grid's {key} must be a list of values, got {values!r}")
        if len(values) == 0:
            raise ValueError(f"grid's {key} has no values")
    keys = list(axes)[::-1]
    return [dict(zip(keys[::-1], combo[::-1], strict=True)) for combo in itertools.product(*(axes[k] for k in keys))]


# ------------------------------------------------------------------------------- one network
def _make_env_factory(config: Mapping[str, Any]) -> Any:
    import functools

    from neurogym_lite.agents.recipe import MONKEY_TASK
    from neurogym_lite.tasks.registration import make_env

    timing = {**MONKEY_TASK["timing"], "stimulus": ("constant", config["stimulus_ms"])}
    return functools.partial(make_env, "PerceptualDecisionMaking-v0", **{**MONKEY_TASK, "timing": timing},
                             sigma=config["sigma"])


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

    config = _check_config(config)
    make = _make_env_factory(config)
    result = evaluate(model, make, num_trials=config["eval_trials"], seed=config["eval_seed"])
    env = make()
    crit = monkey_criteria(result, env)
    aborted = np.array([bool(t.get("aborted", False)) for t in result.trials])
    done = ~aborted
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


def train_and_evaluate(config: Mapping[str, Any], save_path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Train ONE network with the config (keys left out take :data:`DEFAULTS`: the shipped
    network's recipe, task and seed) and measure it (:func:`measure`).

    Runs torch on one thread (restored afterwards). Returns the measures plus ``train_seconds``
    (wall clock) and ``train_cpu_seconds`` of the ``learn`` call, ``torch_threads`` (torch's
    thread count while it trained) and ``weights_sha256`` (a digest of the trained weights).
    ``save_path``: where to save the trained model (a ``.zip``).
    Same config, same numbers: the seed fixes the envs, the network's initialisation and PPO's
    minibatches, and the evaluation has its own seed.
    """
    import torch

    from neurogym_lite.agents.recipe import make_model, make_vec_env
    from neurogym_lite.utils.torch_threads import one_torch_thread

    config = _check_config(config)
    recipe = {k: config[k] for k in ("n_steps", "batch_size", "n_epochs", "learning_rate", "lr_schedule", "gamma",
                                     "gae_lambda", "ent_coef", "lstm_hidden_size", "scale_inputs")}
    with one_torch_thread():
        threads = torch.get_num_threads()
        venv = make_vec_env(_make_env_factory(config), n_envs=config["n_envs"], seed=config["seed"])
        model = make_model(venv, seed=config["seed"], **recipe)
        t_wall, t_cpu = time.perf_counter(), time.process_time()
        model.learn(config["total_timesteps"])
        wall, cpu = time.perf_counter() - t_wall, time.process_time() - t_cpu
        out = measure(model, config)
        venv.close()
    if save_path is not None:
        model.save(save_path)
    return {**out, "train_seconds": wall, "train_cpu_seconds": cpu, "torch_threads": threads,
            "weights_sha256": _weights_digest(model)}


def _weights_digest(model: Any) -> str:
    """sha256 of the trained policy's parameters: equal digests, the same network bit for bit."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.policy.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


# ------------------------------------------------------------------------------------- storage
def make_storage(storage: str | os.PathLike[str], *, lock: str = "symlink") -> Any:
    """An Optuna storage: an RDB URL (``sqlite:///x.db``, ``postgresql://...``) as is, anything else
    the path of a journal file (created if missing). ``lock`` is the journal file's lock:
    ``'symlink'`` (Optuna's default; NFS v2 and later) or ``'open'`` (an ``O_EXCL`` lock file,
    NFS v3 and later, for file systems without symlinks)."""
    optuna = _optuna()
    if not isinstance(storage, (str, os.PathLike)) or not str(storage):
        raise TypeError(f"storage must be the path of a journal file or an RDB URL, got {storage!r}")
    if lock not in ("symlink", "open"):
        raise ValueError(f"lock must be 'symlink' or 'open', got {lock!r}")
    text = str(storage)
    if "://" in text:
        return optuna.storages.RDBStorage(text)
    from optuna.storages.journal import JournalFileBackend, JournalFileOpenLock, JournalFileSymlinkLock

    path = str(Path(text).expanduser())
    if not Path(path).parent.is_dir():
        raise ValueError(f"storage {text!r}: the folder {str(Path(path).parent)!r} does not exist")
    lock_obj = (JournalFileOpenLock if lock == "open" else JournalFileSymlinkLock)(path)
    return optuna.storages.JournalStorage(JournalFileBackend(path, lock_obj=lock_obj))


def load_study(storage: Any, study_name: str, *, create: bool = False) -> Any:
    """The Optuna study ``study_name`` in ``storage`` (a path/URL or a storage object)."""
    optuna = _optuna()
    if not isinstance(study_name, str) or not study_name:
        raise TypeError(f"study_name must be a non-empty string, got {study_name!r}")
    if isinstance(storage, (str, os.PathLike)):
        if not create and "://" not in str(storage) and not Path(storage).expanduser().is_file():
            raise ValueError(f"no study named {study_name!r}: the journal file {str(storage)!r} does not exist")
        store = make_storage(storage)
    else:
        store = storage
    if create:
        return optuna.create_study(storage=store, study_name=study_name, direction="maximize", load_if_exists=True)
    try:
        return optuna.load_study(study_name=study_name, storage=store)
    except KeyError:
        names = [s.study_name for s in optuna.get_all_study_summaries(store)]
        raise ValueError(f"no study named {study_name!r} in {storage!r}; it holds {names}") from None


# --------------------------------------------------------------------------------- the trial
def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _is_stale(trial: Any, grace_period: float, now: float) -> bool:
    """A RUNNING trial whose worker is gone: a dead pid on this host, or no heartbeat for ``grace_period`` s."""
    attrs = trial.user_attrs
    worker = attrs.get(_WORKER) or {}
    if worker.get("host") == socket.gethostname() and isinstance(worker.get("pid"), int) and not _alive(worker["pid"]):
        return True
    beat = attrs.get(_HEARTBEAT)
    if beat is None and trial.datetime_start is not None:
        beat = trial.datetime_start.timestamp()
    return beat is not None and now - float(beat) > grace_period


def _reap_stale(study: Any, grace_period: float) -> int:
    """Mark the stale RUNNING trials FAILED (attribute ``stale``) so that their configs run again."""
    optuna = _optuna()
    now, n = time.time(), 0
    for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        if not _is_stale(t, grace_period, now):
            continue
        worker = t.user_attrs.get(_WORKER) or {}
        note = (f"the worker ({worker.get('host')}, pid {worker.get('pid')}) stopped without finishing "
                "this run; it is run again")
        try:
            # Optuna has no public call to fail another process's trial (fail_stale_trials needs its RDB
            # heartbeat), hence the storage itself; both calls are part of its BaseStorage interface.
            study._storage.set_trial_user_attr(t._trial_id, _STALE, note)
            study._storage.set_trial_state_values(t._trial_id, optuna.trial.TrialState.FAIL)
        except Exception:  # another worker reaped it first (the trial is finished): nothing to do
            continue
        n += 1
    return n


def _enqueue_missing(study: Any, configs: Sequence[dict[str, Any]], retry_failed: bool) -> int:
    """Enqueue each config that has no finished, waiting or running trial (a FAILED one with an
    error counts as done unless ``retry_failed``; a stale one never does). Returns how many."""
    optuna = _optuna()
    states = optuna.trial.TrialState
    done: set[str] = set()
    for t in study.get_trials(deepcopy=False):
        key = t.user_attrs.get(_KEY)
        if key is None:
            continue
        if t.state in (states.COMPLETE, states.WAITING, states.RUNNING) or (
                t.state == states.FAIL and _ERROR in t.user_attrs and not retry_failed):
            done.add(key)
    n = 0
    for config in configs:
        key = _run_key(config)
        if key in done:
            continue
        done.add(key)  # a config listed twice runs once
        study.enqueue_trial({}, user_attrs={_KEY: key, _CONFIG: config})
        n += 1
    return n


def _waiting(study: Any) -> int:
    optuna = _optuna()
    return len(study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.WAITING,)))


class _Heartbeat:
    """Writes the time into the trial every ``interval`` s while the network trains, so that a
    worker that dies (node lost, job killed) leaves a trial others can recognise as stale."""

    def __init__(self, trial: Any, interval: float) -> None:
        self._trial, self._interval = trial, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            with contextlib.suppress(Exception):  # a storage hiccup must not kill the training
                self._trial.set_user_attr(_HEARTBEAT, time.time())

    def __enter__(self) -> _Heartbeat:
        self._trial.set_user_attr(_HEARTBEAT, time.time())
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()


def objective(trial: Any, *, save_dir: str | None = None, heartbeat_interval: float = 30.0) -> float:
    """The Optuna objective: train and measure the network of the config enqueued in ``trial``
    (:func:`train_and_evaluate`); every measure becomes a user attribute of the trial. Returns
    the accuracy on completed trials (the study's value, not used to steer anything: the configs
    are given, not sampled). The measures are one user attribute, ``measures`` (a dict), written
    once: one storage round-trip per run, not one per measure. A run that raises is recorded with ``error`` and ``traceback``
    attributes and re-raised, so that Optuna marks it FAILED."""
    config = trial.user_attrs.get(_CONFIG)
    if config is None:
        # Not one of ours: the queue emptied between a worker's check and its next ask (a race
        # between workers). Nothing to run; stop this worker.
        trial.set_user_attr(_FILLER, True)
        trial.study.stop()
        raise _optuna().TrialPruned("no config left in the queue")
    # One attribute per write: each is a storage round-trip (a transaction on an RDB).
    trial.set_user_attr(_WORKER, {"host": socket.gethostname(), "pid": os.getpid()})
    save_path = None
    if save_dir is not None:
        save_path = str(Path(save_dir) / f"{trial.user_attrs[_KEY]}.zip")
    with _Heartbeat(trial, heartbeat_interval):
        try:
            out = train_and_evaluate(config, save_path=save_path)
        except Exception as e:
            trial.set_user_attr(_ERROR, f"{type(e).__name__}: {e}")
            trial.set_user_attr(_TRACEBACK, traceback.format_exc(limit=20))
            raise
    if save_path is not None:
        out["model_path"] = save_path
    trial.set_user_attr(_MEASURES, out)
    return out["accuracy"] if math.isfinite(out["accuracy"]) else 0.0


def run_worker(storage: Any, study_name: str, *, save_dir: str | None = None, heartbeat_interval: float = 30.0,
               grace_period: float = 120.0, quiet: bool = True) -> None:
    """One worker: train the study's waiting configs one after the other until none is left.

    Several workers (processes, nodes) can run this against the same storage at once. Between
    runs a worker marks stale trials (their worker died) failed and enqueues their config again.
    """
    optuna = _optuna()
    if quiet:
        optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = load_study(storage, study_name)
    configs = [t.user_attrs[_CONFIG] for t in study.get_trials(deepcopy=False) if _CONFIG in t.user_attrs]

    def next_or_stop(study: Any, _trial: Any) -> None:
        if _reap_stale(study, grace_period):
            unique = list({_run_key(c): c for c in configs}.values())
            _enqueue_missing(study, unique, retry_failed=False)
        if _waiting(study) == 0:
            study.stop()

    if _reap_stale(study, grace_period):
        _enqueue_missing(study, list({_run_key(c): c for c in configs}.values()), retry_failed=False)
    if _waiting(study) == 0:
        return

    def run(trial: Any) -> float:
        return objective(trial, save_dir=save_dir, heartbeat_interval=heartbeat_interval)

    study.optimize(run, catch=(Exception,), callbacks=[next_or_stop])


def _worker_process(storage: Any, study_name: str, save_dir: str | None, heartbeat_interval: float,
                    grace_period: float) -> None:
    import torch

    torch.set_num_threads(1)  # one network per core: more threads per worker only contend
    run_worker(storage, study_name, save_dir=save_dir, heartbeat_interval=heartbeat_interval,
               grace_period=grace_period)


# ------------------------------------------------------------------------------- population
def run_population(
    configs: Sequence[Mapping[str, Any]],
    storage: str | os.PathLike[str] = "population.journal",
    study_name: str = "population",
    *,
    n_workers: int = 2,
    save_dir: str | os.PathLike[str] | None = None,
    retry_failed: bool = False,
    heartbeat_interval: float = 30.0,
    grace_period: float = 120.0,
) -> Any:
    """Train one network per config (see :data:`CONFIG_KEYS`; e.g. ``grid(seed=range(8))``) on
    ``n_workers`` worker processes, and return :func:`results`.

    The study ``study_name`` in ``storage`` (a journal file, created if missing, or an RDB URL)
    is created or loaded; configs already finished there are not run again; a FAILED one (it
    raised: its ``error`` is recorded) is not retried unless ``retry_failed``; a RUNNING one whose
    worker died (a dead pid on this machine, or no heartbeat for ``grace_period`` s) is run again.
    ``n_workers=1`` runs in this process, one network after the other; more start that many
    processes (fresh interpreters, never a fork under torch), each running :func:`run_worker` with torch on one
    thread. Each network's measures are stored as it finishes, so an interrupted run loses only
    the networks in progress. ``save_dir``: save each trained model there as ``<run_key>.zip``.
    The worker processes' output (Optuna's log, warnings) goes to ``<journal>.log`` beside a
    journal file (to this process's output for an RDB URL).
    """
    optuna = _optuna()
    # Everything is checked before the study is touched: bad input leaves nothing behind.
    if isinstance(configs, Mapping) or isinstance(configs, (str, bytes)) or not isinstance(configs, Sequence):
        raise TypeError(f"configs must be a list of config dicts (e.g. grid(seed=range(8))), got {configs!r}")
    if len(configs) == 0:
        raise ValueError("configs is empty: give at least one config, e.g. [{'seed': 0}]")
    checked = [_check_config(c, i) for i, c in enumerate(configs)]
    if isinstance(n_workers, bool) or not isinstance(n_workers, int):
        raise TypeError(f"n_workers must be an integer >= 1, got {n_workers!r}")
    if n_workers < 1:
        raise ValueError(f"n_workers must be an integer >= 1, got {n_workers!r}")
    for name, value in (("heartbeat_interval", heartbeat_interval), ("grace_period", grace_period)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
    if grace_period <= 2 * heartbeat_interval:
        raise ValueError(f"grace_period ({grace_period} s) must be more than twice heartbeat_interval "
                         f"({heartbeat_interval} s), or live workers would be taken for dead")
    if not isinstance(retry_failed, bool):
        raise TypeError(f"retry_failed must be True or False, got {retry_failed!r}")
    if save_dir is not None:
        if not isinstance(save_dir, (str, os.PathLike)):
            raise TypeError(f"save_dir must be a folder path or None, got {save_dir!r}")
        Path(save_dir).mkdir(parents=True, exist_ok=True)
        save_dir = str(Path(save_dir).resolve())
    if not isinstance(storage, (str, os.PathLike)):
        raise TypeError(f"storage must be the path of a journal file or an RDB URL, got {storage!r}")
    spec = str(storage) if "://" in str(storage) else str(Path(storage).expanduser().resolve())

    with _quiet_optuna():
        study = load_study(spec, study_name, create=True)
    if study.direction != optuna.study.StudyDirection.MAXIMIZE:
        raise ValueError(f"study {study_name!r} in {storage!r} was not made by run_population")
    _reap_stale(study, grace_period)
    _enqueue_missing(study, checked, retry_failed)
    waiting = _waiting(study)
    if waiting:
        if n_workers == 1:
            from neurogym_lite.utils.torch_threads import one_torch_thread

            with one_torch_thread(), _quiet_optuna():
                run_worker(study._storage, study_name, save_dir=save_dir, heartbeat_interval=heartbeat_interval,
                           grace_period=grace_period, quiet=False)
        else:
            # Fresh interpreters running the cluster CLI: spawn-like (never fork under torch), and
            # unlike multiprocessing's spawn they do not re-import the caller's __main__, so this works
            # from a notebook, a script without a main guard, or stdin.
            cmd = [sys.executable, "-m", "neurogym_lite.agents.population", "worker", "--storage", spec, "--study",
                   study_name, "--heartbeat", str(heartbeat_interval), "--grace", str(grace_period)]
            if save_dir is not None:
                cmd += ["--save-dir", save_dir]
            # The workers' own output (Optuna's log of each run, warnings, a failed run's traceback, which
            # is also in the study) goes to a file beside the journal, not into the caller's notebook.
            log_path = None if "://" in spec else Path(spec + ".log")
            with contextlib.ExitStack() as stack:
                log = stack.enter_context(open(log_path, "ab")) if log_path else None
                procs = [subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT if log else None)
                         for _ in range(min(n_workers, waiting))]
                try:
                    codes = [p.wait() for p in procs]
                finally:  # interrupted (KeyboardInterrupt): stop the workers; their runs are retried next time
                    for p in procs:
                        if p.poll() is None:
                            p.terminate()
                            p.wait()
            bad = [c for c in codes if c != 0]
            if bad:
                where = f"in {log_path}" if log_path else "above"
                raise RuntimeError(f"{len(bad)} of {len(procs)} worker processes exited with codes {bad} (their output "
                                   f"is {where}); the runs they finished are stored; run again to redo the others")
    return results(spec, study_name)


@contextlib.contextmanager
def _quiet_optuna() -> Iterator[None]:
    """Optuna's per-trial INFO lines off while a population runs in this process (restored after)."""
    optuna = _optuna()
    level = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(level)


# ------------------------------------------------------------------------------------- results
def results(storage: Any, study_name: str = "population") -> Any:
    """The study's runs as a pandas DataFrame, one row per run (trial), in the order they were queued.

    Columns: ``number`` (Optuna's trial number), ``state`` (COMPLETE, FAIL, RUNNING, WAITING),
    ``run_key``, ``error`` (the exception of a failed run; ``stale`` for a worker that died), every
    config key, every scalar measure, and one column per coherence for the per-coherence measures
    (``accuracy@6.4``, ``ideal@6.4``, ``z@6.4``, ``n@6.4``).
    """
    try:
        import pandas as pd
    except ImportError:
        raise ImportError(f"results() returns a pandas DataFrame; pandas is not installed: {_INSTALL}") from None
    study = load_study(storage, study_name)
    rows = []
    prefixes = {"accuracy_by_coh": "accuracy", "ideal_by_coh": "ideal", "z_vs_ideal_by_coh": "z", "n_by_coh": "n"}
    for t in study.get_trials(deepcopy=False):
        attrs = t.user_attrs
        if _CONFIG not in attrs:
            continue  # a queue-race filler, not a run
        worker = attrs.get(_WORKER) or {}
        row: dict[str, Any] = {"number": t.number, "state": t.state.name, "run_key": attrs[_KEY],
                               "error": attrs.get(_ERROR, attrs.get(_STALE, "")),
                               "host": worker.get("host"), "pid": worker.get("pid"), **attrs[_CONFIG]}
        for key, value in (attrs.get(_MEASURES) or {}).items():
            if key in prefixes:
                row.update({f"{prefixes[key]}@{c}": v for c, v in value.items()})
            else:
                row[key] = value
        rows.append(row)
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------------------- CLI
def _main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m neurogym_lite.agents.population",
                                     description="Train a population of networks on Optuna storage.")
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("worker", help="train the study's waiting configs until none is left (launch N of these)")
    e = sub.add_parser("enqueue", help="add configs (a JSON list of dicts) to a study, without training them")
    r = sub.add_parser("results", help="write the study's results as CSV")
    for p in (w, e, r):
        p.add_argument("--storage", required=True, help="journal file path, or an RDB URL")
        p.add_argument("--study", required=True, help="study name")
        p.add_argument("--lock", choices=("symlink", "open"), default="symlink",
                       help="journal file lock: symlink (NFS v2+, default) or open (O_EXCL, NFS v3+)")
    w.add_argument("--save-dir", default=None, help="save each trained model here")
    w.add_argument("--heartbeat", type=float, default=30.0, help="seconds between heartbeats")
    w.add_argument("--grace", type=float, default=120.0, help="seconds without heartbeat before a run is retried")
    e.add_argument("--configs", required=True, help="a JSON file holding a list of config dicts")
    r.add_argument("--out", default="-", help="CSV file (default: standard output)")
    args = parser.parse_args(argv)
    storage = args.storage if "://" in args.storage or args.lock == "symlink" else make_storage(args.storage, lock="open")
    if args.command == "worker":
        _worker_process(storage, args.study, args.save_dir, args.heartbeat, args.grace)
    elif args.command == "enqueue":
        configs = json.loads(Path(args.configs).read_text())
        if not isinstance(configs, list) or not configs:
            raise SystemExit(f"{args.configs} must hold a non-empty JSON list of config dicts")
        checked = [_check_config(c, i) for i, c in enumerate(configs)]
        study = load_study(storage, args.study, create=True)
        print(f"enqueued {_enqueue_missing(study, checked, retry_failed=False)} of {len(checked)} configs")
    else:
        frame = results(storage, args.study)
        frame.to_csv(args.out if args.out != "-" else sys.stdout, index=False)


if __name__ == "__main__":
    _main()
