"""Normalise stored notebooks: kernel 'python3', no widget state, no per-cell timing metadata.

Usage: python tools/clean_notebooks.py [notebooks/*.ipynb]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def clean(path: Path) -> bool:
    nb = json.loads(path.read_text())
    before = json.dumps(nb, sort_keys=True)
    meta = nb.setdefault("metadata", {})
    meta.pop("widgets", None)
    # ipykernel's own kernelspec: JupyterLab writes it into the notebook when the kernel starts, so
    # anything else would mark every notebook modified as soon as it is opened
    meta["kernelspec"] = KERNELSPEC
    meta.setdefault("language_info", {"name": "python"})
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("execution", None)
        for out in cell.get("outputs", []):
            # A widget view needs the widget state we drop; keep its plain-text fallback.
            data = out.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data:
                data.pop("application/vnd.jupyter.widget-view+json")
    changed = json.dumps(nb, sort_keys=True) != before
    if changed:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return changed


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted(Path("notebooks").glob("*.ipynb"))
    for p in paths:
        print(("cleaned " if clean(p) else "clean   ") + str(p))
