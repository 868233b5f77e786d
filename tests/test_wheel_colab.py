"""Installed the way Colab installs it, every notebook runs.

Colab's install cell builds a wheel from the repository and installs it (non-editable, with the
``[notebooks]`` extra) next to Colab's own torch; then it opens ONE notebook, alone, in an empty
folder. This test does the same: it builds the wheel, installs it into a fresh virtual
environment outside the checkout, and runs every notebook in ``notebooks/`` by itself in an
empty folder under nbval (``--nbval-lax``), with a kernel of that environment (smoke budget).
This is where CI runs the notebooks: ``testpaths`` leaves ``notebooks/`` out so that each runs
once, the way a Colab reader gets it.

To stay fast and offline, the fresh environment does not download anything: it sees the
third-party packages of the environment running the tests (torch included) through a ``.pth``
file pointing at a folder of links to them, leaving out this package and its editable install.
A ``.pth``-added folder's own ``.pth`` files are not processed, and nothing there can be
uninstalled by the fresh environment's pip (it is outside that environment).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PACKAGE_FILES = sorted(
    p.relative_to(ROOT).as_posix()
    for p in (ROOT / "neurogym_lite").rglob("*")
    if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
)

pytestmark = pytest.mark.slow

# Appended to the copied notebook: nbval fails the run unless the kernel imported the installed
# wheel, from the fresh environment's Python (never the checkout or its editable install).
CHECK_CELL = """import sys
from pathlib import Path

import neurogym_lite

assert Path(neurogym_lite.__file__).is_relative_to({site!r}), neurogym_lite.__file__
assert Path(sys.executable) == Path({python!r}), sys.executable
"""


def run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise AssertionError(f"{cmd} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
    return result


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The wheel and sdist, built from a copy of the sources (the checkout stays untouched)."""
    tmp = tmp_path_factory.mktemp("build")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "neurogym_lite", src / "neurogym_lite",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp / "dist"
    # No build isolation: the build backend (setuptools) comes from this environment, not the network.
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(src)])
    run([sys.executable, "-c", f"from setuptools import build_meta; build_meta.build_sdist({str(dist)!r})"],
        cwd=src)
    (wheel,) = dist.glob("neurogym_lite-*.whl")
    (sdist,) = dist.glob("neurogym_lite-*.tar.gz")
    return wheel, sdist


def test_wheel_and_sdist_carry_every_package_file(built):
    wheel, sdist = built
    with zipfile.ZipFile(wheel) as z:
        in_wheel = set(z.namelist())
    with tarfile.open(sdist) as t:
        in_sdist = {m.name.split("/", 1)[1] for m in t.getmembers() if "/" in m.name}
    assert "neurogym_lite/agents/models/pdm_lstm.json" in PACKAGE_FILES
    assert [f for f in PACKAGE_FILES if f not in in_wheel] == [], "files missing from the wheel"
    assert [f for f in PACKAGE_FILES if f not in in_sdist] == [], "files missing from the sdist"


@pytest.fixture(scope="module")
def fresh(built, tmp_path_factory):
    """A fresh venv (outside the checkout) with the wheel installed, as Colab would have it."""
    wheel, _ = built
    tmp = tmp_path_factory.mktemp("colab")
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                    env=clean_env(), cwd=tmp).stdout.strip())
    # "Colab's preinstalled packages": links to this environment's third-party packages, minus
    # this package (its editable install and metadata) and .pth files.
    shared = tmp / "preinstalled"
    shared.mkdir()
    here = Path(sysconfig.get_paths()["purelib"])
    for entry in here.iterdir():
        n = entry.name.lower()
        if n.startswith(("neurogym_lite", "__editable__", "_virtualenv")) or n.endswith(".pth"):
            continue
        (shared / entry.name).symlink_to(entry)
    (site / "preinstalled.pth").write_text(f"{shared}\n")

    def torch_where():
        out = run([str(python), "-c", "import torch; print(torch.__version__, torch.__file__)"],
                  env=clean_env(), cwd=tmp).stdout.split()
        return out[0], out[1]

    torch_before = torch_where()
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index", "--disable-pip-version-check"]
    report = tmp / "report.json"
    spec = f"neurogym_lite[notebooks] @ {wheel.as_uri()}"
    run([*pip, "--dry-run", "--quiet", "--report", str(report), spec], env=clean_env(), cwd=tmp)
    run([*pip, "--quiet", spec], env=clean_env(), cwd=tmp)
    return {"python": python, "site": site, "tmp": tmp, "report": json.loads(report.read_text()),
            "torch_before": torch_before, "torch_after": torch_where()}


def test_installing_the_notebooks_extra_keeps_the_preinstalled_torch(fresh):
    to_install = [item["metadata"]["name"].lower() for item in fresh["report"]["install"]]
    assert to_install == ["neurogym_lite"], f"pip would install {to_install}, not just neurogym_lite"
    assert fresh["torch_after"] == fresh["torch_before"]
    assert "preinstalled" in fresh["torch_after"][1]  # still the preinstalled one, not a new copy


def test_fresh_environment_imports_the_installed_wheel(fresh):
    out = run([str(fresh["python"]), "-c", "import neurogym_lite; print(neurogym_lite.__file__)"],
              env=clean_env(), cwd=fresh["tmp"]).stdout.strip()
    assert Path(out).is_relative_to(fresh["site"]), out
    assert not Path(out).is_relative_to(ROOT)


# With pytest-xdist's --dist loadgroup (.ci/run), the notebooks run on two workers, each with its own
# fresh environment: the heavy trainers split between the groups (run times: notebooks/run_times.json).
_SECOND_WORKER = ("02_", "04_", "06_", "08_", "10_")
NOTEBOOK_PARAMS = [pytest.param(nb, marks=pytest.mark.xdist_group("wheel_b" if nb.name.startswith(_SECOND_WORKER)
                                                                  else "wheel_a"), id=nb.name) for nb in NOTEBOOKS]


@pytest.mark.parametrize("notebook", NOTEBOOK_PARAMS)
def test_notebook_runs_alone_from_the_installed_wheel(fresh, notebook, tmp_path, request):
    import nbformat

    folder = tmp_path / "content"  # empty, like Colab's /content with one notebook in it
    folder.mkdir()
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(CHECK_CELL.format(site=str(fresh["site"]),
                                                                python=str(fresh["python"]))))
    nbformat.write(nb, folder / notebook.name)
    start = time.perf_counter()
    # nbval in the fresh environment (it sees the test environment's nbval through the .pth), its
    # kernel that environment's Python; no ini file in the folder, so pytest runs it as it stands.
    run([str(fresh["python"]), "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval-lax",
         "--nbval-current-env", "--nbval-cell-timeout=900", notebook.name],
        cwd=folder, env=clean_env(NEUROGYM_LITE_SMOKE="1"))
    request.node.user_properties.append(("seconds", round(time.perf_counter() - start, 1)))
