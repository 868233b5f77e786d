"""Batches of whole trials for supervised learning, as NeuroGym's ``Dataset`` makes them.

A supervised network is not rewarded for its actions: it is shown the task's inputs and told
the correct action (the ground truth) at every step, and trained with cross-entropy. Trial-based
tasks already build each trial's observations and ground truth as arrays
(:meth:`TrialEnv.new_trial`, ``env.ob``, ``env.gt``), so a batch is those arrays laid end to end::

    dataset = Dataset("PerceptualDecisionMaking-v0", env_kwargs={"dt": 100}, batch_size=16, seq_len=100)
    inputs, targets = dataset()   # (100, 16, 3) float32, (100, 16) int64

Each batch column is one copy of the task producing an endless stream of trials; consecutive
calls return consecutive stretches of every column's stream, so a trial cut at the end of one
batch goes on at the start of the next.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping
from typing import Any

import gymnasium as gym
import numpy as np

from neurogym_lite.utils.validation import check_int

__all__ = ["Dataset"]

_DEFAULT_SEQ_LEN = 1000  # NeuroGym's default too
#: Most batch columns (each is a copy of the task): raise it with ``neurogym_lite.tasks.dataset.MAX_BATCH_SIZE = ...``.
MAX_BATCH_SIZE = 65_536
#: Most numbers in one batch's inputs (2**28 float32 = 1 GiB): batch_size x seq_len x observation size.
MAX_BATCH_ELEMENTS = 2**28


def _int_at_least(name: str, value: Any, minimum: int) -> int:
    return check_int(name, value, minimum)


def _positive_int(name: str, value: Any) -> int:
    return check_int(name, value, 1)


# Wrappers that leave the observations as the task makes them: a batch read from the task's own
# trial arrays is what the wrapped env would show.
_TRANSPARENT = ("OrderEnforcing", "PassiveEnvChecker", "TimeLimit", "Monitor", "RecordEpisodeStatistics")


def _wrapper_chain(env: gym.Env) -> list[Any]:
    chain = [env]
    while isinstance(chain[-1], gym.Wrapper):
        chain.append(chain[-1].env)
    return chain


def _check_task(env: gym.Env) -> None:
    """Refuse envs whose batches would not be what the agent of that env sees."""
    from neurogym_lite.wrappers import PassReward

    task = env.unwrapped
    if not all(hasattr(type(task), a) for a in ("new_trial", "ob", "gt")):
        raise TypeError(
            f"Dataset needs a trial-based task that builds whole trials (a neurogym_lite TrialEnv with "
            f"new_trial(), ob and gt); {type(task).__name__} is not one"
        )
    for layer in _wrapper_chain(env):
        if isinstance(layer, PassReward):
            raise ValueError(
                "Dataset cannot use an env wrapped in PassReward: PassReward shows the reward earned by "
                "the agent's previous action, and a supervised batch has no actions, so there is no reward "
                "to show. Build the task without it: make_env(task, pass_reward=False) or gymnasium.make(task)"
            )
    if env.observation_space != task.observation_space:
        raise ValueError(
            f"Dataset reads each trial's observations from the task itself, but {env} changes its "
            f"observation space ({task.observation_space} -> {env.observation_space}); pass the task "
            "without observation-changing wrappers"
        )
    for layer in _wrapper_chain(env)[:-1]:
        if not isinstance(layer, gym.ObservationWrapper) and type(layer).__name__ not in _TRANSPARENT:
            raise ValueError(
                f"Dataset reads each trial's observations from the task itself and cannot tell what the "
                f"wrapper {type(layer).__name__} does to them; use a gymnasium.ObservationWrapper (its "
                "observation() is applied to every step) or pass the task without it"
            )


def _check_size(env: gym.Env, batch_size: int, seq_len: int) -> None:
    obs_size = int(np.prod(env.unwrapped.observation_space.shape or (1,)))
    if batch_size * seq_len * obs_size > MAX_BATCH_ELEMENTS:
        raise ValueError(
            f"a batch of batch_size={batch_size} x seq_len={seq_len} x {obs_size} inputs holds "
            f"{batch_size * seq_len * obs_size:,} numbers, beyond MAX_BATCH_ELEMENTS={MAX_BATCH_ELEMENTS:,} "
            "(1 GiB of float32); use shorter sequences or smaller batches")


def _observation_wrappers(env: gym.Env) -> list[Any]:
    """The env's ObservationWrappers, innermost first: applied to every step of a batch."""
    return [layer for layer in _wrapper_chain(env)[:-1] if isinstance(layer, gym.ObservationWrapper)][::-1]


