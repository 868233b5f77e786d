"""Helpers shared by the benchmarks: the NeuroGym virtualenv, running workers, machine facts.

The benchmarks compare neurogym_lite with NeuroGym 2.3.1. NeuroGym pins ``gymnasium==0.29.*`` and
``numpy==2.2.*`` while neurogym_lite uses gymnasium 1.x, so NeuroGym lives in its own virtualenv,
``benchmarks/.neurogym-venv`` (ignored by git), created here on first use. Each side runs as a
subprocess of the benchmark script (a worker), so both are measured the same way.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import platform
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
NG_VENV = HERE / ".neurogym-venv"
NG_PYTHON = NG_VENV / "bin" / "python"
NEUROGYM_VERSION = "2.3.1"
# torch first and pinned: an unpinned torch would pull a multi-GB CUDA build. 2.13.0 is the CPU
# wheel this project's own environment uses (pip finds it through the machine's pip config).
NG_TORCH = "torch==2.13.0"
NG_PACKAGES = [f"neurogym=={NEUROGYM_VERSION}", "stable-baselines3", "sb3-contrib"]


def lite_python() -> str:
    """The interpreter running this script: the one with neurogym_lite installed."""
    return sys.executable


def _ng_ready() -> bool:
    if not NG_PYTHON.exists():
        return False
    probe = "import neurogym, sb3_contrib, torch; print(neurogym.__version__)"
    try:
        out = subprocess.run([str(NG_PYTHON), "-c", probe], capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.strip().endswith(NEUROGYM_VERSION)


def ensure_neurogym_venv(need_rl: bool = True) -> str:
    """Create ``benchmarks/.neurogym-venv`` with NeuroGym 2.3.1 (and torch, SB3, sb3-contrib)
    unless it is already there and works; return its python."""
    if _ng_ready():
        return str(NG_PYTHON)
    print(f"[setup] creating {NG_VENV.relative_to(ROOT)} with neurogym=={NEUROGYM_VERSION} "
          "(first run only, a few minutes)", flush=True)
    if not NG_PYTHON.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(NG_VENV)
    pip = [str(NG_PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, NG_TORCH], check=True)
    subprocess.run([*pip, *NG_PACKAGES], check=True)
    if not _ng_ready():
        raise RuntimeError(f"{NG_VENV} was created but `import neurogym` still fails there")
    return str(NG_PYTHON)


def run_worker(python: str, script: Path, args: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    """Run ``python script`` with ``args`` as JSON on stdin; the worker prints one JSON line last."""
    env = dict(os.environ)
    # Same thread settings on both sides; the workers also call torch.set_num_threads themselves.
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[var] = str(args.get("threads", 1))
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([python, str(script)], input=json.dumps(args), capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=str(HERE))
    if proc.returncode != 0:
        raise RuntimeError(f"worker {script.name} ({python}) failed:\n{proc.stderr[-4000:]}")
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise RuntimeError(f"worker {script.name} printed no JSON:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return json.loads(lines[-1])


class Worker:
    """A long-lived worker: the first stdin line configures it, then one JSON line per request."""

    def __init__(self, python: str, script: Path, config: dict[str, Any], pythonpath: str | None = None) -> None:
        env = dict(os.environ)
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            env[var] = str(config.get("threads", 1))
        env.pop("PYTHONPATH", None)
        if pythonpath:  # e.g. another commit's neurogym_lite, found before the installed one
            env["PYTHONPATH"] = pythonpath
        self.proc = subprocess.Popen([python, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, env=env, cwd=str(HERE))
        self.ready = self.ask(config)  # {"ready": ...} once its envs are built

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"worker {self.proc.args} exited with {self.proc.wait()}")
            if line.startswith("{"):
                return json.loads(line)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def export_commit(rev: str) -> str:
    """The package as it is at git ``rev``, in a temporary folder (for a side-by-side run of two
    commits with the same Python): returns the folder to put on ``PYTHONPATH``."""
    import tarfile
    import tempfile

    out = tempfile.mkdtemp(prefix=f"neurogym_lite-{rev[:12]}-")
    archive = subprocess.run(["git", "archive", rev, "neurogym_lite"], capture_output=True, check=True,
                             cwd=str(HERE.parent)).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(out, filter="data")
    return out


def versions(python: str) -> dict[str, str]:
    code = (
        "import json, sys, importlib.metadata as m\n"
        "out = {'python': sys.version.split()[0]}\n"
        "for p in ('neurogym', 'neurogym_lite', 'gymnasium', 'numpy', 'stable_baselines3', 'sb3_contrib', 'torch'):\n"
        "    try: out[p] = m.version(p)\n"
        "    except Exception: pass\n"
        "print(json.dumps(out))\n"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True, cwd=str(HERE))
    return json.loads(out.stdout)


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "loadavg_at_start": load,
    }


def write_json(name: str, payload: dict[str, Any]) -> Path:
    """Write to ``benchmarks/results/<name>``, or to ``name`` itself when it is a path with folders."""
    path = Path(name) if Path(name).parent != Path(".") else RESULTS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
    tmp.replace(path)
    return path


def median(xs: list[float]) -> float:
    s = sorted(xs)
    n = len(s)
    if n == 0:
        raise ValueError("median of nothing")
    return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])
