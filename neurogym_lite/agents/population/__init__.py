"""Many networks: train a population of agents, or a hyperparameter sweep, on Optuna.

One trained network is an anecdote; papers report populations (tens of networks per condition) and
sweeps. This module trains each network with the recipe of notebook 2 on the monkey-faithful task
(:mod:`neurogym_lite.agents.recipe`), measures it as notebooks 3 and 4 measure the shipped one, and runs
many such trainings in parallel on `Optuna <https://optuna.org>`_'s storage:

- :func:`train_and_evaluate` trains and measures ONE network from a config dict (a seed,
  hyperparameters, a task variant, the trainer and measure to use: see :data:`CONFIG_KEYS`); a
  plain function, usable on its own (``measures.py``; configs in ``config.py``).
- :func:`run_population` puts the configs not yet done in an Optuna study (a journal file by
  default: one file, no server) and runs them on ``n_workers`` processes, each training one network
  at a time with torch on one thread. Results persist as each network finishes: run it again and
  finished networks are not redone; a network whose worker died is run again; one that raised is
  recorded as failed, with its error, and the others go on.
  (``workers.py``)
- :func:`results` reads a study back as a pandas DataFrame, one row per run (``store.py``, which
  also keeps the journal file safe from torn writes and refuses storages that are not journals).
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

from neurogym_lite.agents.population.config import CONFIG_KEYS, DEFAULTS, check_config, grid, run_key
from neurogym_lite.agents.population.measures import measure, train_and_evaluate, weights_digest
from neurogym_lite.agents.population.store import load_study, make_storage, results
from neurogym_lite.agents.population.workers import objective, run_population, run_worker

__all__ = [
    "CONFIG_KEYS",
    "DEFAULTS",
    "check_config",
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
    "weights_digest",
]
