"""The nbval wiring: what the instructors' command ``pytest --nbval notebooks/`` compares.

The root conftest.py passes ``tests/nbval_sanitize.cfg`` to nbval, adds only stderr to nbval's
skip list, sets ``COURSE_STRICT=1`` for the kernels and bounds each cell's time. These tests
read that file through nbval's own parser, pin the skip list, and run a small notebook under
the real command to prove that a changed printed result fails and a changed measured digit does not.
"""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import IPyNbFile, get_sanitize_patterns

from course_utils.expected import EXPECTED

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
root_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(root_conftest)
SANITIZE_CFG = ROOT / "tests" / "nbval_sanitize.cfg"
PATTERNS = dict(get_sanitize_patterns(SANITIZE_CFG.read_text()))  # as nbval keeps them
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("[0-9][0-9]_*.ipynb"))


def sanitize(text: str) -> str:
    """What nbval compares of ``text``: the sanitize file's replacements, applied as nbval does."""
    for regex, replace in PATTERNS.items():
        text = re.sub(regex, replace, text)
    return text


def test_the_root_conftest_passes_this_sanitize_file():
    assert root_conftest.SANITIZE_FILE.resolve() == SANITIZE_CFG.resolve()
    assert len(PATTERNS) == 1, "one pattern: the digits after 'measured'"


@pytest.mark.parametrize("line, masked", [
    ("test MSE ≈ 0.0044 (±0.0004, 0.0040 to 0.0048): measured 0.00443 ✓",
     "test MSE ≈ 0.0044 (±0.0004, 0.0040 to 0.0048): measured <value> ✓"),
    ("| 03 | parameters | 1,234 (±5) |  measured 1,236", "| 03 | parameters | 1,234 (±5) |  measured <value>"),
    ("share ≈ 59.6% (±1.0%, 58.6% to 60.6%): measured 59.62% ✓", "share ≈ 59.6% (±1.0%, 58.6% to 60.6%): measured <value> ✓"),
    ("loss: measured -1.5e-03 then 7 more", "loss: measured <value> then 7 more"),
    ("count: measured 1.2e+05 ✓", "count: measured <value> ✓"),
    ("count: measured 3e5 ✓", "count: measured <value> ✓"),
    # one number only: whatever is glued after it stays compared
    ("range: measured 3.5-4.0 here", "range: measured <value>-4.0 here"),
    ("measured 12-15 digits", "measured <value>-15 digits"),
    ("measured 1.2.3", "measured <value>.3"),
    ("measured 2e", "measured <value>e"),
    ("measured 0.5%+7", "measured <value>+7"),
])
def test_only_the_digits_after_measured_are_masked(line, masked):
    assert sanitize(line) == masked


@pytest.mark.parametrize("line", [
    "test MSE after 20 epochs: 0.00443",
    "unmeasured 3.5",
    "measured by the judge",
    "we measured it: 0.5",
    "✓ the autoencoder beats PCA-128",
    "Correct! 0.0044",
])
def test_everything_else_is_compared(line):
    assert sanitize(line) == line


def test_the_skip_list_is_nbvals_own_plus_stderr():
    assert root_conftest.EXTRA_SKIPPED_STREAMS == ("stderr",)
    assert root_conftest.IPyNbFile is IPyNbFile
    for compared in ("stdout", "text/plain", "text/html", "text"):
        assert compared not in root_conftest.EXTRA_SKIPPED_STREAMS


