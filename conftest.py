"""Test-suite settings shared by tests/ and the notebooks run under nbval."""

import os

# Notebooks executed by nbval inherit this: the small CI budget (see neurogym_lite/budget.py).
os.environ.setdefault("NEUROGYM_LITE_SMOKE", "1")
