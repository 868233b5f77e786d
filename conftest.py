"""Test-suite settings shared by tests/ and the notebooks run under nbval."""

import os

# Notebooks executed by nbval inherit this: the small CI budget (see neurogym_lite/utils/budget.py).
os.environ.setdefault("NEUROGYM_LITE_SMOKE", "1")


def pytest_configure(config):
    # `python -m pytest notebooks/NN_name.ipynb` runs a notebook under nbval without comparing its
    # stored outputs (they come from a full-budget run), and a hung cell fails within 15 minutes.
    # Set here rather than in pyproject's addopts, so that pytest without nbval installed still works.
    opt = config.option
    if hasattr(opt, "nbval_lax") and not opt.nbval:
        opt.nbval_lax = True
        if opt.nbval_cell_timeout == 2000:  # nbval's default
            opt.nbval_cell_timeout = 900
