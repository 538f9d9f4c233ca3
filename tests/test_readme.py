"""The README's Results table may only state numbers that a notebook's committed run printed."""
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def _outputs(number: str) -> str:
    (path,) = (ROOT / "notebooks").glob(f"{number}_*.ipynb")
    nb = nbformat.read(path, as_version=4)
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append(out.get("text", ""))
            texts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(texts)


def test_results_table_matches_notebook_outputs():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Results", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d\d) \| (.+?) \| (.+?) \|$", section, re.M)
    assert len(rows) >= 10
    for number, what, value in rows:
        outputs = _outputs(number)
        for part in re.split(r" ± ", value):
            assert part in outputs or part.replace(",", "") in outputs, f"{number}: {what}: {part} not in outputs"


def test_course_map_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        assert f"(notebooks/{path.name})" in readme, path.name
