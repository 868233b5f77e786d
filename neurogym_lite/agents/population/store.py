"""Where a population's results live: an Optuna storage, a journal file by default.

A journal file is one JSON line per change, appended under a file lock; it needs no server and is
the whole database. Two dangers are handled here:

- **Torn writes.** A writer killed mid-append (or a full disk) leaves a line without its end; with
  Optuna's own file backend the next append glues onto it, the glued line no longer parses, and
  from then on the whole journal is unreadable: every finished run is lost. :func:`safe_journal_file`
  ends a torn line before appending (under the lock), and when reading skips a line that does not
  parse, with a warning that names the line, instead of refusing the whole file.
- **A path that is not a journal.** An existing SQLite file given without ``sqlite:///``, or any
  other file, would get journal lines appended to it. :func:`make_storage` refuses it, naming what
  it is; so too an in-memory database (``sqlite://``), which would vanish with the call that made
  it, taking every result along.

:func:`results` reads a study back as a pandas DataFrame; runs it did not queue (another tool's
trials in the same study) are skipped and counted in a warning, never a reason to fail.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["ATTRS", "INSTALL", "is_our_run", "load_study", "make_storage", "optuna_module", "results", "safe_journal_file"]

INSTALL = 'pip install "neurogym_lite[sweep]" (or: pip install optuna pandas)'

#: Trial attributes the engine writes (bookkeeping, not measures).
ATTRS = {"key": "run_key", "config": "config", "error": "error", "traceback": "traceback", "stale": "stale",
         "worker": "worker", "heartbeat": "heartbeat", "filler": "not_a_run", "measures": "measures"}

_SQLITE_MAGIC = b"SQLite format 3\x00"


def optuna_module() -> Any:
    try:
        import optuna
    except ImportError:
        raise ImportError(f"neurogym_lite.agents.population runs on Optuna, which is not installed: {INSTALL}") from None
    return optuna


def _base_backend() -> Any:
    from optuna.storages.journal import BaseJournalBackend

    return BaseJournalBackend


def safe_journal_file(path: str, lock: Any) -> Any:
    """An Optuna journal backend on the file ``path`` with the file lock ``lock``: Optuna's
    ``JournalFileBackend``, made safe against torn writes (see the module docstring). Log numbers
    count the lines that parse, so readers agree on them whichever bad lines they skipped. (A
    subclass of Optuna's ``BaseJournalBackend``, defined on first use: Optuna is optional.)"""
    return _safe_journal_class()(path, lock)


_IMPL: Any = None


def _safe_journal_class() -> Any:
    global _IMPL
    if _IMPL is not None:
        return _IMPL
    base = _base_backend()

    class _SafeJournalFile(base):  # type: ignore[misc, valid-type]
        def __init__(self, path: str, lock: Any) -> None:
            self._path = path
            self._lock = lock
            self._offsets: list[int] = [0]  # byte offset of each good log line, plus where the next starts
            self._scanned = 0  # bytes of the file read so far (whole lines only)
            self._skipped: set[int] = set()  # byte offsets of lines that did not parse (warned once)
            Path(path).touch(exist_ok=True)

        def _scan(self) -> Iterator[tuple[int, dict[str, Any]]]:
            """New whole lines since the last scan: (log number, log) for those that parse."""
            with open(self._path, "rb") as f:
                f.seek(self._scanned)
                for line in f:
                    if not line.endswith(b"\n"):
                        break  # a line still being written (or torn: the next append ends it)
                    start = self._scanned
                    self._scanned += len(line)
                    try:
                        log = json.loads(line)
                        if not isinstance(log, dict):
                            raise ValueError("not a journal entry")
                    except ValueError:
                        if start not in self._skipped:
                            self._skipped.add(start)
                            warnings.warn(f"{self._path}: skipped an unreadable journal line at byte {start} "
                                          f"(a write cut short): {line[:80]!r}", RuntimeWarning, stacklevel=4)
                        continue
                    self._offsets.append(self._scanned)
                    yield len(self._offsets) - 2, log

        def read_logs(self, log_number_from: int) -> Iterator[dict[str, Any]]:
            known = len(self._offsets) - 1
            if log_number_from < known:
                # logs already scanned: read them again from their offsets
                with open(self._path, "rb") as f:
                    f.seek(self._offsets[log_number_from])
                    for _ in range(known - log_number_from):
                        while True:  # skip the bad lines between good ones
                            line = f.readline()
                            if not line:
                                raise RuntimeError(f"{self._path} was truncated while it was read")
                            try:
                                log = json.loads(line)
                            except ValueError:
                                continue
                            if isinstance(log, dict):
                                break
                        yield log
            for number, log in self._scan():
                if number >= log_number_from:
                    yield log

        def append_logs(self, logs: list[dict[str, Any]]) -> None:
            text = "\n".join(json.dumps(log, separators=(",", ":")) for log in logs) + "\n"
            self._lock.acquire()
            try:
                with open(self._path, "ab+") as f:
                    f.seek(0, os.SEEK_END)
                    if f.tell():
                        f.seek(-1, os.SEEK_END)
                        if f.read(1) != b"\n":
                            f.write(b"\n")  # end a torn line, so it stays one bad line of its own
                    f.write(text.encode("utf-8"))
                    f.flush()
                    os.fsync(f.fileno())
            finally:
                self._lock.release()

    _IMPL = _SafeJournalFile
    return _IMPL


def _check_journal_path(text: str) -> str:
    path = Path(text).expanduser()
    if not path.parent.is_dir():
        raise ValueError(f"storage {text!r}: the folder {str(path.parent)!r} does not exist")
    if path.is_dir():
        raise ValueError(f"storage {text!r} is a folder: give the path of a journal file in it")
    if path.is_file() and path.stat().st_size:
        with open(path, "rb") as f:
            head = f.read(4096)
        if head.startswith(_SQLITE_MAGIC):
            raise ValueError(f"storage {text!r} is an SQLite database, not a journal file: give it as "
                             f"'sqlite:///{path}'")
        first = head.split(b"\n", 1)[0]
        try:
            entry = json.loads(first)
            ok = isinstance(entry, dict) and "op_code" in entry
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"storage {text!r} exists and is not an Optuna journal file (its first line is "
                             f"{first[:60]!r}); give another path, or remove the file")
    return str(path)


