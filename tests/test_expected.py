"""course_utils.expected defines each stated result once, and the notebooks use only it."""
import ast
import re
from pathlib import Path

import nbformat
import pytest

from course_utils.expected import EXPECTED, lookup

ROOT = Path(__file__).resolve().parents[1]
ALL_NOTEBOOKS = sorted((ROOT / "notebooks").rglob("[0-9][0-9]_*.ipynb"))


def _calls(path: Path):
    """Every ``expect(...)``/``claim(...)``/``<record>.add(...)`` call in the notebook's code."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func)
                if name in ("expect", "results.expect") or re.fullmatch(r"\w*record\w*\.add", name):
                    yield name, node


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_notebooks_state_results_by_name_only(path):
    """A notebook passes a result's name and its value, never an expected value or a tolerance of
    its own, so one quantity has one expectation in every notebook that reports it."""
    for name, node in _calls(path):
        assert len(node.args) == 2 and not node.keywords, f"{path.name}: {ast.unparse(node)}"
        first = node.args[0]
        if isinstance(first, ast.Constant):
            assert first.value in EXPECTED, f"{path.name}: {first.value!r} is not in course_utils/expected.py"


def test_every_expectation_is_stated_by_some_notebook():
    """No dead entries: each name appears in the committed output of a notebook."""
    printed = "\n".join(
        (o.get("text", "") or o.get("data", {}).get("text/plain", ""))
        for path in ALL_NOTEBOOKS for c in nbformat.read(path, as_version=4).cells for o in c.get("outputs", []))
    unused = [name for name in EXPECTED if name not in printed]
    assert not unused, f"defined but stated by no notebook: {unused}"


def test_lookup_names_the_registry_in_its_error():
    with pytest.raises(KeyError, match="course_utils/expected.py"):
        lookup("no such result")
