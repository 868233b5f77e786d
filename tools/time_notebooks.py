"""Measure how long each notebook takes at the reader's budget; keep the README's column true.

python tools/time_notebooks.py                  # every notebook, full budget; writes notebooks/run_times.json
python tools/time_notebooks.py 03_trained_agent.ipynb   # just these (the others keep their entry)
python tools/time_notebooks.py --update-readme  # ... and rewrites the README's run-time column
python tools/time_notebooks.py --store          # ... and stores the executed notebooks' outputs
python tools/time_notebooks.py --tests --update-readme  # times the README's two test commands instead

Each notebook is copied alone into an empty temporary folder (as Colab opens it) and executed
top to bottom in a fresh kernel of this Python (``NEUROGYM_LITE_SMOKE`` unset: the reader's
budget). Run it from the repository root, with nothing else heavy running if you can: the JSON
records the machine's load when the run started. ``tests/test_readme.py`` checks that the
README's run-time column is what ``readme_time`` makes of these numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
RESULTS = NOTEBOOKS / "run_times.json"
README = ROOT / "README.md"
#: The README's test commands, timed by ``--tests``: the quick check and the full suite (as CI runs it).
TEST_COMMANDS = {
    "quick": [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "auto", "-m",
              "not slow and not browser", "--ignore=tests/test_wheel_colab.py"],
    "full": [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-ra", "-n", "auto", "--dist", "loadgroup"],
}
#: Where the README gives each command's measured time: "... (<time> measured on <cores> cores)".
TEST_TIME = {name: re.compile(rf"(<!-- {name} -->)(?P<time>[^<]*)(<!-- /{name} -->)") for name in TEST_COMMANDS}
# A README table row: | [NN title](notebooks/NN_name.ipynb) ... | what you learn | run time |
ROW = re.compile(r"^(\| \[[^\]]+\]\(notebooks/(?P<name>\d\d_[a-z0-9_]+\.ipynb)\).*\| )(?P<time>[^|]*?)( \|)$", re.M)


def readme_time(seconds: float) -> str:
    """How the README shows a measured run time: whole seconds up to 90 s, then minutes."""
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    return f"{seconds / 60:.1f} min"


def run_notebook(path: Path, store: bool = False) -> float:
    """Seconds to execute ``path`` alone in an empty folder; with ``store``, the executed notebook
    (its outputs: a reader's full-budget run) replaces ``path``."""
    import nbformat
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        shutil.copy(path, copy)
        nb = nbformat.read(copy, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=3600, kernel_name="python3", resources={"metadata": {"path": folder}}).execute()
        seconds = time.perf_counter() - start
    if store:
        nbformat.write(nb, path)
    return seconds


def time_tests() -> dict[str, float]:
    """Seconds each README test command takes, run from the repository root (fails if a test fails:
    a time of a red run is not the time of the suite)."""
    import subprocess

    out = {}
    for name, cmd in TEST_COMMANDS.items():
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        out[name] = round(time.perf_counter() - start, 1)
        print(f"{name} tests: {out[name]:.1f} s ({readme_time(out[name])})", flush=True)
    return out


def update_readme(seconds: dict[str, float], tests: dict[str, float] | None = None) -> None:
    text = README.read_text()
    for name, secs in (tests or {}).items():
        text = TEST_TIME[name].sub(lambda m, s=secs: m.group(1) + readme_time(s) + m.group(3), text)

    def cell(m: re.Match[str]) -> str:
        name = m["name"]
        return m.group(1) + (readme_time(seconds[name]) if name in seconds else m["time"]) + m.group(4)

    README.write_text(ROW.sub(cell, text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="file names in notebooks/ (default: all)")
    parser.add_argument("--update-readme", action="store_true", help="rewrite the README's run-time column")
    parser.add_argument("--tests", action="store_true", help="time the README's test commands, not the notebooks")
    parser.add_argument("--store", action="store_true",
                        help="store the executed notebooks' outputs (then run tools/clean_notebooks.py)")
    args = parser.parse_args()
    if os.environ.get("NEUROGYM_LITE_SMOKE"):
        sys.exit("NEUROGYM_LITE_SMOKE is set: unset it, the README quotes the reader's (full) budget")
    paths = [NOTEBOOKS / n for n in args.notebooks] if args.notebooks else sorted(NOTEBOOKS.glob("*.ipynb"))
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"seconds": {}}
    machine = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "budget": "full (NEUROGYM_LITE_SMOKE unset)",
    }
    seconds = dict(old.get("seconds", {}))
    runs = dict(old.get("runs", {}))
    tests = dict(old.get("tests", {}))
    if args.tests:
        load = [round(x, 2) for x in os.getloadavg()]
        tests = {**time_tests(), "run": {**machine, "budget": "the test suite", "loadavg_at_start": load}}
        paths = []
    for path in paths:
        # the load as this notebook starts: other jobs come and go during a run
        runs[path.name] = {**machine, "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]}
        seconds[path.name] = round(run_notebook(path, args.store), 1)
        print(f"{path.name}: {seconds[path.name]:.1f} s ({readme_time(seconds[path.name])})", flush=True)
    present = {p.name for p in NOTEBOOKS.glob("*.ipynb")}
    seconds = {k: v for k, v in sorted(seconds.items()) if k in present}
    runs = {k: v for k, v in sorted(runs.items()) if k in present}
    RESULTS.write_text(json.dumps({"seconds": seconds, "runs": runs, "tests": tests}, indent=2) + "\n")
    if args.update_readme:
        update_readme(seconds, {k: v for k, v in tests.items() if k in TEST_COMMANDS})


if __name__ == "__main__":
    main()
