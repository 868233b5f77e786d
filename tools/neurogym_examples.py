"""Run NeuroGym's own example notebooks against neurogym_lite, with only ``neurogym`` -> ``neurogym_lite``.

    pip download --no-deps --no-binary :all: neurogym==2.3.1 && tar xzf neurogym-2.3.1.tar.gz
    python tools/neurogym_examples.py neurogym-2.3.1/docs/examples            # every notebook there
    python tools/neurogym_examples.py neurogym-2.3.1/docs/examples perceptualdecisionmaking

NeuroGym's code is not part of this repository (read it, run against it, never copy it): the
examples are read from the folder you give. Each notebook runs in a fresh kernel in an empty
temporary folder (as Colab opens one), with every ``neurogym`` in its code cells renamed; cells
that install packages (``!pip``) are skipped. Prints one line per notebook: ran, or the first
error with its cell; exits non-zero if any failed.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

#: Notebooks about what this package provides (the PerceptualDecisionMaking family, TrialEnv,
#: spaces, PassReward, Monitor, Dataset, plotting, configuration); the others use NeuroGym's other
#: tasks (README: "not provided").
IN_SCOPE = ("perceptualdecisionmaking", "reinforcement_learning", "supervised_learning_pytorch",
            "understanding_neurogym_task", "template")


def renamed(source: str) -> str:
    return re.sub(r"\bneurogym\b", "neurogym_lite", source)


def run_script(path: Path, timeout: int) -> tuple[bool, str]:
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / path.name
        script.write_text(renamed(path.read_text()))
        proc = subprocess.run([sys.executable, str(script)], cwd=tmp, capture_output=True, text=True, timeout=timeout)
    if proc.returncode:
        return False, proc.stderr.strip().splitlines()[-1][:300]
    return True, "ran"


def run(path: Path, timeout: int) -> tuple[bool, str]:
    if path.suffix == ".py":
        return run_script(path, timeout)
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            lines = [ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("!", "%pip"))]
            cell.source = renamed("\n".join(lines))
        cell.outputs = [] if cell.cell_type == "code" else getattr(cell, "outputs", None)
    with tempfile.TemporaryDirectory() as tmp:
        for extra in path.parent.glob("*.toml"):  # demo.ipynb reads config.toml beside it
            (Path(tmp) / extra.name).write_text(renamed(extra.read_text()))
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": tmp}})
        try:
            client.execute()
        except CellExecutionError as exc:
            text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))
            first = [ln for ln in text.splitlines() if re.match(r"^\w*(Error|Exception)\b", ln)]
            return False, (first[-1] if first else text.splitlines()[-1])[:300]
    return True, "ran"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", type=Path, help="NeuroGym's docs/examples folder")
    p.add_argument("names", nargs="*", help="notebook names (default: the in-scope ones)")
    p.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    a = p.parse_args(argv)
    names = a.names or list(IN_SCOPE)
    failed = 0
    for name in names:
        path = next((a.folder / f"{name}{ext}" for ext in (".ipynb", ".py") if (a.folder / f"{name}{ext}").is_file()),
                    a.folder / f"{name}.ipynb")
        if not path.is_file():
            print(f"{name}: not found in {a.folder}")
            failed += 1
            continue
        t0 = time.perf_counter()
        ok, what = run(path, a.timeout)
        failed += not ok
        print(f"{name}: {'ran' if ok else 'FAILED: ' + what} ({time.perf_counter() - t0:.0f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
