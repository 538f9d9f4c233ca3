"""Static checks of the committed notebooks (nothing is executed here; nbval runs them)."""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = ROOT / "notebooks" / "solutions"
IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}
ABS_PATH = re.compile(r"(?<![\w.])/(?:work|root|home|tmp|Users|opt/conda)/[^\s'\"]+")
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


CHECKER_CALL = re.compile(r"^[^#\n]*\bcheck_\w+\(", re.M)


def _ignored(cell) -> bool:
    return bool(IGNORE_TAGS & set(cell.metadata.get("tags", [])))


def _shown(output) -> str:
    return output.get("text", "") or output.get("data", {}).get("text/plain", "")


def test_exercises_are_unanswered_and_their_solutions_live_elsewhere(request, nb):
    """The student notebook holds each exercise with its checker call, unanswered; the solutions
    sit in notebooks/solutions/NN_solutions.ipynb, linked from the exercises, where each checker
    call prints "Correct!". Run All never overwrites a student's answer with a solution."""
    path = request.node.callspec.params["nb"]
    number = path.name[:2]
    cells = _code(nb)
    assert not [c for c in cells if "solution" in c.metadata.get("tags", [])], "a solution cell in a student notebook"
    exercises = [c for c in cells if CHECKER_CALL.search(c.source)]
    assert len(exercises) >= 2
    for c in exercises:
        assert "None" in c.source, "an exercise cell starts unanswered"
        shown = [_shown(o) for o in c.outputs]
        assert shown and shown[-1].startswith("Not yet. "), (c.source, shown)
    exercises_md = _text(nb, "markdown").split("## Exercises", 1)[1]
    link = f"solutions/{number}_solutions.ipynb"
    assert f"]({link})" in exercises_md, f"the exercises link to {link}"
    solutions = nbformat.read(SOLUTIONS / f"{number}_solutions.ipynb", as_version=4)
    checker_calls = [c for c in _code(solutions) if CHECKER_CALL.search(c.source)]
    assert len(checker_calls) >= len(exercises)
    for c in checker_calls:
        verdicts = [_shown(o) for o in c.outputs if _shown(o).startswith(("Correct!", "Not yet."))]
        assert verdicts and all(v.startswith("Correct!") for v in verdicts), (c.source, verdicts)
        assert not _ignored(c), "a solution's verdict is compared output"
    assert f"../{path.name}" in _text(solutions, "markdown"), "the solutions link back to the exercises"


def test_no_test_plumbing_in_the_students_view(nb):
    """No bare assert and no nbval comment in the code a student reads; the results record is one
    cell at the end, under a heading for instructors, and only it speaks of the README."""
    for c in _code(nb):
        assert not re.search(r"^\s*assert\b", c.source, re.M), f"a bare assert:\n{c.source}"
        assert "NBVAL" not in c.source, "nbval markers are cell tags"
    records = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "Record(" in c.source]
    assert records == [len(nb.cells) - 1], "one Record cell, the notebook's last cell"
    heading = nb.cells[-2]
    assert heading.cell_type == "markdown" and heading.source.startswith("## For instructors"), heading.source
    for c in nb.cells[:-2]:
        texts = [c.source] if c.cell_type == "code" else []
        texts += [_shown(o) for o in c.get("outputs", [])]
        for t in texts:
            assert "README" not in t, f"only the instructors' record speaks of the README: {t[:200]}"


@pytest.mark.parametrize("path", sorted(SOLUTIONS.glob("*.ipynb")), ids=lambda p: p.name)
def test_solution_notebooks_are_clean_runs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    cells = _code(nb)
    assert re.fullmatch(r"\d\d_solutions\.ipynb", path.name)
    assert (ROOT / "notebooks").glob(f"{path.name[:2]}_*.ipynb"), "a solution notebook belongs to a lesson"
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1))
    assert not [o for c in cells for o in c.outputs if o.output_type == "error" or o.get("name") == "stderr"]
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith(f"# {path.name[:2]} ")
    first = cells[0].source
    imports = re.findall(r"^\s*(?:import|from)\s+(\w+)", first, re.M)
    assert imports and imports[0] == "course_utils", "course_utils is imported first"


def test_plots_are_shown_and_outputs_really_compared(nb):
    cells = _code(nb)
    for c in cells:
        calls = [m.end() for m in PLOT_CALL.finditer(c.source)]
        if calls and "def " not in c.source:
            assert "plt.show()" in c.source[calls[-1]:], f"plot without plt.show() after it:\n{c.source}"
    compared = [c for c in cells if not _ignored(c) and any(map(_computed, c.outputs))]
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
        if _ignored(c):
            continue
        for o in c.outputs:
            text = o.get("text", "") or o.get("data", {}).get("text/plain", "")
            lines = [line for line in text.splitlines() if re.search(r":\s*(True|False)\s*$", line)]
            assert not lines, f"a threshold claim printed as a boolean (state it with claim()): {lines}"
