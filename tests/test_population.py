"""Many networks on Optuna (neurogym_lite.agents.population): the same network serially and through the engine,
failures recorded, sweeps that resume, one torch thread per worker, clear errors.

Budgets are tiny (a few hundred to a few thousand steps per network): the networks barely learn,
but training, evaluation and the engine's bookkeeping are all real.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time

import pytest

from neurogym_lite.agents.population import grid, load_study, results, run_population, train_and_evaluate
from neurogym_lite.agents.population.__main__ import main as cli

TINY = {"total_timesteps": 1024, "eval_trials": 200}
SCALARS = ("accuracy", "fix_break_rate", "p_choice1_at_0", "threshold", "bias", "efficiency", "weights_sha256",
           "eval_sha256")


def same(a, b) -> bool:
    """Equal, with NaN equal to NaN (an untrained network has no psychometric fit)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


@pytest.fixture(scope="module")
def engine_run(tmp_path_factory):
    """Two good networks and one whose trainer raises, through the engine on 2 workers."""
    folder = tmp_path_factory.mktemp("population")
    configs = [{"seed": 0, **TINY}, {"seed": 1, **TINY},
               {"seed": 2, "trainer": "tests.population_trainers:raising_trainer", **TINY}]
    frame = run_population(configs, folder / "engine.journal", "engine", n_workers=2)
    return configs, frame, folder


# The three tests sharing the module's engine run stay on one xdist worker: otherwise each worker
# builds the fixture (a 2-worker population) again.
_ENGINE_RUN = pytest.mark.xdist_group("population_engine_run")


@_ENGINE_RUN
@pytest.mark.slow
def test_same_seed_same_network_serially_and_through_the_engine(engine_run):
    configs, frame, _ = engine_run
    for config in configs[:2]:
        serial = train_and_evaluate(config)
        row = frame[frame.seed == config["seed"]].iloc[0]
        assert row.state == "COMPLETE"
        for key in SCALARS:
            assert same(row[key], serial[key]), key
        for c, acc in serial["accuracy_by_coh"].items():
            assert same(row[f"accuracy@{c}"], acc) and row[f"n@{c}"] == serial["n_by_coh"][c]
    # and the check can fail: another seed is another network
    assert frame.weights_sha256[0] != frame.weights_sha256[1]


@_ENGINE_RUN
@pytest.mark.slow
def test_a_run_that_raises_is_recorded_failed_and_the_others_finish(engine_run):
    _, frame, folder = engine_run
    assert frame.state.tolist() == ["COMPLETE", "COMPLETE", "FAIL"]
    assert "this trainer always fails" in frame.error[2]
    # the workers' own log (Optuna's report of the failure) is beside the journal, not in the caller's output
    assert "this trainer always fails" in (folder / "engine.journal.log").read_text()
    assert frame.error[0] == frame.error[1] == ""
    assert frame.accuracy[:2].notna().all()


@_ENGINE_RUN
@pytest.mark.slow
def test_each_worker_is_another_process_with_torch_on_one_thread(engine_run):
    _, frame, _ = engine_run
    done = frame[frame.state == "COMPLETE"]
    assert (done.torch_threads == 1).all()
    assert os.getpid() not in set(done.pid)


def _kill_a_worker_mid_run(storage, study, config, timeout=120.0):
    """Start a worker on ``config`` (enqueued alone), SIGKILL it once its run is RUNNING."""
    configs = storage.parent / "one.json"
    configs.write_text(json.dumps([config]))
    cli(["enqueue", "--storage", str(storage), "--study", study, "--configs", str(configs)])
    proc = subprocess.Popen([sys.executable, "-m", "neurogym_lite.agents.population", "worker", "--storage", str(storage),
                             "--study", study])
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            frame = results(storage, study)
            if "pid" in frame and ((frame.state == "RUNNING") & frame.pid.notna()).any():
                break
            assert proc.poll() is None, "the worker finished before it could be killed"
            time.sleep(0.02)
        else:
            pytest.fail("the worker never started its run")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.mark.slow
def test_an_interrupted_sweep_restarted_does_not_redo_finished_runs(tmp_path):
    storage = tmp_path / "sweep.journal"
    a, b = {"seed": 0, "total_timesteps": 512, "eval_trials": 100}, {"seed": 1, "total_timesteps": 512, "eval_trials": 100}
    first = run_population([a, b], storage, "sweep", n_workers=1)
    assert first.state.tolist() == ["COMPLETE", "COMPLETE"]
    killed = {"seed": 2, "total_timesteps": 4096, "eval_trials": 100}  # long enough to be caught running
    _kill_a_worker_mid_run(storage, "sweep", killed)
    c = {"seed": 3, "total_timesteps": 512, "eval_trials": 100}
    second = run_population([a, b, killed, c], storage, "sweep", n_workers=1)
    # a and b: still their one trial each, untouched (same trial numbers, same measured training times)
    assert second.iloc[:2][["number", "run_key", "train_seconds"]].equals(first[["number", "run_key", "train_seconds"]])
    runs = second.groupby("run_key").state.apply(list)
    assert sorted(runs.tolist()) == sorted([["COMPLETE"], ["COMPLETE"], ["FAIL", "COMPLETE"], ["COMPLETE"]])
    stale = second[second.state == "FAIL"].iloc[0]
    assert stale.seed == 2 and "stopped without finishing" in stale.error
    # a third call finds everything done and trains nothing
    third = run_population([a, b, killed, c], storage, "sweep", n_workers=1)
    assert third.equals(second)


