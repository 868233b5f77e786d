"""Notebook 1 in a real JupyterLab, in a real (headless) browser.

nbval proves the kernel side of the notebooks; this test proves what a reader sees. It starts
JupyterLab (as installed from requirements.txt) on 127.0.0.1 with a random token and a temporary
root holding a copy of notebook 1, opens the notebook in headless Chromium (Debian's ``chromium``
and ``chromium-driver``, driven by Selenium), runs all cells through the menu Run > Run All
Cells, and checks in the page that:

- every code cell ran (has an execution count) and no cell shows an error or any stderr output
  (in JupyterLab 4 tracebacks and warnings both render as ``application/vnd.jupyter.stderr``);
- opening the notebook does not mark it modified (its stored metadata is what JupyterLab writes);
- the Colab install cell ran and shows nothing;
- each cell that plots (``plot_env``, ``draw_trial``) shows its figure as a decoded, visible image;
- the ipywidgets trial explorer renders its six sliders and its figure, and moving the coherence
  slider (keyboard End on its handle, which commits the value like releasing the mouse) redraws
  the figure: the image changes;
- no local path (the temporary root, the checkout, the venv, the home or temp directory) leaks
  into the outputs.

Screenshots go to ``test-artifacts/`` (``browser-*.png``) on success too, and on failure with the
page's HTML and the JupyterLab and chromedriver logs. JupyterLab (and its kernel) and the browser
are stopped however the test ends. Locally the test skips when Chromium, chromedriver or Selenium
is missing; set ``NEUROGYM_LITE_REQUIRE_BROWSER=1`` (as CI does) to make that a failure instead.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "01_build_the_task.ipynb"
ARTIFACTS = Path(os.environ.get("NEUROGYM_LITE_TEST_ARTIFACTS", REPO / "test-artifacts"))
CHROMIUM = os.environ.get("NEUROGYM_LITE_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NEUROGYM_LITE_CHROMEDRIVER", "/usr/bin/chromedriver")
REQUIRE_BROWSER = os.environ.get("NEUROGYM_LITE_REQUIRE_BROWSER", "") not in ("", "0")

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1400,1400",
]

# Bounded waits (seconds); locally the whole test takes about 20 s.
SERVER_START_TIMEOUT = 60
NOTEBOOK_LOAD_TIMEOUT = 60
RUN_ALL_TIMEOUT = 120
WIDGET_TIMEOUT = 30

# The notebook's tab while it has unsaved changes (JupyterLab 4)
DIRTY_TAB = ".lm-TabBar-tab.jp-mod-dirty"

# Cells whose output must include a figure (the draw_trial import line does not count).
PLOTTING_CELL = re.compile(r"plot_env\(|^\s*_\s*=\s*draw_trial\(", re.MULTILINE)


def _unavailable(reason: str) -> None:
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (NEUROGYM_LITE_REQUIRE_BROWSER is set)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 5) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # a local URL
        return response.read()


class _Lab:
    def __init__(self, url: str, token: str, root: Path, log: Path):
        self.url, self.token, self.root, self.log = url, token, root, log


@pytest.fixture
def selenium_webdriver():
    try:
        from selenium import webdriver
    except ImportError:
        _unavailable("Selenium is not installed (pip install -r requirements-dev.txt)")
    for path, what in ((CHROMIUM, "Chromium"), (CHROMEDRIVER, "chromedriver")):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            _unavailable(f"no {what} at {path}: apt-get install chromium chromium-driver")
    return webdriver


@pytest.fixture
def jupyterlab(tmp_path):
    """JupyterLab on 127.0.0.1 with a random token, serving a temporary root that holds a copy
    of notebook 1, with its own (empty) settings, workspaces and config: what a fresh install
    shows. Stopped, kernel included, however the test ends."""
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (pip install -r requirements.txt)")
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    # No "official Jupyter news?" toast over the notebook, and no requests to the internet.
    notification = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # a user's kernel uses the inline backend
    env.update(
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
        JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
        IPYTHONDIR=str(tmp_path / "ipython"),
    )
    port, token = _free_port(), secrets.token_hex(24)
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI containers run as root
    log = tmp_path / "jupyterlab.log"
    with open(log, "wb") as log_file:
        proc = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=root, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                _get(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n"
                                f"{log.read_text()[-3000:]}")
                time.sleep(0.3)
        yield _Lab(url, token, root, log)
    finally:
        _stop_jupyterlab(proc, url, token)


def _stop_jupyterlab(proc: subprocess.Popen, url: str, token: str) -> None:
    if proc.poll() is None:
        # Kernels run in their own sessions: shut them down through the API first, so that
        # they go even if the server has to be killed.
        try:
            for kernel in json.loads(_get(f"{url}/api/kernels?token={token}", timeout=5)):
                request = urllib.request.Request(f"{url}/api/kernels/{kernel['id']}?token={token}",
                                                 method="DELETE")
                urllib.request.urlopen(request, timeout=10).close()
        except Exception:  # best effort; SIGTERM below also shuts kernels down
            pass
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def browser(selenium_webdriver, tmp_path):
    """Headless Chromium with a fresh profile, driven by Debian's chromedriver (never a
    downloaded one: the service path is explicit, so Selenium Manager is not used)."""
    from selenium.webdriver.chrome.service import Service

    options = selenium_webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"]:
        options.add_argument(flag)
    service = Service(executable_path=CHROMEDRIVER, log_output=str(tmp_path / "chromedriver.log"))
    driver = selenium_webdriver.Chrome(service=service, options=options)
    try:
        driver.set_page_load_timeout(NOTEBOOK_LOAD_TIMEOUT)
        driver.set_script_timeout(30)
        yield driver
    finally:
        try:
            driver.quit()
        finally:
            if service.process is not None and service.process.poll() is None:
                service.process.kill()


def _wait(driver, condition, timeout: float, what: str, interval: float = 0.25):
    """Poll ``condition(driver)`` until it returns something truthy; fail with ``what``."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = condition(driver)
            if value:
                return value
        except (StaleElementReferenceException, WebDriverException) as err:
            last_error = err
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout} s waiting for {what}"
                + (f" (last error: {last_error.__class__.__name__})" if last_error else ""))


