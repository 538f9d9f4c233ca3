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
        hidden = c.metadata.get("jupyter", {})
        assert hidden.get("source_hidden") is True and hidden.get("outputs_hidden") is True, \
            "a solution hides its source and its outputs, so the answer does not show before the student tries"
        assert "checks.check_" in c.source
        shown = [o.get("data", {}).get("text/plain", "") for o in c.outputs]
        assert shown and shown[-1].startswith("Correct!"), shown


def test_plots_are_shown_and_outputs_really_compared(nb):
    cells = _code(nb)
    for c in cells:
        calls = [m.end() for m in PLOT_CALL.finditer(c.source)]
        if calls and "def " not in c.source:
            assert "plt.show()" in c.source[calls[-1]:], f"plot without plt.show() after it:\n{c.source}"
    compared = [c for c in cells if not any(m in c.source for m in IGNORE) and any(map(_computed, c.outputs))]
    assert len(compared) / len(cells) >= 0.4, f"only {len(compared)} of {len(cells)} code cells compare a computed value"


FIGURE_REPR = re.compile(r"^<(Figure|Axes) size [^>]*>$|^<matplotlib[^>]*>$")
PLACEHOLDER = "Not yet. Replace None with your answer"


def _computed(output) -> bool:
    """True for an output that carries a computed value: not stderr, not a figure's repr, not the
    constant placeholder of an unanswered exercise, not an empty line."""
    if output.get("name") == "stderr":
        return False
    text = output.get("text", "") or output.get("data", {}).get("text/plain", "")
    text = text.strip()
    return bool(text) and not FIGURE_REPR.match(text) and not text.startswith(PLACEHOLDER)


def test_no_red_noise_and_no_timestamps(nb):
    """Committed notebooks hold no stderr (TensorFlow's start-up logs, CUDA probes) and no
    per-cell execution timestamps (nbclient's and JupyterLab's ``execution`` metadata)."""
    for i, c in enumerate(_code(nb)):
        assert not [o for o in c.outputs if o.get("name") == "stderr"], f"code cell {i} stores stderr"
        assert "execution" not in c.metadata and "ExecuteTime" not in c.metadata, f"code cell {i} stores timestamps"


def test_course_utils_loads_before_tensorflow(nb):
    """course_utils silences TensorFlow's start-up lines only if it is imported first."""
    first = _code(nb)[0].source
    imports = re.findall(r"^\s*(?:import|from)\s+(\w+)", first, re.M)
    assert "course_utils" in imports, "the first code cell imports course_utils"
    for lib in ("keras", "tensorflow", "jax"):
        if lib in imports:
            assert imports.index("course_utils") < imports.index(lib), f"course_utils must come before {lib}"


def test_student_text_is_free_of_test_plumbing(nb):
    md = _text(nb, "markdown")
    assert "nbval" not in md.lower(), "prose for students does not talk about the notebook tests"
    for c in _code(nb):
        if any(m in c.source for m in IGNORE):
            continue
        for o in c.outputs:
            text = o.get("text", "") or o.get("data", {}).get("text/plain", "")
            lines = [line for line in text.splitlines() if re.search(r":\s*(True|False)\s*$", line)]
            assert not lines, f"a threshold claim printed as a boolean (use an assert): {lines}"
