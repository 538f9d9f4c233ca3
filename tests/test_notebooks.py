"""Static checks of the committed notebooks (nothing is executed here; nbval runs them)."""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ABS_PATH = re.compile(r"(?<![\w.])/(?:work|root|home|tmp|Users|opt/conda)/[^\s'\"]+")
IGNORE = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP")
PLOT_CALL = re.compile(r"^[^#\n]*?\bplot_\w+\(", re.M)  # a call of a plotting helper


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _text(nb, kind):
    return "\n".join(c.source for c in nb.cells if c.cell_type == kind)


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 2


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def nb(request):
    notebook = nbformat.read(request.param, as_version=4)
    nbformat.validate(notebook)
    return notebook


def test_executed_once_in_order_without_errors(nb):
    cells = _code(nb)
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1))
    assert not [o for c in cells for o in c.outputs if o.output_type == "error"]
    assert nb.metadata.kernelspec.name == "python3"


def test_no_absolute_paths(nb):
    for c in nb.cells:
        texts = [c.source] + [str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                              for o in c.get("outputs", [])]
        for t in texts:
            assert not ABS_PATH.search(t), ABS_PATH.search(t).group(0)


def test_structure_for_students(nb):
    md = _text(nb, "markdown")
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    for heading in ("**Objectives.**", "**Estimated time:**", "**Prerequisites:**", "## Summary",
                    "## Exercises"):
        assert heading in md, heading
    assert re.search(r"^## (Next|Where to go next)$", md, re.M), "a closing section pointing onward"
    assert "course_utils" in _text(nb, "code")


def test_exercises_have_checked_solutions(nb):
    solutions = [c for c in _code(nb) if "solution" in c.metadata.get("tags", [])]
    assert len(solutions) >= 2
    for c in solutions:
        assert c.metadata.get("jupyter", {}).get("source_hidden") is True
        assert "checks.check_" in c.source
        shown = [o.get("data", {}).get("text/plain", "") for o in c.outputs]
        assert shown and shown[-1].startswith("Correct!"), shown


def test_plots_are_shown_and_outputs_really_compared(nb):
    cells = _code(nb)
    for c in cells:
        calls = [m.end() for m in PLOT_CALL.finditer(c.source)]
        if calls and "def " not in c.source:
            assert "plt.show()" in c.source[calls[-1]:], f"plot without plt.show() after it:\n{c.source}"
    compared = [c for c in cells if c.outputs and not any(m in c.source for m in IGNORE)]
    assert len(compared) / len(cells) >= 0.4