def _notebook(cells: list[tuple[str, list[dict]]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for i, (source, outputs) in enumerate(cells, 1):
        cell = nbformat.v4.new_code_cell(source, execution_count=i)
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        nb.cells.append(cell)
    return nb


def _out(text: str, name: str = "stdout") -> dict:
    return {"output_type": "stream", "name": name, "text": text}


def test_the_instructors_command_compares_what_it_should(tmp_path):
    """Runs ``pytest --nbval`` (no flags) on a notebook inside the repository, so the root
    conftest applies, and reads which cells passed."""
    cells = {
        "masked_digits_pass": ('print("x ≈ 1.0 (±0.1, 0.9 to 1.1): measured 1.02 ✓")',
                               [_out("x ≈ 1.0 (±0.1, 0.9 to 1.1): measured 0.97 ✓\n")]),
        "changed_result_fails": ('print("accuracy: 0.91")', [_out("accuracy: 0.93\n")]),
        "changed_text_after_measured_fails": ('print("y: measured 1.5 of 10")', [_out("y: measured 1.5 of 12\n")]),
        "stderr_is_not_compared": ('import sys; print("noise", file=sys.stderr); print("ok")',
                                   [_out("ok\n"), _out("other noise\n", "stderr")]),
        "strict_mode_in_kernels": ('import os; print(os.environ.get("COURSE_STRICT"))', [_out("1\n")]),
        "a_miss_fails_the_cell": ("from course_utils.results import claim\n"
                                  "claim('two is less than one', 2 < 1)", []),
        # nbval's own skip list stays in force: a figure's pixels and metadata are not compared
        "figure_pixels_are_not_compared": ("%matplotlib inline\nimport matplotlib.pyplot as plt\n"
                                           "plt.plot([0, 1], [1, 0]); plt.show()",
                                           [{"output_type": "display_data", "metadata": {"needs_background": "x"},
                                             "data": {"image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB",
                                                      "text/plain": "<Figure size 640x480 with 1 Axes>"}}]),
    }
    folder = ROOT / "tests" / f"_wiring_{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    try:
        path = folder / "wiring.ipynb"
        nbformat.write(_notebook(list(cells.values())), path)
        report = tmp_path / "report.xml"
        subprocess.run([sys.executable, "-m", "pytest", "--nbval", str(path), "-q", "-p", "no:cacheprovider",
                        f"--junitxml={report}"], cwd=ROOT, capture_output=True, text=True, timeout=300)
        cases = ET.parse(report).getroot().iter("testcase")
        failed = [any(child.tag in ("failure", "error") for child in case) for case in cases]
    finally:
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()
    assert len(failed) == len(cells)
    outcome = dict(zip(cells, failed))
    assert outcome == {"masked_digits_pass": False, "changed_result_fails": True,
                       "changed_text_after_measured_fails": True, "stderr_is_not_compared": False,
                       "strict_mode_in_kernels": False, "a_miss_fails_the_cell": True,
                       "figure_pixels_are_not_compared": False}


def test_the_cell_timeout_is_explicit():
    assert 600 <= root_conftest.CELL_TIMEOUT_S < 2000, "below nbval's default, above the slowest cell"
    # above the slowest cell as the conftest documents it (on one busy core), with a quarter to spare
    minutes = re.search(r"and (\d+) on one busy core", " ".join(root_conftest.__doc__.split()))
    assert minutes, "the conftest's docstring states the slowest cell's time on one busy core"
    assert root_conftest.CELL_TIMEOUT_S >= 1.25 * 60 * int(minutes.group(1))


# --- what the committed notebooks print after "measured" -------------------------------------

EXPECT_LINE = re.compile(r"^(?P<what>.+?) ≈ (?P<stated>.+?) \(±(?P<tol>[^,]+), (?P<range>.+? to .+?)\): "
                         r"measured (?P<value>\S+) ✓$")
RECORD_ROW = re.compile(r"^\| (?P<nb>\d\d) \| (?P<what>.+?) \| (?P<stated>.+?) \|(  measured (?P<value>\S+))?$")
MEASURED_WORD = re.compile(r"\bmeasured -?[0-9]")


def _compared_lines(path: Path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or {"nbval-ignore-output", "nbval-skip"} & set(cell.metadata.get("tags", [])):
            continue
        for out in cell.get("outputs", []):
            text = out.get("text", "") or out.get("data", {}).get("text/plain", "")
            yield from text.splitlines()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_masked_number_is_a_bounded_result(path):
    """nbval masks any number after "measured": in compared output that word may only appear in
    a line that ``expect`` or a Record printed, and that line must state exactly the course's
    expectation of that name (value, tolerance and range), so the masked digits are bounded."""
    for line in _compared_lines(path):
        if not MEASURED_WORD.search(line):
            continue
        m = EXPECT_LINE.match(line)
        if m:
            e = EXPECTED.get(m["what"])
            assert e is not None, f"{path.name}: {m['what']!r} is not in course_utils/expected.py"
            assert e.line(e.expected).rsplit(": measured", 1)[0] == line.rsplit(": measured", 1)[0], line
            continue
        m = RECORD_ROW.match(line)
        assert m, f"{path.name}: 'measured' followed by a number outside a bounded result: {line!r}"
        e = EXPECTED.get(m["what"])
        assert e is not None and e.stated() == m["stated"], f"{path.name}: record row differs from the registry: {line!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_committed_output_holds_a_missed_result(path):
    """A committed run is a clean run: no student-mode note, no row outside its range."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "") or out.get("data", {}).get("text/plain", "")
            assert not re.search(r"^Note: ", text, re.M) and "(outside)" not in text, text[:300]


def _fresh_root_conftest(monkeypatch, **env):
    """The root conftest imported anew, with ``env`` set beforehand."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("root_conftest_again", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_inherited_agg_backend_is_dropped_for_the_kernels(monkeypatch):
    import os

    _fresh_root_conftest(monkeypatch, MPLBACKEND="Agg")
    assert "MPLBACKEND" not in os.environ, "an inherited Agg backend would stop every inline figure"


class _Option:
    nbval_current_env = False
    nbval_kernel_name = None
    nbval_sanitize_with = None
    nbval_cell_timeout = 2000


class _Config:
    def __init__(self, args):
        self.option = _Option()
        self.invocation_params = type("Invocation", (), {"args": tuple(args)})()


@pytest.mark.parametrize("args, timeout", [
    (("--nbval", "notebooks/"), root_conftest.CELL_TIMEOUT_S),
    (("--nbval", "--nbval-cell-timeout=99", "notebooks/"), 2000),  # nbval parsed the caller's value
])
def test_pytest_configure_applies_the_settings(args, timeout):
    config = _Config(args)
    root_conftest.pytest_configure(config)
    assert config.option.nbval_cell_timeout == timeout
    assert config.option.nbval_current_env is True
    assert config.option.nbval_sanitize_with == str(SANITIZE_CFG)


# From the second mutation audit.
def test_the_instructors_command_is_strict_even_when_the_shell_says_otherwise(monkeypatch):
    import os

    _fresh_root_conftest(monkeypatch, COURSE_STRICT="0")
    assert os.environ["COURSE_STRICT"] == "1", "an inherited COURSE_STRICT=0 would turn misses into notes"


def test_a_sanitize_file_the_caller_passes_is_kept():
    config = _Config(("--nbval", "--nbval-sanitize-with", "custom.cfg", "notebooks/"))
    config.option.nbval_sanitize_with = "custom.cfg"
    root_conftest.pytest_configure(config)
    assert config.option.nbval_sanitize_with == "custom.cfg"


def test_a_kernel_the_caller_names_is_kept():
    """``--nbval-kernel-name python3`` and ``--nbval-current-env`` exclude each other in nbval: with a
    kernel named by the caller, the configuration must not switch to the current environment."""
    config = _Config(("--nbval", "--nbval-kernel-name", "python3", "notebooks/"))
    config.option.nbval_kernel_name = "python3"
    root_conftest.pytest_configure(config)
    assert config.option.nbval_current_env is False
    assert config.option.nbval_kernel_name == "python3"
