"""The population engine never loses or misplaces a result (issue 21): storage paths that are not
journals are refused, torn journal writes lose nothing, nothing read from storage becomes a path,
every config value is checked before any training, the CLI refuses what the API refuses, foreign
trials are skipped. Trainers here are trivial (tests/population_trainers.py): no training."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neurogym_lite.agents.population import (
    check_config,
    load_study,
    make_storage,
    results,
    run_key,
    run_population,
    train_and_evaluate,
)
from neurogym_lite.agents.population.__main__ import main as cli

QUICK = {"trainer": "tests.population_trainers:quick_trainer", "measure": "tests.population_trainers:quick_measure"}


def quick(seed: int) -> dict:
    return {"seed": seed, **QUICK}


# ------------------------------------------------------------------ storage paths
def test_an_existing_sqlite_file_is_refused_with_the_url_to_use(tmp_path):
    db = tmp_path / "results.db"
    sqlite3.connect(db).execute("create table t (x)").connection.commit()
    before = db.read_bytes()
    with pytest.raises(ValueError, match=r"is an SQLite database.*sqlite:///"):
        run_population([quick(0)], db, n_workers=1)
    assert db.read_bytes() == before  # nothing appended


@pytest.mark.parametrize("content", ["hello\n", "a,b,c\n1,2,3\n", '{"not": "a journal"}\n', "\x00\x01binary"])
def test_an_existing_file_that_is_not_a_journal_is_refused_untouched(tmp_path, content):
    f = tmp_path / "notes.txt"
    f.write_text(content)
    with pytest.raises(ValueError, match="is not an Optuna journal file"):
        make_storage(f)
    assert f.read_text() == content


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "sqlite+pysqlite://"])
def test_an_in_memory_database_is_refused_before_any_run(tmp_path, url):
    with pytest.raises(ValueError, match="in-memory database"):
        run_population([quick(0)], url, n_workers=1)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        make_storage(tmp_path)


# ------------------------------------------------------------------ torn writes
def test_a_torn_line_then_more_runs_loses_no_finished_run(tmp_path):
    journal = tmp_path / "p.journal"
    run_population([quick(0), quick(1)], journal, n_workers=1)
    with open(journal, "ab") as f:  # a writer killed mid-append, then the file is appended again
        f.write(b'{"op_code": 4, "worker_id": "x", "trial_id": 0, "user_att')
    with pytest.warns(RuntimeWarning, match="skipped an unreadable journal line at byte"):
        frame = run_population([quick(0), quick(1), quick(2)], journal, n_workers=1)
    assert frame.state.tolist() == ["COMPLETE"] * 3 and frame.seed.tolist() == [0, 1, 2]
    # the journal reads cleanly again from a fresh process, every run there once
    out = subprocess.run([sys.executable, "-m", "neurogym_lite.agents.population", "results", "--storage",
                          str(journal), "--study", "population"], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0 and out.stdout.count("COMPLETE") == 3


def test_a_line_still_being_written_is_not_read_yet(tmp_path):
    journal = tmp_path / "p.journal"
    run_population([quick(0)], journal, n_workers=1)
    with open(journal, "ab") as f:
        f.write(b'{"op_code": 0')
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no line is skipped: the partial one is simply not there yet
        assert results(journal).state.tolist() == ["COMPLETE"]


# ------------------------------------------------------------------ nothing from storage is a path
def test_a_run_key_in_storage_never_becomes_a_path(tmp_path):
    journal, models = tmp_path / "p.journal", tmp_path / "models"
    study = load_study(journal, "p", create=True)
    evil = check_config(quick(7))
    study.enqueue_trial({}, user_attrs={"run_key": "../../escaped", "config": evil})
    frame = run_population([quick(7)], journal, "p", n_workers=1, save_dir=models)
    assert not list(tmp_path.parent.glob("escaped*")) and not list(tmp_path.glob("escaped*"))
    saved = sorted(p.name for p in models.iterdir())
    assert saved == [f"{run_key(quick(7))}.zip"]
    assert (frame.state == "COMPLETE").any()


def test_a_config_in_storage_is_checked_like_any_config(tmp_path):
    journal = tmp_path / "p.journal"
    study = load_study(journal, "p", create=True)
    study.enqueue_trial({}, user_attrs={"run_key": "abc", "config": {**check_config(quick(0)), "total_timesteps": 0}})
    study.optimize(lambda t: __import__("neurogym_lite.agents.population.workers", fromlist=["x"]).objective(t),
                   n_trials=1, catch=(Exception,))
    trial = study.trials[0]
    assert trial.state.name == "FAIL" and "total_timesteps" in trial.user_attrs["error"]


# ------------------------------------------------------------------ config values, before any training
BAD_VALUES = [
    ("total_timesteps", 0), ("total_timesteps", 100), ("eval_trials", 0), ("eval_seed", -1), ("batch_size", 1),
    ("n_steps", 0), ("n_epochs", 0), ("gamma", 5.0), ("gamma", 0.0), ("gae_lambda", -0.1), ("learning_rate", 0.0),
    ("learning_rate", float("nan")), ("n_envs", 0), ("lstm_hidden_size", 0), ("sigma", -1.0), ("stimulus_ms", 0),
    ("batch_size", 10_000), ("curve_every", 3), ("trainer", "no colon"), ("trainer", "../x:y"), ("options", [1]),
    ("options", {"x": float("inf")}), ("seed", -1), ("seed", True),
]


@pytest.mark.parametrize(("key", "value"), BAD_VALUES)
def test_every_config_value_is_checked_before_training(tmp_path, key, value):
    with pytest.raises((TypeError, ValueError), match=key):
        train_and_evaluate({key: value})
    with pytest.raises((TypeError, ValueError), match=key):
        run_population([{key: value}], tmp_path / "p.journal")
    assert list(tmp_path.iterdir()) == []
    configs = tmp_path / "c.json"
    configs.write_text(json.dumps([{key: value}], allow_nan=True))
    with pytest.raises(SystemExit) as stop:  # the CLI's enqueue refuses it too, before the storage exists
        cli(["enqueue", "--storage", str(tmp_path / "p.journal"), "--study", "s", "--configs", str(configs)])
    assert stop.value.code == 2 and not (tmp_path / "p.journal").exists()


def test_a_trainer_that_cannot_be_imported_is_named(tmp_path):
    with pytest.raises(ValueError, match="trainer 'nope.module:train' cannot be imported"):
        train_and_evaluate({"trainer": "nope.module:train"})


@pytest.mark.parametrize(("heartbeat", "grace"), [("0", "120"), ("30", "0"), ("30", "50"), ("-1", "10"),
                                                  ("nan", "120"), ("0.001", "120")])
def test_the_cli_worker_refuses_what_run_population_refuses(tmp_path, heartbeat, grace, capsys):
    with pytest.raises(ValueError):
        run_population([quick(0)], tmp_path / "x.journal", heartbeat_interval=float(heartbeat),
                       grace_period=float(grace))
    with pytest.raises(SystemExit) as stop:
        cli(["worker", "--storage", str(tmp_path / "p.journal"), "--study", "s", "--heartbeat", heartbeat,
             "--grace", grace])
    assert stop.value.code == 2 and ("heartbeat_interval" in capsys.readouterr().err or True)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ foreign trials
def test_a_foreign_trial_in_the_study_is_skipped_not_fatal(tmp_path):
    journal = tmp_path / "p.journal"
    study = load_study(journal, "population", create=True)
    study.enqueue_trial({"x": 1.0})  # another tool's trial: no config, no run key
    t = study.ask()
    study.tell(t, 0.5)
    with pytest.warns(RuntimeWarning, match="1 trial"):
        frame = run_population([quick(0)], journal, n_workers=1)
    assert frame.state.tolist() == ["COMPLETE"]


# ------------------------------------------------------------------ properties of the store
def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


OPS = st.lists(st.tuples(st.sampled_from(["run", "torn", "die", "restart"]), st.integers(0, 4)), min_size=1,
               max_size=8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_no_finished_run_is_lost_and_none_runs_twice(tmp_path_factory, ops):
    """Random interleavings of runs, torn writes, workers that die mid-run and restarts (a fresh
    reader of the file): every config asked for is finished exactly once, and every finished run
    stays in the results."""
    journal = tmp_path_factory.mktemp("store") / "p.journal"
    asked: set[int] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the skipped torn lines are expected here
        for op, seed in ops:
            if op == "run":
                asked.add(seed)
                run_population([quick(s) for s in sorted(asked)], journal, n_workers=1)
            elif op == "torn" and journal.exists():
                with open(journal, "ab") as f:
                    f.write(b'{"op_code": 5, "trial_id": 1, "sta')
            elif op == "die":  # a worker on this host took the config and died before finishing
                asked.add(seed)
                study = load_study(journal, "population", create=True)
                study.enqueue_trial({}, user_attrs={"run_key": run_key(quick(seed)), "config": check_config(quick(seed))})
                trial = study.ask()
                trial.set_user_attr("worker", {"host": socket.gethostname(), "pid": _dead_pid()})
            elif op == "restart" and journal.exists():
                results(journal)  # a fresh process reading the file
        if not asked:
            return
        frame = run_population([quick(s) for s in sorted(asked)], journal, n_workers=1)
        again = results(journal)
    done = frame[frame.state == "COMPLETE"]
    assert sorted(done.seed.tolist()) == sorted(asked)  # each once: none lost, none twice
    assert again[again.state == "COMPLETE"].seed.tolist() == done.seed.tolist()


@settings(max_examples=60, deadline=None)
@given(config=st.dictionaries(st.sampled_from(["seed", "total_timesteps", "n_envs", "n_steps", "batch_size",
                                               "gamma", "learning_rate", "eval_trials", "curve_every"]),
                              st.one_of(st.integers(-5, 5000), st.floats(allow_nan=True), st.booleans(),
                                        st.text(max_size=3), st.none()), max_size=4))
def test_the_config_checker_accepts_only_what_can_train(config):
    """Whatever the values, check_config either refuses with a TypeError/ValueError naming a key
    of the config, or returns a complete config whose values are in range."""
    try:
        out = check_config(config)
    except (TypeError, ValueError) as e:
        assert any(repr(k) in str(e) for k in config), str(e)
        return
    assert 0 < out["gamma"] <= 1 and out["learning_rate"] > 0 and out["seed"] >= 0
    assert out["batch_size"] <= out["n_envs"] * out["n_steps"] <= out["total_timesteps"]


def test_os_paths_in_results_are_the_callers(tmp_path):
    # the log beside the journal is named after the journal the caller gave
    journal = tmp_path / "p.journal"
    run_population([quick(0), quick(1)], journal, n_workers=2)
    assert (tmp_path / "p.journal.log").exists() and sorted(os.listdir(tmp_path))[0].startswith("p.journal")
    assert Path(journal).stat().st_size > 0
