"""Trainers and measures for the population engine's tests: trivial (no training), so the engine's
bookkeeping can be tested in milliseconds; the worker processes import them by path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch


class TinyModel:
    """What the engine needs of a model: a policy's state_dict (for the weights digest) and save."""

    def __init__(self, seed: int) -> None:
        torch.manual_seed(seed)
        self.policy = torch.nn.Linear(2, 1)

    def save(self, path: str) -> None:
        Path(path).write_text(json.dumps({"weight": self.policy.weight.tolist()}))


def quick_trainer(config: dict[str, Any]) -> tuple[TinyModel, dict[str, Any]]:
    return TinyModel(config["seed"]), {}


def quick_measure(model: TinyModel, config: dict[str, Any]) -> dict[str, Any]:
    return {"accuracy": float(model.policy.weight.detach().abs().mean()), "seed_seen": config["seed"]}


def raising_trainer(config: dict[str, Any]) -> Any:
    raise RuntimeError("this trainer always fails (a test of failed runs)")


def slow_trainer(config: dict[str, Any]) -> tuple[TinyModel, dict[str, Any]]:
    import time

    time.sleep(float(config["options"].get("sleep", 30)))
    return TinyModel(config["seed"]), {}
