"""Many networks at once: workers that take configs from a study until none is left.

:func:`run_population` queues the configs not yet done and starts ``n_workers`` worker processes
(fresh interpreters running ``python -m neurogym_lite.agents.population worker``, the command a
cluster runs); :func:`run_worker` is one worker's loop. A running network writes a heartbeat into
its trial; a worker that finds a run whose worker is gone (a dead pid on this host, or no
heartbeat for the grace period) marks it failed as stale and queues its config again. Finished runs
are never redone; a run that raised is recorded as failed with its error, and the others go on.
"""

from __future__ import annotations

import contextlib
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

from neurogym_lite.agents.population.config import check_config, check_liveness, run_key
from neurogym_lite.agents.population.measures import train_and_evaluate
from neurogym_lite.agents.population.store import ATTRS, is_our_run, load_study, optuna_module, results
from neurogym_lite.utils.validation import check_bool, check_file_name, check_int

__all__ = ["enqueue_missing", "objective", "quiet_optuna", "run_population", "run_worker", "worker_process"]


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
    worker = attrs.get(ATTRS["worker"]) or {}
    if worker.get("host") == socket.gethostname() and isinstance(worker.get("pid"), int) and not _alive(worker["pid"]):
        return True
    beat = attrs.get(ATTRS["heartbeat"])
    if not isinstance(beat, (int, float)) and trial.datetime_start is not None:
        beat = trial.datetime_start.timestamp()
    return isinstance(beat, (int, float)) and now - float(beat) > grace_period


def _reap_stale(study: Any, grace_period: float) -> int:
    """Mark the stale RUNNING trials FAILED (attribute ``stale``) so that their configs run again."""
    optuna = optuna_module()
    now, n = time.time(), 0
    for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        if not _is_stale(t, grace_period, now):
            continue
        worker = t.user_attrs.get(ATTRS["worker"]) or {}
        note = (f"the worker ({worker.get('host')}, pid {worker.get('pid')}) stopped without finishing "
                "this run; it is run again")
        try:
            # Optuna has no public call to fail another process's trial (fail_stale_trials needs its RDB
            # heartbeat), hence the storage itself; both calls are part of its BaseStorage interface.
            study._storage.set_trial_user_attr(t._trial_id, ATTRS["stale"], note)
            study._storage.set_trial_state_values(t._trial_id, optuna.trial.TrialState.FAIL)
        except Exception:  # another worker reaped it first (the trial is finished): nothing to do
            continue
        n += 1
    return n


def enqueue_missing(study: Any, configs: Sequence[dict[str, Any]], retry_failed: bool) -> int:
    """Enqueue each (checked, complete) config that has no finished, waiting or running trial (a
    FAILED one with an error counts as done unless ``retry_failed``; a stale one never does).
    Trials the engine did not queue are ignored. Returns how many were queued."""
    states = optuna_module().trial.TrialState
    done: set[str] = set()
    for t in study.get_trials(deepcopy=False):
        if not is_our_run(t):
            continue
        if t.state in (states.COMPLETE, states.WAITING, states.RUNNING) or (
                t.state == states.FAIL and ATTRS["error"] in t.user_attrs and not retry_failed):
            done.add(t.user_attrs[ATTRS["key"]])
    n = 0
    for config in configs:
        key = run_key(config)
        if key in done:
            continue
        done.add(key)  # a config listed twice runs once
        study.enqueue_trial({}, user_attrs={ATTRS["key"]: key, ATTRS["config"]: config})
        n += 1
    return n


def _waiting(study: Any) -> int:
    return len(study.get_trials(deepcopy=False, states=(optuna_module().trial.TrialState.WAITING,)))


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
                self._trial.set_user_attr(ATTRS["heartbeat"], time.time())

    def __enter__(self) -> _Heartbeat:
        self._trial.set_user_attr(ATTRS["heartbeat"], time.time())
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()