def make_storage(storage: str | os.PathLike[str], *, lock: str = "symlink") -> Any:
    """An Optuna storage: an RDB URL (``sqlite:///x.db``, ``postgresql://...``) as is, anything else
    the path of a journal file (created if missing; an existing file must be a journal). ``lock`` is
    the journal file's lock: ``'symlink'`` (Optuna's default; NFS v2 and later) or ``'open'`` (an
    ``O_EXCL`` lock file, NFS v3 and later, for file systems without symlinks)."""
    optuna = optuna_module()
    if not isinstance(storage, (str, os.PathLike)) or not str(storage):
        raise TypeError(f"storage must be the path of a journal file or an RDB URL, got {storage!r:.80}")
    if lock not in ("symlink", "open"):
        raise ValueError(f"lock must be 'symlink' or 'open', got {lock!r:.80}")
    text = str(storage)
    if "://" in text:
        scheme, _, rest = text.partition("://")
        if (scheme.startswith("sqlite") and rest in ("", "/", "/:memory:")) or ":memory:" in rest:
            raise ValueError(f"storage {text!r} is an in-memory database: it would vanish with this call, and "
                             "every result with it; give a file (a journal path, or 'sqlite:///results.db')")
        return optuna.storages.RDBStorage(text)
    from optuna.storages.journal import JournalFileOpenLock, JournalFileSymlinkLock

    path = _check_journal_path(text)
    lock_obj = (JournalFileOpenLock if lock == "open" else JournalFileSymlinkLock)(path)
    return optuna.storages.JournalStorage(safe_journal_file(path, lock_obj))


def load_study(storage: Any, study_name: str, *, create: bool = False) -> Any:
    """The Optuna study ``study_name`` in ``storage`` (a path/URL or a storage object)."""
    optuna = optuna_module()
    if not isinstance(study_name, str) or not study_name:
        raise TypeError(f"study_name must be a non-empty string, got {study_name!r:.80}")
    if isinstance(storage, (str, os.PathLike)):
        if not create and "://" not in str(storage) and not Path(storage).expanduser().is_file():
            raise ValueError(f"no study named {study_name!r}: the journal file {str(storage)!r} does not exist")
        store = make_storage(storage)
    else:
        store = storage
    if create:
        return optuna.create_study(storage=store, study_name=study_name, direction="maximize", load_if_exists=True)
    try:
        return optuna.load_study(study_name=study_name, storage=store)
    except KeyError:
        names = [s.study_name for s in optuna.get_all_study_summaries(store)]
        raise ValueError(f"no study named {study_name!r} in {storage!r}; it holds {names}") from None


def is_our_run(trial: Any) -> bool:
    """A trial the engine queued: it has a config and a run key."""
    attrs = trial.user_attrs
    return isinstance(attrs.get(ATTRS["config"]), dict) and isinstance(attrs.get(ATTRS["key"]), str)


def results(storage: Any, study_name: str = "population") -> Any:
    """The study's runs as a pandas DataFrame, one row per run (trial), in the order they were queued.

    Columns: ``number`` (Optuna's trial number), ``state`` (COMPLETE, FAIL, RUNNING, WAITING),
    ``run_key``, ``error`` (the exception of a failed run; ``stale`` for a worker that died), every
    config key, every scalar measure, one column per coherence for the per-coherence measures
    (``accuracy@6.4``, ``ideal@6.4``, ``z@6.4``, ``n@6.4``) and the ``curve`` (a dict) if recorded.
    """
    try:
        import pandas as pd
    except ImportError:
        raise ImportError(f"results() returns a pandas DataFrame; pandas is not installed: {INSTALL}") from None
    study = load_study(storage, study_name)
    rows, foreign = [], 0
    prefixes = {"accuracy_by_coh": "accuracy", "ideal_by_coh": "ideal", "z_vs_ideal_by_coh": "z", "n_by_coh": "n"}
    for t in study.get_trials(deepcopy=False):
        attrs = t.user_attrs
        if not is_our_run(t):
            foreign += not attrs.get(ATTRS["filler"], False)  # a queue-race filler is ours, not a run
            continue
        worker = attrs.get(ATTRS["worker"]) or {}
        row: dict[str, Any] = {"number": t.number, "state": t.state.name, "run_key": attrs[ATTRS["key"]],
                               "error": attrs.get(ATTRS["error"], attrs.get(ATTRS["stale"], "")),
                               "host": worker.get("host"), "pid": worker.get("pid"), **attrs[ATTRS["config"]]}
        for key, value in (attrs.get(ATTRS["measures"]) or {}).items():
            if key in prefixes and isinstance(value, dict):
                row.update({f"{prefixes[key]}@{c}": v for c, v in value.items()})
            else:
                row[key] = value
        rows.append(row)
    if foreign:
        warnings.warn(f"study {study_name!r}: {foreign} trial(s) not queued by neurogym_lite (no config or run key) "
                      "were left out", RuntimeWarning, stacklevel=2)
    return pd.DataFrame(rows)