def _screenshot(driver, name: str, element=None) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"browser-{name}.png"
    if element is not None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
        time.sleep(0.3)
    driver.save_screenshot(str(path))
    return path


# JavaScript helpers; every query is scoped to the notebook panel.
_PANEL = ".jp-NotebookPanel"

_IMAGE_STATE = """
const img = arguments[0];
img.scrollIntoView({block: 'center'});
const box = img.getBoundingClientRect();
return {complete: img.complete, naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight,
        width: box.width, height: box.height, src: img.src.slice(0, 22)};
"""


def _image_ok(state: dict) -> bool:
    return (state["complete"] and state["naturalWidth"] > 100 and state["naturalHeight"] > 100
            and state["width"] > 100 and state["height"] > 100
            and state["src"].startswith("data:image/png;base64"))


def test_notebook_1_runs_and_renders_in_jupyterlab(jupyterlab, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code_cells = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    plotting_cells = [i for i in code_cells if PLOTTING_CELL.search("".join(cells[i]["source"]))]
    explorer_cells = [i for i in code_cells if "trial_explorer(" in "".join(cells[i]["source"])
                      and "import" not in "".join(cells[i]["source"])]
    assert plotting_cells and len(explorer_cells) == 1, "notebook 1 changed: update this test"

    stage = "opening the notebook"
    t0 = time.monotonic()
    try:
        driver.get(f"{jupyterlab.url}/lab/tree/{NOTEBOOK.name}?token={jupyterlab.token}")

        def dom_cells(d):
            found = d.find_elements(By.CSS_SELECTOR, f"{_PANEL} .jp-Notebook .jp-Cell")
            return found if len(found) == len(cells) else None

        _wait(driver, dom_cells, NOTEBOOK_LOAD_TIMEOUT, f"the notebook's {len(cells)} cells in the page")
        _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"{_PANEL} .jp-Notebook-ExecutionIndicator"
                                                                 "[data-status='idle']"),
              NOTEBOOK_LOAD_TIMEOUT, "the kernel to be idle")
        # JupyterLab rewrites the notebook's metadata from the kernel it starts (kernelspec,
        # language_info); stored metadata that differs marks the notebook modified before the reader
        # did anything. The same selector must find the mark once the cells have run (below).
        time.sleep(1)
        stage = "checking that opening the notebook did not modify it"
        assert not driver.find_elements(By.CSS_SELECTOR, DIRTY_TAB), \
            "the notebook shows as modified as soon as it is opened: its stored metadata differs from the kernel's"

        stage = "running all cells (menu Run > Run All Cells)"
        driver.find_element(By.XPATH, "//li[contains(@class, 'lm-MenuBar-item')][normalize-space(.)='Run']").click()
        _wait(driver, lambda d: d.find_element(
            By.CSS_SELECTOR, ".lm-Menu-item[data-command='runmenu:run-all']"), 10, "the Run menu").click()

        def all_executed(d):
            prompts = [e.get_attribute("textContent").strip() for e in
                       d.find_elements(By.CSS_SELECTOR, f"{_PANEL} .jp-CodeCell .jp-InputArea-prompt")]
            idle = d.find_elements(By.CSS_SELECTOR, f"{_PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']")
            done = len(prompts) == len(code_cells) and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts)
            return prompts if done and idle else None

        _wait(driver, all_executed, RUN_ALL_TIMEOUT, "every code cell to get an execution count")
        time.sleep(1)  # not a transient idle between two cells
        _wait(driver, all_executed, 10, "the kernel to stay idle")
        run_all_seconds = time.monotonic() - t0

        stage = "checking the outputs"
        assert driver.find_elements(By.CSS_SELECTOR, DIRTY_TAB), \
            "running the cells did not mark the notebook modified: has JupyterLab's dirty-tab class changed?"
        dom = driver.find_elements(By.CSS_SELECTOR, f"{_PANEL} .jp-Notebook .jp-Cell")
        assert len(dom) == len(cells)
        stdout = driver.find_elements(By.CSS_SELECTOR,
                                      f"{_PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stdout']")
        # The notebook prints; finding that output proves the mime-type selectors below are live.
        assert stdout, "no stdout output found: have JupyterLab's output selectors changed?"
        bad = driver.find_elements(By.CSS_SELECTOR,
                                   f"{_PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
                                   f"{_PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
        assert not bad, "error or stderr output in the page:\n" + "\n---\n".join(
            e.get_attribute("textContent")[:1500] for e in bad)
        page_text = driver.find_element(By.CSS_SELECTOR, f"{_PANEL} .jp-Notebook").get_attribute("textContent")
        for message in ("Error displaying widget", "Traceback (most recent call last)"):
            assert message not in page_text, f"{message!r} in the page"

        # The Colab install cell: ran, and shows nothing.
        first_code = dom[code_cells[0]]
        assert "google.colab" in "".join(cells[code_cells[0]]["source"])
        assert not first_code.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output"), (
            "the Colab install cell shows output outside Colab: "
            + first_code.find_element(By.CSS_SELECTOR, ".jp-OutputArea").get_attribute("textContent"))

        # Every plotting cell shows its figure, decoded and laid out at a real size.
        for i in plotting_cells:
            imgs = dom[i].find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output.jp-RenderedImage img")
            assert imgs, f"cell {i} ({cells[i]['source'][0].strip()!r}...) shows no image"
            state = _wait(driver, lambda d, img=imgs[0]: (s := d.execute_script(_IMAGE_STATE, img))
                          and _image_ok(s) and s, 15, f"cell {i}'s figure to be drawn")
            assert _image_ok(state), state
        _screenshot(driver, "1-task-figures", dom[plotting_cells[0]])

        stage = "checking the widget explorer"
        explorer = dom[explorer_cells[0]]
        interact = _wait(driver, lambda d: explorer.find_elements(By.CSS_SELECTOR, ".widget-interact"),
                         WIDGET_TIMEOUT, "the explorer widget to render")[0]
        sliders = interact.find_elements(By.CSS_SELECTOR, ".widget-slider")
        labels = [s.find_element(By.CSS_SELECTOR, ".widget-label").get_attribute("textContent") for s in sliders]
        assert labels == ["coherence %", "noise sigma", "fixation ms", "stimulus ms", "decision ms",
                          "noise seed"], labels

        def explorer_image(d, not_src=None):
            imgs = interact.find_elements(By.CSS_SELECTOR, ".widget-output .jp-RenderedImage img")
            if len(imgs) != 1:
                return None
            src = imgs[0].get_attribute("src")
            state = d.execute_script(_IMAGE_STATE, imgs[0])
            return src if _image_ok(state) and src != not_src else None

        before = _wait(driver, explorer_image, WIDGET_TIMEOUT, "the explorer's figure")
        _screenshot(driver, "2-explorer-before", explorer)

        stage = "moving the coherence slider"
        coherence = sliders[0]
        handle = coherence.find_element(By.CSS_SELECTOR, ".noUi-handle[role='slider']")
        readout = coherence.find_element(By.CSS_SELECTOR, ".widget-readout")
        assert float(handle.get_attribute("aria-valuenow")) == pytest.approx(6.4)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", handle)
        handle.click()  # focus the handle (a click on the handle itself does not move it)
        handle.send_keys(Keys.END)  # to 100 %, committed like a mouse release
        _wait(driver, lambda d: float(handle.get_attribute("aria-valuenow")) == 100
              and readout.text.strip() == "100.00", 10, "the slider to reach 100 %")
        after = _wait(driver, lambda d: explorer_image(d, not_src=before), WIDGET_TIMEOUT,
                      "the explorer's figure to be redrawn")
        assert after != before
        _wait(driver, all_executed, 10, "the kernel to be idle after the redraw")
        bad = driver.find_elements(By.CSS_SELECTOR,
                                   f"{_PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        assert not bad, "stderr after the redraw:\n" + "\n".join(e.get_attribute("textContent") for e in bad)
        _screenshot(driver, "3-explorer-after", explorer)

        stage = "looking for local paths in the outputs"
        outputs = "\n".join(e.get_attribute("textContent") for e in driver.find_elements(
            By.CSS_SELECTOR, f"{_PANEL} .jp-OutputArea-output"))
        local = {str(jupyterlab.root), str(REPO), sys.prefix, str(Path.home()) + os.sep, tempfile.gettempdir() + os.sep,
                 "/work/", "ipykernel_"}
        leaks = sorted(p for p in local if len(p) > 1 and p in outputs)
        assert not leaks, f"local paths in the outputs: {leaks}"
        print(f"notebook 1 ran in JupyterLab in {run_all_seconds:.1f} s; whole check "
              f"{time.monotonic() - t0:.1f} s; screenshots in {ARTIFACTS}")
    except BaseException:
        _save_failure(driver, jupyterlab, stage)
        raise


def _save_failure(driver, lab: _Lab, stage: str) -> None:
    from selenium.webdriver.common.by import By

    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", stage.lower()).strip("-")
        # Show the first error or stderr output, if there is one, rather than wherever the view is.
        bad = driver.find_elements(By.CSS_SELECTOR, f"{_PANEL} .jp-OutputArea-output[data-mime-type*='stderr'], "
                                                    f"{_PANEL} .jp-OutputArea-output[data-mime-type*='error']")
        if bad:
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", bad[0])
        driver.save_screenshot(str(ARTIFACTS / f"browser-FAILED-{slug}.png"))
        (ARTIFACTS / "browser-FAILED-page.html").write_text(driver.page_source, encoding="utf-8")
        shutil.copy(lab.log, ARTIFACTS / "browser-FAILED-jupyterlab.log")
        chromedriver_log = lab.log.parent / "chromedriver.log"
        if chromedriver_log.exists():
            shutil.copy(chromedriver_log, ARTIFACTS / "browser-FAILED-chromedriver.log")
        print(f"failed while {stage}; screenshot, page and logs in {ARTIFACTS}")
    except Exception as err:  # never hide the real failure
        print(f"could not save failure artefacts: {err!r}")
