"""What the repository declares, for .ci/compat; run with the Python of the venv it inspects.

    python .ci/resolved.py extras            every [project.optional-dependencies] group, comma-separated
    python .ci/resolved.py test-requirements requirements-dev.txt's own lines (not requirements.txt's)
    python .ci/resolved.py oldest-python     the minor version requires-python starts at (e.g. 3.10)
    python .ci/resolved.py report [--lowest] a table of declared bound vs installed version; with
                                             --lowest, exit 1 unless every ">=X" bound installed exactly X

The lowest-direct run only proves a lower bound true if that very release is the one installed:
if a declared bound cannot be installed (no wheel for the Python, a conflict), uv quietly picks a
later release, and the bound would still claim a version nobody tested.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10 (tomli comes with requirements-dev.txt)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def requirement_lines(path: Path) -> list[str]:
    """Requirement strings of a requirements file, without its -r and -e lines.

    requirements.txt is left out on purpose: it is the local JupyterLab set-up (the browser test in the
    main run covers it); the ends test the package, its extras (what Colab installs) and the test tools.
    """
    out = []
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith(("#", "-")):
            out.append(line)
    return out


def declared() -> list[tuple[str, str]]:
    """(where, requirement) for every direct dependency the repository declares."""
    reqs = [("dependencies", r) for r in PROJECT["dependencies"]]
    for group, items in PROJECT.get("optional-dependencies", {}).items():
        reqs += [(f"[{group}]", r) for r in items]
    reqs += [("requirements-dev.txt", r) for r in requirement_lines(ROOT / "requirements-dev.txt")]
    return reqs


def report(lowest: bool) -> int:
    from packaging.requirements import Requirement
    from packaging.version import Version

    bad = []
    print(f"Python {sys.version.split()[0]}")
    print(f"{'declared in':22} {'requirement':36} installed")
    for where, text in declared():
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate():
            continue
        try:
            got = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            got = "MISSING"
        note = ""
        floors = [s.version for s in req.specifier if s.operator in (">=", "==")]
        if got == "MISSING" or (lowest and floors and Version(got) != Version(floors[0])):
            note = "  <-- the declared bound is not what was installed"
            bad.append(req.name)
        print(f"{where:22} {text:36} {got}{note}")
    for name in ("torch", "pip"):
        try:
            print(f"{'(not ours)':22} {name:36} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    if bad:
        print(f"FAIL: {', '.join(bad)}: raise the bound to a release that installs here, or find the conflict")
    return 1 if bad else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["extras"]:
        print(",".join(PROJECT.get("optional-dependencies", {})))
    elif argv[:1] == ["test-requirements"]:
        print("\n".join(requirement_lines(ROOT / "requirements-dev.txt")))
    elif argv[:1] == ["oldest-python"]:
        match = re.fullmatch(r">=\s*(3\.\d+)(\.\d+)?", PROJECT["requires-python"].strip())
        if not match:
            sys.exit(f"cannot read the oldest Python from requires-python = {PROJECT['requires-python']!r}")
        print(match.group(1))
    elif argv[:1] == ["report"]:
        return report(lowest="--lowest" in argv)
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