class Dataset:
    """Turn a trial-based task into batches of ``(inputs, targets)`` for supervised learning.

    Same arguments and outputs as NeuroGym's ``neurogym.Dataset``, so its supervised examples run
    unchanged. Each call (``dataset()``, or ``next(dataset)``) returns

    - ``inputs``: float32 array ``(seq_len, batch_size, obs_dim)`` (the task's observations),
    - ``targets``: int64 array ``(seq_len, batch_size)`` (the correct action at each step),

    or ``(batch_size, seq_len, ...)`` with ``batch_first=True``. Each is a new array: a batch
    you keep is never overwritten by a later call (NeuroGym returns views of a cache that later
    calls refill).

    Args:
        env: a task id (built with ``gymnasium.make(env, **env_kwargs)``) or an env instance
            (deep-copied once per batch column; the instance itself is left untouched). It must be
            a trial-based task (:class:`neurogym_lite.TrialEnv`) and must not be wrapped in
            :class:`~neurogym_lite.wrappers.PassReward`: that wrapper shows the reward of the
            agent's previous action, and supervised batches have no actions.
        env_kwargs: keyword arguments of the task, when ``env`` is an id.
        batch_size: number of sequences per batch (default 1).
        seq_len: steps per sequence (default 1000, as NeuroGym).
        max_batch: how many batches iterating over the dataset gives before ``StopIteration``
            (default: endless). Calling ``dataset()`` ignores it.
        batch_first: return ``(batch, seq_len, ...)`` arrays (for ``batch_first=True`` networks).
        cache_len: accepted for NeuroGym compatibility; has no effect (batches are made on demand,
            see below).
        seed: seeds the batch columns (their seeds are spawned from it with
            ``numpy.random.SeedSequence``, so two datasets with different seeds share no column).
            Two datasets with the same seed give identical batches. ``None``: fresh randomness.

    Semantics: column ``i`` is one copy of the task, reset with its own seed; its stream of
    trials is the trial the reset made, then one trial per ``new_trial()`` — the trials the same
    env would give an agent that always answers correctly. Calls return consecutive stretches of
    that stream (a trial cut at the end of a batch continues in the next batch; NeuroGym does this
    too except at its cache boundaries, where it drops the rest of the trial). ``dataset(**kw)``
    passes ``kw`` to every trial started during that call (e.g. ``dataset(coh=0.0)``).

    ``dataset.env`` is the first column's task, bare (so that ``env.new_trial()``, ``env.ob`` and
    ``env.gt`` work as in NeuroGym's examples) when ``env`` was an id, as given (deep-copied)
    otherwise.
    """

    def __init__(
        self,
        env: str | gym.Env,
        env_kwargs: Mapping[str, Any] | None = None,
        batch_size: int = 1,
        seq_len: int | None = None,
        max_batch: float = math.inf,
        batch_first: bool = False,
        cache_len: int | None = None,
        seed: int | None = None,
    ) -> None:
        batch_size = _positive_int("batch_size", batch_size)
        seq_len = _DEFAULT_SEQ_LEN if seq_len is None else _positive_int("seq_len", seq_len)
        if max_batch != math.inf:
            max_batch = _positive_int("max_batch", max_batch)
        if not isinstance(batch_first, (bool, np.bool_)):
            raise TypeError(f"batch_first must be True or False, got {batch_first!r}")
        if cache_len is not None:
            _positive_int("cache_len", cache_len)
        if env_kwargs is not None and not isinstance(env_kwargs, Mapping):
            raise TypeError(f"env_kwargs must be a dict of the task's keyword arguments, got {env_kwargs!r}")
        if batch_size > MAX_BATCH_SIZE:
            raise ValueError(f"batch_size={batch_size} is beyond MAX_BATCH_SIZE={MAX_BATCH_SIZE:,} columns (each a copy "
                             "of the task); raise neurogym_lite.tasks.dataset.MAX_BATCH_SIZE if you mean it")

        if isinstance(env, str):
            kwargs = dict(env_kwargs or {})
            from neurogym_lite import make_env

            # make_env, not gymnasium.make: an unknown id gets a ValueError listing the tasks.
            first = make_env(env, pass_reward=False, **kwargs)
            _check_task(first)
            _check_size(first, batch_size, seq_len)
            envs = [first.unwrapped] + [make_env(env, pass_reward=False, **kwargs).unwrapped
                                        for _ in range(batch_size - 1)]
        elif isinstance(env, gym.Env):
            if env_kwargs:
                raise ValueError("env_kwargs only apply when env is a task id; this env is already built")
            _check_task(env)
            _check_size(env, batch_size, seq_len)
            envs = [copy.deepcopy(env) for _ in range(batch_size)]
        else:
            raise TypeError(
                f"env must be a task id such as 'PerceptualDecisionMaking-v0' or a gymnasium env, got {env!r}"
            )

        self._wrappers = _observation_wrappers(env) if isinstance(env, gym.Env) else []
        self.envs: list[gym.Env] = envs
        self.env: gym.Env = envs[0]
        self._tasks: list[Any] = [e.unwrapped for e in envs]
        self.batch_size = batch_size
        self.seq_len = seq_len
        self.max_batch = max_batch
        self.batch_first = bool(batch_first)
        self.cache_len = cache_len
        task = self._tasks[0]
        self._obs_shape: tuple[int, ...] = tuple(task.observation_space.shape or ())
        self._obs_dtype = np.dtype(task.observation_space.dtype or np.float32)
        self._i_batch = 0
        self.seed(seed)

    # ------------------------------------------------------------------ seeding
    def seed(self, seed: int | None = None) -> None:
        """Reseed every column and start fresh streams (what the constructor's ``seed`` does)."""
        if seed is not None:
            seed = _int_at_least("seed", seed, 0)
        # Spawned, not seed + i: with seed + i, Dataset(seed=1)'s columns would be Dataset(seed=0)'s
        # shifted by one, and a "test set" built with the next seed would repeat the training trials.
        children = np.random.SeedSequence(seed).spawn(self.batch_size)
        self._pending: list[tuple[np.ndarray, np.ndarray] | None] = []
        for task, child in zip(self._tasks, children, strict=True):
            task.reset(seed=int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)))
            # The trial made by reset is the first of the column's stream.
            self._pending.append((task.ob, task.gt))

    # ------------------------------------------------------------------ batches
    def __call__(self, **kwargs: Any) -> tuple[np.ndarray, np.ndarray]:
        """The next batch ``(inputs, targets)``; ``kwargs`` go to every trial started meanwhile."""
        return self._make_batch(kwargs)

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        return self

    def __next__(self) -> tuple[np.ndarray, np.ndarray]:
        self._i_batch += 1
        if self._i_batch > self.max_batch:
            self._i_batch = 0  # as NeuroGym: the dataset can be iterated over again
            raise StopIteration
        return self._make_batch({})

    def _make_batch(self, kwargs: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        # A call that raises (a bad trial parameter, at any column) leaves every column's stream
        # where it was: the generators and the pending trial parts are restored.
        saved = [(t.np_random.bit_generator.state, p) for t, p in zip(self._tasks, self._pending, strict=True)]
        try:
            inputs, targets = self._fill(kwargs)
        except BaseException:
            for task, (state, _) in zip(self._tasks, saved, strict=True):
                task.np_random.bit_generator.state = state
            self._pending = [p for _, p in saved]
            raise
        for wrapper in self._wrappers:  # what the wrapped env shows, step by step
            flat = inputs.reshape(-1, *self._obs_shape)
            inputs = np.stack([np.asarray(wrapper.observation(ob), dtype=self._obs_dtype) for ob in flat]).reshape(
                inputs.shape)
        if self.batch_first:
            return inputs, targets
        return np.ascontiguousarray(inputs.swapaxes(0, 1)), np.ascontiguousarray(targets.swapaxes(0, 1))

    def _fill(self, kwargs: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        n = self.seq_len
        # Built batch-first (each column contiguous, cheap to fill trial by trial), transposed at
        # the end for the time-first layout.
        inputs = np.empty((self.batch_size, n, *self._obs_shape), dtype=self._obs_dtype)
        targets: np.ndarray | None = None
        for i, task in enumerate(self._tasks):
            pending = self._pending[i]
            pos = 0
            new_trial = task.new_trial
            while True:
                if pending is None:
                    new_trial(**kwargs)
                    ob, gt = task.ob, task.gt
                else:
                    ob, gt = pending
                    pending = None
                if targets is None:
                    targets = np.empty((self.batch_size, n, *gt.shape[1:]), dtype=gt.dtype)
                k = ob.shape[0]
                end = pos + k
                if end >= n:
                    take = n - pos
                    inputs[i, pos:] = ob[:take]
                    targets[i, pos:] = gt[:take]
                    if take < k:  # the rest of this trial opens the column's next batch
                        pending = (ob[take:], gt[take:])
                    break
                inputs[i, pos:end] = ob
                targets[i, pos:end] = gt
                pos = end
            self._pending[i] = pending
        assert targets is not None
        return inputs, targets

    def __repr__(self) -> str:
        task = self._tasks[0]
        name = task.spec.id if task.spec is not None else type(task).__name__
        return (f"Dataset({name!r}, batch_size={self.batch_size}, seq_len={self.seq_len}, "
                f"batch_first={self.batch_first})")