@pytest.mark.slow
def test_a_run_without_heartbeat_on_another_node_is_retried_a_live_one_is_not(tmp_path):
    storage, config = tmp_path / "nodes.journal", {"seed": 5, "total_timesteps": 512, "eval_trials": 100}
    (tmp_path / "c.json").write_text(json.dumps([config]))
    cli(["enqueue", "--storage", str(storage), "--study", "n", "--configs", str(tmp_path / "c.json")])
    study = load_study(storage, "n")
    trial = study.ask()  # a worker on another node took it
    trial.set_user_attr("worker", {"host": "another-node", "pid": 1})
    trial.set_user_attr("heartbeat", time.time())
    frame = run_population([config], storage, "n", n_workers=1, heartbeat_interval=1, grace_period=10)
    assert frame.state.tolist() == ["RUNNING"]  # alive there: left alone
    trial.set_user_attr("heartbeat", time.time() - 60)  # ... until its heartbeat stops
    frame = run_population([config], storage, "n", n_workers=1, heartbeat_interval=1, grace_period=10)
    assert frame.state.tolist() == ["FAIL", "COMPLETE"]
    assert "another-node" in frame.error[0]


def test_bad_input_gives_a_clear_error_and_leaves_nothing_behind(tmp_path):
    storage = tmp_path / "bad.journal"
    with pytest.raises(ValueError, match="n_workers must be an integer between 1 and"):
        run_population([{"seed": 0}], storage, n_workers=0)
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['learnign_rate'\].*'learning_rate'"):
        run_population([{"seed": 0}, {"learnign_rate": 1e-3}], storage)
    with pytest.raises(ValueError, match="configs is empty"):
        run_population([], storage)
    with pytest.raises(TypeError, match=r"configs\[0\]\['seed'\] must be an integer"):
        run_population([{"seed": 1.5}], storage)
    with pytest.raises(ValueError, match=r"configs\[0\]\['lr_schedule'\] must be one of"):
        run_population([{"lr_schedule": "cosine"}], storage)
    with pytest.raises(TypeError, match="configs must be a list of config dicts"):
        run_population({"seed": 0}, storage)
    with pytest.raises(ValueError, match="grace_period"):
        run_population([{"seed": 0}], storage, heartbeat_interval=60, grace_period=100)
    with pytest.raises(ValueError, match=r"configs\[0\]\['lstm_hidden_size'\] must be an integer between 1"):
        run_population([{"lstm_hidden_size": 0}], storage)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="no study named 'nope'.*does not exist"):
        results(tmp_path / "missing.journal", "nope")
    assert list(tmp_path.iterdir()) == []


def test_grid_is_every_combination_seed_fastest():
    assert grid(seed=range(2), learning_rate=[1e-3, 3e-3]) == [
        {"seed": 0, "learning_rate": 1e-3}, {"seed": 1, "learning_rate": 1e-3},
        {"seed": 0, "learning_rate": 3e-3}, {"seed": 1, "learning_rate": 3e-3}]
    with pytest.raises(ValueError, match="has no values"):
        grid(seed=[])


@pytest.mark.slow
def test_measure_gives_the_shipped_networks_recorded_evaluation():
    """measure() is notebook 3's evaluation: on the shipped network it reproduces what its JSON recorded."""
    from neurogym_lite.agents.population import measure
    from neurogym_lite.agents.pretrained import load_pretrained, pretrained_info

    recorded = pretrained_info()["evaluation"]
    got = measure(load_pretrained(), {"eval_trials": recorded["num_trials"], "eval_seed": recorded["seed"]})
    for c, acc in recorded["accuracy_by_coh"].items():
        assert abs(got["accuracy_by_coh"][f"{float(c):g}"] - acc) < 1e-4
        assert abs(got["z_vs_ideal_by_coh"][f"{float(c):g}"] - recorded["z_vs_ideal_by_coh"][c]) < 0.01
    assert abs(got["fix_break_rate"] - recorded["fixation_break_rate"]) < 1e-5
    assert abs(got["p_choice1_at_0"] - recorded["p_choice1_at_0"]) < 1e-4
    assert got["meets_criterion"] == recorded["meets_criterion"]
    assert 0 < got["threshold"] < 10 and abs(got["bias"]) < 2 and got["fit_error"] == ""


@pytest.mark.slow
def test_the_learning_curve_does_not_change_the_network_it_follows():
    base = {"seed": 3, "total_timesteps": 2048, "eval_trials": 100}
    plain = train_and_evaluate(base)
    followed = train_and_evaluate({**base, "curve_every": 1024, "curve_trials": 50})
    assert followed["weights_sha256"] == plain["weights_sha256"]  # testing during training changes nothing
    assert followed["curve"]["steps"] == [1024, 2048] and len(followed["curve"]["accuracy"]) == 2
    assert followed["curve"]["trials"][1] > followed["curve"]["trials"][0] > 0
    assert "steps_to_criterion" in followed and "curve" not in plain
