"""Torch on one thread for small recurrent networks run step by step."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

__all__ = [
    "one_torch_thread",
]


@contextlib.contextmanager
def one_torch_thread() -> Iterator[None]:
    """Torch on one thread inside the block, the caller's setting restored on exit. A small LSTM
    run step by step is several times faster on one thread, most of all on a busy machine; the
    population's worker processes train on one thread each for the same reason."""
    try:
        import torch
    except ImportError:  # pragma: no cover - torch comes with stable-baselines3
        yield
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
