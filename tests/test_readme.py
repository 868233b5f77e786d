"""The README states only what a measurement or a file keeps true.

Each number it gives comes from a file this test reads: notebook run times from
``notebooks/run_times.json`` (written by ``tools/time_notebooks.py``), the shipped model's from
the JSON beside it, versions and commands from ``pyproject.toml`` and ``.ci/run``. A number that
is none of these fails the last test: measure it, or leave it out.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
CI = (ROOT / ".ci" / "run").read_text()
PYPROJECT = (ROOT / "pyproject.toml").read_text()
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
MODEL = json.loads((ROOT / "neurogym_lite" / "agents" / "models" / "pdm_lstm.json").read_text())


def _time_notebooks():
    spec = importlib.util.spec_from_file_location("time_notebooks", ROOT / "tools" / "time_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = _time_notebooks()


def run_times() -> dict:
    path = ROOT / "notebooks" / "run_times.json"
    assert path.exists(), "notebooks/run_times.json is missing: run python tools/time_notebooks.py --update-readme"
    return json.loads(path.read_text())


def model_numbers() -> dict[str, str]:
    evaluation = MODEL["evaluation"]
    # the worst coherence, in binomial standard errors below the ideal observer (0 if none is below)
    worst_z = max(0.0, max(-z for z in evaluation["z_vs_ideal_by_coh"].values()))
    return {
        "steps": f"{MODEL['total_timesteps']:,}",
        "cpu_seconds": f"{MODEL['training_cpu_seconds']:.1f}",
        "trials": f"{evaluation['num_trials']:,}",
        "fixation_breaks": f"{100 * evaluation['fixation_break_rate']:.2f}",
        "p_choice1_at_0": f"{100 * evaluation['p_choice1_at_0']:.1f}",
        "worst_z": f"{worst_z:.1f}",
    }


def test_every_notebook_has_a_row_with_its_measured_run_time():
    RUN_TIMES = run_times()
    rows = {m["name"]: m["time"] for m in TOOL.ROW.finditer(README)}
    assert sorted(rows) == NOTEBOOKS, "one README row per notebook in notebooks/"
    assert sorted(RUN_TIMES["seconds"]) == NOTEBOOKS, "run tools/time_notebooks.py for the new notebooks"
    for name, shown in rows.items():
        assert shown == TOOL.readme_time(RUN_TIMES["seconds"][name]), (
            f"{name}: README says {shown!r}, run_times.json says {RUN_TIMES['seconds'][name]} s; "
            "run python tools/time_notebooks.py --update-readme"
        )
    assert all(RUN_TIMES["runs"][n]["budget"].startswith("full") for n in NOTEBOOKS)


def test_the_test_commands_and_their_times_are_measured():
    tests = run_times().get("tests", {})
    for name in TOOL.TEST_COMMANDS:
        shown = TOOL.TEST_TIME[name].search(README)
        assert shown, f"the README gives the {name} test command's time between <!-- {name} --> markers"
        assert name in tests, "run python tools/time_notebooks.py --tests --update-readme"
        assert shown["time"] == TOOL.readme_time(tests[name]), (name, shown["time"], tests[name])
    quick = " ".join(TOOL.TEST_COMMANDS["quick"][1:]).replace("not slow and not browser", '"not slow and not browser"')
    assert f"\npython {quick}\n" in README, "the README's quick command is the one timed"


def test_readme_time_format():
    assert [TOOL.readme_time(s) for s in (0.2, 12.4, 89.4, 90, 108.4, 600)] == [
        "1 s", "12 s", "89 s", "1.5 min", "1.8 min", "10.0 min"]


def test_shipped_model_numbers_come_from_its_json():
    n = model_numbers()
    sentence = (f"for {n['steps']} steps ({n['cpu_seconds']} s of CPU time on one core); on {n['trials']} test trials "
                f"it breaks fixation on {n['fixation_breaks']} % of the steps in which the fixation cue is on, chooses "
                f"the first direction on {n['p_choice1_at_0']} % of the zero-coherence trials, and at every coherence its "
                f"accuracy on completed trials is within {n['worst_z']} binomial standard errors of the ideal observer's")
    assert sentence in README, f"the README's sentence on the shipped model must read: ...{sentence}..."


def test_commands_and_versions_match_ci_and_pyproject():
    # .ci/run runs the command through a helper that reports pytest's exit code (run_pytest ...)
    ci_pytest = [m[0].strip() for m in re.finditer(r"(?<![\w-])python -m pytest[^\n]*", CI)]
    assert len(ci_pytest) == 1 and "-ra" in ci_pytest[0]
    assert f"\n{ci_pytest[0]}\n" in README, "the README's test command must be .ci/run's"
    torch_pin = re.search(r"torch==[\d.]+", CI)[0]
    assert f"`{torch_pin}`" in README
    python_min = re.search(r'requires-python = ">=([\d.]+)"', PYPROJECT)[1]
    assert f"Python ≥ {python_min}" in README
    gym_min = re.search(r'"gymnasium>=([\d.]+)', PYPROJECT)[1]
    assert "gymnasium 1.x" in README and gym_min.startswith("1.")
    assert "ruff check ." in CI and "\nruff check .\n" in README


def prose_numbers(text: str) -> list[str]:
    """Numbers in the README's prose and tables: code, link targets and badges are not claims."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"\[\d\d [^\]]*\]", " ", text)  # notebook titles: [01 Build the task]
    text = re.sub(r"et al\. \d{4}", " ", text)  # citations
    text = text.replace("Apache-2.0", " ").replace("gymnasium 1.x", " ")
    return re.findall(r"(?<![\w-])\d[\d,]*(?:\.\d+)?", text)  # not inside a name (float32, sb3-contrib)


def test_every_number_in_the_readme_is_backed():
    backed = set(model_numbers().values())
    backed |= {m["time"].split()[0] for m in TOOL.ROW.finditer(README)}
    backed |= {TOOL.readme_time(s).split()[0] for k, s in run_times().get("tests", {}).items() if k != "run"}
    backed.add(re.search(r'requires-python = ">=([\d.]+)"', PYPROJECT)[1])
    notebook_numbers = {str(int(n[:2])) for n in NOTEBOOKS}
    # "notebook 2", "notebooks 3–5": references to notebooks that exist
    refs = re.findall(r"notebooks? (\d+)(?:–(\d+))?", re.sub(r"`[^`]*`", " ", README))
    for first, last in refs:
        assert first in notebook_numbers and (not last or last in notebook_numbers), (first, last)
    referenced = {n for pair in refs for n in pair if n}
    unbacked = [n for n in prose_numbers(README) if n not in backed | referenced]
    assert unbacked == [], f"numbers in the README that no file keeps true: {unbacked}"