def objective(trial: Any, *, save_dir: str | None = None, heartbeat_interval: float = 30.0) -> float:
    """The Optuna objective: train and measure the network of the config enqueued in ``trial``
    (:func:`~neurogym_lite.agents.population.measures.train_and_evaluate`). The measures are one
    user attribute, ``measures`` (a dict), written once: one storage round-trip per run. Returns the
    accuracy on completed trials (the study's value, not used to steer anything: the configs are
    given, not sampled). A run that raises is recorded with ``error`` and ``traceback`` attributes
    and re-raised, so that Optuna marks it FAILED.

    The config read from storage is data: it is checked like any config, and the model's file name
    is its run key recomputed here (12 hex digits), never a string read from storage."""
    config = trial.user_attrs.get(ATTRS["config"])
    if config is None:
        # Not one of ours: the queue emptied between a worker's check and its next ask (a race
        # between workers). Nothing to run; stop this worker.
        trial.set_user_attr(ATTRS["filler"], True)
        trial.study.stop()
        raise optuna_module().TrialPruned("no config left in the queue")
    # One attribute per write: each is a storage round-trip (a transaction on an RDB).
    trial.set_user_attr(ATTRS["worker"], {"host": socket.gethostname(), "pid": os.getpid()})
    with _Heartbeat(trial, heartbeat_interval):
        try:
            checked = check_config(config)
            save_path = None
            if save_dir is not None:
                save_path = str(Path(save_dir) / check_file_name("model file", f"{run_key(checked)}.zip"))
            out = train_and_evaluate(checked, save_path=save_path)
        except Exception as e:
            trial.set_user_attr(ATTRS["error"], f"{type(e).__name__}: {e}")
            trial.set_user_attr(ATTRS["traceback"], traceback.format_exc(limit=20))
            raise
    if save_path is not None:
        out["model_path"] = save_path
    trial.set_user_attr(ATTRS["measures"], out)
    accuracy = out.get("accuracy", math.nan)
    return float(accuracy) if isinstance(accuracy, (int, float)) and math.isfinite(accuracy) else 0.0


def _configs_in(study: Any) -> list[dict[str, Any]]:
    """The engine's configs already in the study, checked (a bad one read from storage is skipped)."""
    out = {}
    for t in study.get_trials(deepcopy=False):
        if is_our_run(t):
            with contextlib.suppress(TypeError, ValueError):
                config = check_config(t.user_attrs[ATTRS["config"]])
                out[run_key(config)] = config
    return list(out.values())


def run_worker(storage: Any, study_name: str, *, save_dir: str | None = None, heartbeat_interval: float = 30.0,
               grace_period: float = 120.0, quiet: bool = True) -> None:
    """One worker: train the study's waiting configs one after the other until none is left.

    Several workers (processes, nodes) can run this against the same storage at once. Between
    runs a worker marks stale trials (their worker died) failed and enqueues their config again.
    """
    heartbeat_interval, grace_period = check_liveness(heartbeat_interval, grace_period)
    optuna = optuna_module()
    if quiet:
        optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = load_study(storage, study_name)

    def requeue_stale(study: Any) -> None:
        if _reap_stale(study, grace_period):
            enqueue_missing(study, _configs_in(study), retry_failed=False)

    def next_or_stop(study: Any, _trial: Any) -> None:
        requeue_stale(study)
        if _waiting(study) == 0:
            study.stop()

    requeue_stale(study)
    if _waiting(study) == 0:
        return

    def run(trial: Any) -> float:
        return objective(trial, save_dir=save_dir, heartbeat_interval=heartbeat_interval)

    study.optimize(run, catch=(Exception,), callbacks=[next_or_stop])


def worker_process(storage: Any, study_name: str, save_dir: str | None, heartbeat_interval: float,
                   grace_period: float) -> None:
    """A worker process's whole life: torch on one thread, then :func:`run_worker`."""
    import torch

    torch.set_num_threads(1)  # one network per core: more threads per worker only contend
    run_worker(storage, study_name, save_dir=save_dir, heartbeat_interval=heartbeat_interval,
               grace_period=grace_period)


