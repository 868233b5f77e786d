"""Hygiene of the stored notebooks (nbval runs them; this checks what readers and Colab get)."""

import json
import re
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser from PyPI (requirements-dev.txt)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
REPO_URL = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Homepage"]
REPO = REPO_URL.removeprefix("https://github.com/")
LOCAL_PATH = re.compile(r"(/work/|/home/|/root/|/tmp/|/Users/|site-packages|[A-Z]:\\\\)")


def load(path):
    return json.loads(path.read_text())


def source(cell):
    return "".join(cell["source"])


def test_there_are_numbered_notebooks():
    names = [p.name for p in NOTEBOOKS]
    assert names[:3] == ["01_build_the_task.ipynb", "02_train_an_lstm.ipynb", "03_trained_agent.ipynb"]
    assert all(re.match(r"\d\d_[a-z0-9_]+\.ipynb$", n) for n in names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_badge_points_at_this_notebook_on_main(path):
    first = source(load(path)["cells"][0])
    url = f"https://colab.research.google.com/github/{REPO}/blob/main/notebooks/{path.name}"
    assert f"]({url})" in first and "colab-badge.svg" in first


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_install_cell_only_acts_on_colab(path):
    code = [c for c in load(path)["cells"] if c["cell_type"] == "code"]
    install = source(code[0])
    assert 'if "google.colab" in sys.modules:' in install and "%pip install" in install
    # never an unconditional or commented-out install elsewhere, never a torch (re)install
    for cell in code:
        for line in source(cell).splitlines():
            if "pip install" in line and cell is not code[0]:
                pytest.fail(f"install outside the Colab cell: {line}")
    assert "torch" not in install.split("%pip install", 1)[1].split("\n")[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_outputs_are_clean(path):
    nb = load(path)
    # what JupyterLab writes when ipykernel's kernel starts: a notebook is not modified by opening it
    assert nb["metadata"]["kernelspec"] == {"display_name": "Python 3 (ipykernel)", "language": "python",
                                            "name": "python3"}
    assert "widgets" not in nb["metadata"], "widget state must not be stored"
    assert path.stat().st_size < 2_000_000
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c.get("execution_count") for c in code[1:]), "commit notebooks with the outputs of a real run"
    for cell in code:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"stored error output in {path.name}"
            text = json.dumps({k: v for k, v in out.get("data", {}).items() if not k.startswith("image/")})
            text += "".join(out.get("text", ""))
            assert not LOCAL_PATH.search(text), f"local path leaked in {path.name}: {LOCAL_PATH.search(text)}"
            assert "application/vnd.jupyter.widget-view+json" not in out.get("data", {})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_says_which_budget_it_runs_in(path):
    text = "\n".join(source(c) for c in load(path)["cells"])
    assert "budget.describe()" in text
    assert "filterwarnings('ignore')" not in text and 'filterwarnings("ignore")' not in text
