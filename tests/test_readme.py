"""README's Results table states exactly the rows that the notebooks' results records print.

Each notebook ends with a ``course_utils.results.Record`` in a compared cell for instructors;
its output lists rows ``| 03 | what | expected (tolerance) |``, each checked in the notebook
against the measured value. The README repeats those rows: a value bumped on either side, a
row missing on either side, or a record moved into an ignored cell fails here.
"""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ROW = re.compile(r"^\| (\d\d) \| (.+?) \| (.+?) \|")
IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}


def notebook_rows(path: Path) -> list[tuple[str, str, str]]:
    """Rows of the results record(s) printed by compared cells of one notebook."""
    nb = nbformat.read(path, as_version=4)
    rows = []
    for cell in nb.cells:
        if cell.cell_type != "code" or IGNORE_TAGS & set(cell.metadata.get("tags", [])):
            continue
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/plain", "") if "data" in out else out.get("text", "")
            if text.startswith("Results of notebook "):
                rows += [m.groups() for m in map(ROW.match, text.splitlines()[1:]) if m]
    return rows


def readme_rows(readme: str) -> list[tuple[str, str, str]]:
    section = readme.split("## Results", 1)[1].split("\n## ", 1)[0]
    return [m.groups() for m in map(ROW.match, section.splitlines()) if m]


def mismatches(readme: str, recorded: dict[str, list]) -> list[str]:
    """What differs between the README's rows and the notebooks' records, as readable lines."""
    table = readme_rows(readme)
    problems = []
    for number, rows in recorded.items():
        mine = [r for r in table if r[0] == number]
        problems += [f"README lacks notebook {number}'s row {' | '.join(r)}" for r in rows if r not in mine]
        problems += [f"README row {' | '.join(r)} is not printed by notebook {number}" for r in mine if r not in rows]
    problems += [f"README row for unknown notebook {r[0]}" for r in table if r[0] not in recorded]
    return problems


@pytest.fixture(scope="module")
def recorded():
    return {path.name[:2]: notebook_rows(path) for path in NOTEBOOKS}


def test_results_table_matches_the_notebooks_records_exactly(recorded):
    readme = (ROOT / "README.md").read_text()
    assert sum(map(len, recorded.values())) >= 20
    assert not mismatches(readme, recorded), "\n".join(mismatches(readme, recorded))


def test_every_measuring_notebook_has_a_record(recorded):
    without = [n for n, rows in recorded.items() if not rows]
    assert len(without) <= 1, f"notebooks without a results record in a compared cell: {without}"


def test_a_bumped_value_on_either_side_is_caught(recorded):
    readme = (ROOT / "README.md").read_text()
    for number, what, value in readme_rows(readme):
        bumped = re.sub(r"\d(?=\D*$)", lambda m: str((int(m.group()) + 1) % 10), value, count=1)
        changed = readme.replace(f"| {number} | {what} | {value} |", f"| {number} | {what} | {bumped} |")
        assert mismatches(changed, recorded), f"bumping {what} in README went unnoticed"
        notebook_side = {n: [(a, b, bumped if (a, b) == (number, what) else c) for a, b, c in rows]
                         for n, rows in recorded.items()}
        assert mismatches(readme, notebook_side), f"bumping {what} in notebook {number} went unnoticed"


def test_course_map_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"(notebooks/{path.name})" in readme, path.name