@contextlib.contextmanager
def quiet_optuna() -> Iterator[None]:
    """Optuna's per-trial INFO lines off while a population runs in this process (restored after)."""
    optuna = optuna_module()
    level = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(level)


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
    """Train one network per config (see :data:`~neurogym_lite.agents.population.config.CONFIG_KEYS`;
    e.g. ``grid(seed=range(8))``) on ``n_workers`` worker processes, and return
    :func:`~neurogym_lite.agents.population.store.results`.

    The study ``study_name`` in ``storage`` (a journal file, created if missing, or an RDB URL)
    is created or loaded; configs already finished there are not run again; a FAILED one (it
    raised: its ``error`` is recorded) is not retried unless ``retry_failed``; a RUNNING one whose
    worker died (a dead pid on this machine, or no heartbeat for ``grace_period`` s) is run again.
    ``n_workers=1`` runs in this process, one network after the other; more start that many
    processes (fresh interpreters, never a fork under torch), each running :func:`run_worker` with
    torch on one thread. Each network's measures are stored as it finishes, so an interrupted run
    loses only the networks in progress. ``save_dir``: save each trained model there as
    ``<run_key>.zip``. The worker processes' output (Optuna's log, warnings) goes to
    ``<journal>.log`` beside a journal file (to this process's output for an RDB URL).
    Every argument and every config value is checked before the study is touched.
    """
    optuna = optuna_module()
    if isinstance(configs, Mapping) or isinstance(configs, (str, bytes)) or not isinstance(configs, Sequence):
        raise TypeError(f"configs must be a list of config dicts (e.g. grid(seed=range(8))), got {configs!r:.80}")
    if len(configs) == 0:
        raise ValueError("configs is empty: give at least one config, e.g. [{'seed': 0}]")
    checked = [check_config(c, i) for i, c in enumerate(configs)]
    n_workers = check_int("n_workers", n_workers, 1, 4096)
    heartbeat_interval, grace_period = check_liveness(heartbeat_interval, grace_period)
    retry_failed = check_bool("retry_failed", retry_failed)
    if save_dir is not None:
        if not isinstance(save_dir, (str, os.PathLike)):
            raise TypeError(f"save_dir must be a folder path or None, got {save_dir!r:.80}")
        Path(save_dir).mkdir(parents=True, exist_ok=True)
        save_dir = str(Path(save_dir).resolve())
    if not isinstance(storage, (str, os.PathLike)):
        raise TypeError(f"storage must be the path of a journal file or an RDB URL, got {storage!r:.80}")
    spec = str(storage) if "://" in str(storage) else str(Path(storage).expanduser().resolve())

    with quiet_optuna():
        study = load_study(spec, study_name, create=True)
    if study.direction != optuna.study.StudyDirection.MAXIMIZE:
        raise ValueError(f"study {study_name!r} in {storage!r} was not made by run_population")
    _reap_stale(study, grace_period)
    enqueue_missing(study, checked, retry_failed)
    waiting = _waiting(study)
    if waiting and n_workers == 1:
        from neurogym_lite.utils.torch_threads import one_torch_thread

        with one_torch_thread(), quiet_optuna():
            run_worker(study._storage, study_name, save_dir=save_dir, heartbeat_interval=heartbeat_interval,
                       grace_period=grace_period, quiet=False)
    elif waiting:
        _run_worker_processes(spec, study_name, min(n_workers, waiting), save_dir, heartbeat_interval, grace_period)
    return results(spec, study_name)


def _run_worker_processes(spec: str, study_name: str, n: int, save_dir: str | None, heartbeat_interval: float,
                          grace_period: float) -> None:
    # Fresh interpreters running the cluster CLI: spawn-like (never fork under torch), and unlike
    # multiprocessing's spawn they do not re-import the caller's __main__, so this works from a
    # notebook, a script without a main guard, or stdin.
    cmd = [sys.executable, "-m", "neurogym_lite.agents.population", "worker", "--storage", spec, "--study",
           study_name, "--heartbeat", str(heartbeat_interval), "--grace", str(grace_period)]
    if save_dir is not None:
        cmd += ["--save-dir", save_dir]
    # The workers' own output (Optuna's log of each run, warnings, a failed run's traceback, which is
    # also in the study) goes to a file beside the journal, not into the caller's notebook.
    log_path = None if "://" in spec else Path(spec + ".log")
    with contextlib.ExitStack() as stack:
        log = stack.enter_context(open(log_path, "ab")) if log_path else None
        procs = [subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT if log else None) for _ in range(n)]
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
