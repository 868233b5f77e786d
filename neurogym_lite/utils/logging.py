"""NeuroGym's ``neurogym.utils.logging.logger``, as a standard :mod:`logging` logger.

NeuroGym's tasks and templates log through ``logger.info(...)``, ``logger.warning(...)``; here that
is the ``neurogym_lite`` logger of Python's :mod:`logging` (silent until you configure logging,
e.g. ``logging.basicConfig(level=logging.INFO)``).
"""

from __future__ import annotations

import logging as _logging

__all__ = ["logger"]

logger = _logging.getLogger("neurogym_lite")
