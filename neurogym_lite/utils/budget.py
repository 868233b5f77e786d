"""One switch for the notebooks' compute budget.

Readers get the full budget. Continuous integration sets ``NEUROGYM_LITE_SMOKE=1`` (the test
suite's ``conftest.py`` does) so that every notebook still runs end to end, and still trains and
checks a real agent, but with fewer evaluation trials. This is the only place the variable is
read.
"""

from __future__ import annotations

import os
from typing import TypeVar

__all__ = ["ENV_VAR", "describe", "is_smoke_test", "pick"]

ENV_VAR = "NEUROGYM_LITE_SMOKE"
T = TypeVar("T")


def is_smoke_test() -> bool:
    """True when ``NEUROGYM_LITE_SMOKE`` is set to something other than '', '0' or 'false'."""
    return os.environ.get(ENV_VAR, "").strip().lower() not in ("", "0", "false", "no")


def pick(full: T, smoke: T) -> T:
    """``full`` for a reader, ``smoke`` under continuous integration."""
    return smoke if is_smoke_test() else full


def describe() -> str:
    """A one-line statement of the mode, for the notebooks to print."""
    if is_smoke_test():
        return f"Budget: SMOKE TEST ({ENV_VAR} is set): smaller evaluations, same training recipe."
    return f"Budget: full (set {ENV_VAR}=1 for the quick CI version)."
