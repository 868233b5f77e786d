"""One vocabulary for checking arguments, used by every public function of the package.

Every check names the argument and says what was expected, in the same words everywhere:
``TypeError`` when the kind of value is wrong (a string where numbers were expected, a float
where an integer was), ``ValueError`` when the kind is right but the value is not (a negative
count, a probability of 2, arrays of different lengths). Each check returns the value in the
form the caller goes on with (``int``, ``float``, a numpy array), so a function checks and
converts its arguments in one line each, before it does any work.

numpy would silently turn ``"abc"``, ``True`` or ``None`` into numbers or object arrays; these
checks refuse them instead (booleans are not numbers here, except in :func:`check_binary`).
"""

from __future__ import annotations

import math
import operator
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "check_array",
    "check_binary",
    "check_bool",
    "check_choice",
    "check_counts",
    "check_file_name",
    "check_int",
    "check_labels",
    "check_level",
    "check_mapping",
    "check_numbers",
    "check_positive",
    "check_real",
    "check_same_length",
    "is_int",
    "is_real",
]


def is_int(x: Any) -> bool:
    """An integer (Python or numpy), not a bool."""
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def is_real(x: Any) -> bool:
    """A real number (Python or numpy int or float), not a bool."""
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def _int_words(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"an integer between {minimum} and {maximum}"
    if minimum is not None:
        return f"an integer >= {minimum}"
    if maximum is not None:
        return f"an integer <= {maximum}"
    return "an integer"


def check_int(name: str, value: Any, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an ``int`` (any integer type, or an object with ``__index__``; never a bool
    or a float), inside ``[minimum, maximum]``."""
    words = _int_words(minimum, maximum)
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be {words}, got {value!r}")
    try:
        out = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be {words}, got {value!r:.80}") from None
    if (minimum is not None and out < minimum) or (maximum is not None and out > maximum):
        raise ValueError(f"{name} must be {words}, got {out!r}")
    return int(out)


def check_bool(name: str, value: Any) -> bool:
    """``value`` as a ``bool``; only ``True``/``False`` (or numpy's) are accepted, so that
    ``"no"`` or ``0`` never pass as a switch."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r:.80}")
    return bool(value)


def _interval(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        if low_open and high_open:
            return f"strictly between {low:g} and {high:g}"
        left = ">" if low_open else ">="
        right = "<" if high_open else "<="
        return f"{left} {low:g} and {right} {high:g}"
    if low is not None:
        return f"{'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"{'<' if high_open else '<='} {high:g}"
    return "finite"


def check_real(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = True,
) -> float:
    """``value`` as a ``float``: a real number (not a bool, not a string), finite unless
    ``finite=False``, inside the interval given by ``low``/``high`` (closed unless
    ``low_open``/``high_open``)."""
    where = _interval(low, high, low_open, high_open)
    words = "a number" if where == "finite" else f"a number {where}"
    if not is_real(value):
        raise TypeError(f"{name} must be {words}, got {value!r:.80}")
    v = float(value)
    if math.isnan(v) or (finite and math.isinf(v)):
        raise ValueError(f"{name} must be a finite number{'' if where == 'finite' else ' ' + where}, got {value!r}")
    if low is not None and (v < low or (low_open and v == low)):
        raise ValueError(f"{name} must be {words}, got {value!r}")
    if high is not None and (v > high or (high_open and v == high)):
        raise ValueError(f"{name} must be {words}, got {value!r}")
    return v


def check_positive(name: str, value: Any) -> float:
    """A finite number > 0."""
    return check_real(name, value, low=0.0, low_open=True)


def check_level(value: Any, name: str = "level") -> float:
    """A confidence level strictly between 0 and 1 (``0.95``, not ``95``)."""
    if not is_real(value):
        raise TypeError(f"{name} must be a number between 0 and 1 (e.g. 0.95), got {value!r:.80}")
    v = float(value)
    if not 0 < v < 1:
        raise ValueError(f"{name} must be between 0 and 1 (e.g. 0.95), got {value!r}")
    return v


def check_choice(name: str, value: Any, options: Sequence[Any]) -> Any:
    """``value`` if it is one of ``options`` (compared with ``==``; a value of another type
    than every option is a ``TypeError``)."""
    try:
        ok = value in options
    except TypeError:
        ok = False
    if ok:
        return value
    kinds = {type(o) for o in options}
    err = ValueError if any(isinstance(value, k) for k in kinds) else TypeError
    raise err(f"{name} must be one of {', '.join(repr(o) for o in options)}; got {value!r:.80}")


def check_mapping(name: str, value: Any, what: str = "a dict") -> Mapping[Any, Any]:
    """A mapping (a dict); ``what`` describes the expected contents in the message."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__} {value!r:.80}")
    return value


def _refuse_non_numbers(name: str, x: Any) -> None:
    if x is None or isinstance(x, (str, bytes, Mapping)):
        raise TypeError(f"{name} must be numbers, got {type(x).__name__} {x!r:.80}")


def check_numbers(name: str, value: Any) -> np.ndarray:
    """A number or a flat sequence of numbers, as a 1-D float array."""
    _refuse_non_numbers(name, value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iuf":
            raise TypeError(f"{name} must be numbers, got an array of dtype {value.dtype}")
        return np.atleast_1d(value.astype(float)).ravel()
    items = list(value) if isinstance(value, (list, tuple, range)) else [value]
    if not all(is_real(v) for v in items):
        raise TypeError(f"{name} must be a number or a list of numbers, got {value!r:.80}")
    return np.asarray(items, dtype=float)


def check_array(
    name: str,
    x: Any,
    *,
    ndim: int | None = None,
    finite: bool = False,
    min_size: int = 0,
) -> np.ndarray:
    """``x`` as a float array: numbers only (no strings, booleans, ``None`` or ragged lists),
    of ``ndim`` dimensions if given, all finite if ``finite``, with at least ``min_size``
    entries."""
    _refuse_non_numbers(name, x)
    if isinstance(x, np.ndarray):
        arr = x
    else:
        try:
            arr = np.asarray(x)
        except ValueError:  # ragged nested lists
            raise TypeError(f"{name} must be a regular array of numbers, got {x!r:.80}") from None
    if arr.dtype == object:
        flat = arr.ravel().tolist()
        if not all(is_real(v) for v in flat):
            raise TypeError(f"{name} must be numbers (not strings, booleans or None), got {x!r:.80}")
    elif arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be numbers, got an array of dtype {arr.dtype}")
    arr = arr.astype(float)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} entries, got {arr.size}")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def check_binary(name: str, x: Any) -> np.ndarray:
    """A 1-D array of 0/1 or False/True, as a bool array."""
    if x is None or isinstance(x, (str, bytes, Mapping)):
        raise TypeError(f"{name} must be 0/1 or False/True values, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except ValueError:
        raise TypeError(f"{name} must be 0/1 or False/True values, got {x!r:.80}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be 0/1 or False/True values, got an array of dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must hold only 0/1 or False/True, got values {np.unique(arr)[:5]}")
    return arr.astype(bool)


def check_same_length(**arrays: Any) -> int:
    """All arrays have one entry per trial; returns that number."""
    lengths = {k: len(v) for k, v in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"arguments must have one entry per trial, got lengths {lengths}")
    return next(iter(lengths.values()), 0)


def check_counts(n_correct: Any, n_total: Any, *, k_name: str = "n_correct",
                 n_name: str = "n_total") -> tuple[np.ndarray, np.ndarray]:
    """Binomial counts per condition: ``n_total`` positive integers, ``n_correct`` integers
    between 0 and ``n_total``; both 1-D of the same length."""
    k = check_array(k_name, n_correct, ndim=1)
    n = check_array(n_name, n_total, ndim=1)
    if k.shape != n.shape:
        raise ValueError(f"{k_name} and {n_name} must have the same length, got {k.size} and {n.size}")
    if not (np.all(np.isfinite(n)) and np.all(np.isfinite(k))):
        raise ValueError(f"{k_name} and {n_name} must be finite trial counts (no NaN or inf)")
    if np.any(n <= 0) or np.any(k < 0) or np.any(k > n) or np.any(k != np.round(k)) or np.any(n != np.round(n)):
        raise ValueError(f"{n_name} must be positive integers and {k_name} integers between 0 and {n_name}")
    return k, n


def check_file_name(name: str, value: Any) -> str:
    """A plain file name, to be joined to a folder the caller chose: not empty, no folder
    separators, not ``.``/``..``, not absolute. Anything read from storage or given as a
    name must pass this before it becomes part of a path."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a file name (a string), got {type(value).__name__} {value!r:.80}")
    seps = {"/", "\\", os.sep} | ({os.altsep} if os.altsep else set())
    if (not value or value in (".", "..") or any(s in value for s in seps) or "\x00" in value
            or os.path.isabs(value)):
        raise ValueError(f"{name} must be a plain file name (no folders, not '.' or '..'), got {value!r:.80}")
    return value


def check_labels(name: str, x: Any) -> np.ndarray:
    """A 1-D array of condition labels (numbers, strings, any hashable values), one per trial."""
    if x is None or isinstance(x, (str, bytes, Mapping)) or np.ndim(x) == 0:
        raise TypeError(f"{name} must be a 1-D sequence of labels (one per trial), got {type(x).__name__} {x!r:.80}")
    try:
        arr = np.asarray(x, dtype=object)
    except ValueError:
        raise TypeError(f"{name} must be a 1-D sequence of labels, got {x!r:.80}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    return arr
