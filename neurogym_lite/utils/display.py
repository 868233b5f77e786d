"""How result objects print: arrays by shape, not element by element.

A dataclass's default ``repr`` prints every array in full, hundreds of lines for a result of a few
thousand trials; :func:`compact_repr` names each field and shows an array as its shape and dtype,
a long list by its length.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

__all__ = ["compact_repr"]


def _short(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array(shape={value.shape}, dtype={value.dtype})"
    if isinstance(value, (list, tuple)) and len(value) > 6:
        return f"{type(value).__name__} of {len(value)}"
    if isinstance(value, dict) and len(value) > 6:
        return f"dict of {len(value)} keys"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def compact_repr(obj: Any) -> str:
    """``ClassName(field=value, ...)`` with arrays shown as their shape and dtype; for dataclasses."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        raise TypeError(f"obj must be a dataclass instance, got {type(obj).__name__}")
    fields = ", ".join(f"{f.name}={_short(getattr(obj, f.name))}" for f in dataclasses.fields(obj) if f.repr)
    return f"{type(obj).__name__}({fields})"
