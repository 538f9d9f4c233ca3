"""JupyterLab in a real browser, used as a student would.

Starts ``jupyter lab`` from the repository (no browser of its own, a free local port, a random
token, the course's settings from ``jupyter-config/``) and drives the Debian Chromium, headless,
through Playwright for Python (``executable_path`` = the system ``chromium``: Playwright downloads
no browser). Then, as a student:

1. opens notebook 01, runs all cells, waits for the kernel to go idle, and checks that every code
   cell ran, that no cell shows an error or anything on stderr, and that the figures are shown
   (as many as the committed notebook holds);
2. opens notebook 11, runs it, drags a slider of the latent-space explorer and checks that the
   digit decoded there changes (pixels of a screenshot, cut at the digit's fixed place);
3. saves a screenshot of each step under ``browser-screenshots/`` (git-ignored).

Without Chromium the test skips with the command to install it, unless ``COURSE_REQUIRE_BROWSER=1``
(set by ``.ci/run``), which turns a missing browser into a failure. Kernels inherit this process's
environment, so ``COURSE_DATA_DIR`` and ``COURSE_MODEL_DIR`` reach the notebooks. User settings and
workspaces live in a temporary folder, with autosave off: the test never writes to the notebooks.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "browser-screenshots"
NOTEBOOK_01 = "notebooks/01_what_is_an_autoencoder.ipynb"
EXPLORER = "notebooks/11_latent_explorer.ipynb"
COURSE_SETTINGS = ROOT / "jupyter-config"
INSTALL_HINT = ("install Chromium to run it: `sudo apt-get install chromium chromium-driver` (Debian/Ubuntu), "
                "then `pip install -r requirements.txt` for Playwright (no browser download needed)")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NEWS_QUESTION = "get notified about official Jupyter news"


def _required() -> bool:
    return os.environ.get("COURSE_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if _required():
            pytest.fail("COURSE_REQUIRE_BROWSER=1 but `chromium` is not on PATH; " + INSTALL_HINT)
        pytest.skip("the browser test needs Chromium; " + INSTALL_HINT)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if _required():
            pytest.fail("COURSE_REQUIRE_BROWSER=1 but Playwright for Python is missing: pip install -r requirements.txt")
        pytest.skip("the browser test needs Playwright for Python: pip install -r requirements.txt")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def _digests() -> dict[str, str]:
    """Digests of the notebooks this test opens."""
    return {name: hashlib.sha256((ROOT / name).read_bytes()).hexdigest() for name in (NOTEBOOK_01, EXPLORER)}


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    """A JupyterLab server started from the repository root: ``(base_url, token)``."""
    home = tmp_path_factory.mktemp("lab")
    settings = home / "user-settings"
    for plugin, values in (("docmanager-extension/plugin", {"autosave": False}),  # never write notebooks back
                           ("notebook-extension/tracker", {"windowingMode": "none"})):  # every cell in the page
        path = settings / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ,
           "JUPYTER_CONFIG_PATH": os.pathsep.join(filter(None, [str(COURSE_SETTINGS), os.environ.get("JUPYTER_CONFIG_PATH")])),
           "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    env.pop("MPLBACKEND", None)  # the kernels draw inline, as in a student's lab
    log = open(home / "lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={ROOT}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get_json(f"{base}/api/status?token={token}")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n" + (home / "lab.log").read_text()[-3000:])
                time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def page(lab, chromium):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        yield pg
        context.close()
        browser.close()


def _open(page, lab, notebook: str):
    base, token = lab
    page.goto(f"{base}/lab/tree/{notebook}?token={token}&reset")
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for()
    _wait_idle(page, lab, notebook, timeout=180)


def _kernel_state(lab, notebook: str) -> str | None:
    base, token = lab
    for session in _get_json(f"{base}/api/sessions?token={token}"):
        if session.get("path") == notebook and session.get("kernel"):
            return session["kernel"].get("execution_state")
    return None


def _wait_idle(page, lab, notebook: str, timeout: float):
    """Wait until the notebook's kernel is started and idle: on the server, and in the page's indicator."""
    deadline = time.monotonic() + timeout
    while _kernel_state(lab, notebook) != "idle":
        if time.monotonic() > deadline:
            pytest.fail(f"the kernel of {notebook} did not become idle within {timeout:.0f} s "
                        f"(state: {_kernel_state(lab, notebook)})")
        time.sleep(0.5)
    page.wait_for_function(
        """() => {
            const s = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
            return s && s.getAttribute('data-status') === 'idle';
        }""", timeout=timeout * 1000)


def _menu(page, menu: str, item: str):
    page.locator(".lm-MenuBar-item", has_text=menu).first.click()
    page.locator(".lm-Menu-item:visible", has_text=item).first.click()


def _run_all(page, lab, notebook: str, timeout: float):
    """Show the hidden solutions (so every cell's prompt is on the page), clear the saved outputs
    (so that what is checked is this run's), then Run All Cells."""
    _menu(page, "View", "Expand All Code")
    _menu(page, "View", "Expand All Outputs")
    _menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(
        """() => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            return panel.querySelectorAll('.jp-OutputArea-output').length === 0;
        }""")
    _menu(page, "Run", "Run All Cells")
    # every code cell has an execution count (no "[ ]" or "[*]" left) and the kernel is idle again
    page.wait_for_function(
        """() => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const prompts = [...panel.querySelectorAll('.jp-CodeCell')].map(c => c.querySelector('.jp-InputArea-prompt'));
            return prompts.length > 0 && prompts.every(p => p && /\\[\\d+\\]/.test(p.textContent));
        }""", timeout=timeout * 1000)
    _wait_idle(page, lab, notebook, timeout=timeout)


def _cell_report(page) -> dict:
    return page.evaluate(
        """() => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const cells = [...panel.querySelectorAll('.jp-CodeCell')];
            return {
                code_cells: cells.length,
                counts: cells.map(c => {
                    const prompt = c.querySelector('.jp-InputArea-prompt');
                    const m = prompt && /\\[(\\d+)\\]/.exec(prompt.textContent);
                    return m ? Number(m[1]) : null;
                }),
                stderr: [...panel.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')]
                        .map(e => e.textContent.slice(0, 300)),
                figures: panel.querySelectorAll('.jp-RenderedImage img').length,
            };
        }""")


def _figures_in(notebook: str) -> int:
    nb = nbformat.read(ROOT / notebook, as_version=4)
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def _digit_crop(png: bytes, i: int) -> np.ndarray:
    """Panel i's decoded digit, cut out of a screenshot of the explorer's figure."""
    from PIL import Image

    from course_utils.explorer import DIGIT_RECTS

    img = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    h, w = img.shape
    left, bottom, width, height = DIGIT_RECTS[i]
    return img[int(h * (1 - bottom - height)) + 2:int(h * (1 - bottom)) - 2,
               int(w * left) + 2:int(w * (left + width)) - 2]


def test_course_settings_switch_off_the_news_question(lab):
    base, token = lab
    setting = _get_json(f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification?token={token}")
    default = setting["schema"]["properties"]["fetchNews"]["default"]
    assert default == "false", f"the course's default for fetchNews is {default!r}; see jupyter-config/"


def test_a_student_runs_notebook_01_and_moves_the_explorer(page, lab):
    before = _digests()
    start = time.monotonic()

    # 1. notebook 01: run all, every cell ran, nothing on stderr, every figure shown
    _open(page, lab, NOTEBOOK_01)
    _run_all(page, lab, NOTEBOOK_01, timeout=300)
    report = _cell_report(page)
    page.locator(".jp-RenderedImage img").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "1_notebook01_ran.png"))
    # every code cell ran once, in order, in this session's fresh kernel
    assert report["code_cells"] > 0 and report["counts"] == list(range(1, report["code_cells"] + 1)), report
    assert report["stderr"] == [], f"notebook 01 shows errors or stderr in JupyterLab: {report['stderr']}"
    assert report["figures"] == _figures_in(NOTEBOOK_01) > 0, report
    assert page.get_by_text(NEWS_QUESTION).count() == 0, "JupyterLab asks about news on the course's first screen"
    t01 = time.monotonic() - start

    # 2. the explorer: run it, drag a slider, the decoded digit changes
    _open(page, lab, EXPLORER)
    _run_all(page, lab, EXPLORER, timeout=900)
    report = _cell_report(page)
    assert report["counts"] == list(range(1, report["code_cells"] + 1)) and report["stderr"] == [], report
    figure = page.locator(".explorer-figure").first
    figure.scroll_into_view_if_needed()
    page.wait_for_function("() => { const i = document.querySelector('.explorer-figure'); "
                           "return i && i.naturalWidth > 0; }")
    first_src = figure.get_attribute("src")
    shot_before = figure.screenshot()
    page.screenshot(path=str(SHOTS / "2_explorer_before.png"))
    readout = page.locator(".explorer-slider-0-0 .widget-readout").first
    value_before = readout.text_content()
    handle = page.locator(".explorer-slider-0-0 .noUi-handle").first
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    page.wait_for_function("src => document.querySelector('.explorer-figure').src !== src", arg=first_src)
    _wait_idle(page, lab, EXPLORER, timeout=60)
    page.wait_for_timeout(500)  # the last image update reaches the page
    shot_after = figure.screenshot()
    page.screenshot(path=str(SHOTS / "3_explorer_after_slider.png"))
    assert readout.text_content() != value_before, "dragging the slider did not change its value"
    change = np.abs(_digit_crop(shot_before, 0) - _digit_crop(shot_after, 0)).mean()
    assert change > 3, f"the autoencoder's decoded digit hardly changed (mean grey-level change {change:.2f})"
    assert page.get_by_text(NEWS_QUESTION).count() == 0
    print(f"browser test: notebook 01 in {t01:.0f} s, explorer in {time.monotonic() - start - t01:.0f} s")

    # 3. nothing was written back to the notebooks
    assert _digests() == before, "the browser session modified notebook files"
