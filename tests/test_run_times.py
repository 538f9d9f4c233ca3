"""Stated run times are measured: notebooks/run_times.json (written by
``python -m course_utils.run_times`` on an idle computer) against each notebook's header and the
README's course map."""
import json
import re
from pathlib import Path

import nbformat
import pytest

from course_utils.run_times import TIMES_FILE, course_notebooks, stated_run_time

ROOT = Path(__file__).resolve().parents[1]
RECORD = json.loads(TIMES_FILE.read_text()) if TIMES_FILE.exists() else {"seconds": {}}
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("seconds", [9, 14, 45, 61, 89, 95, 119, 120, 150, 179, 181, 299, 451, 1000])
def test_stated_time_is_within_30_percent(seconds):
    text = stated_run_time(seconds)
    number = int(re.search(r"\d+", text).group())
    value = number * (60 if "minute" in text else 1)
    assert 0.7 * seconds <= value <= 1.3 * seconds, (seconds, text)


@pytest.mark.parametrize("bad", [0, -5, float("nan")])
def test_a_time_must_be_positive(bad):
    with pytest.raises(ValueError):
        stated_run_time(bad)


def test_every_notebook_was_measured_in_one_run():
    names = [str(p.relative_to(ROOT / "notebooks")) for p in course_notebooks()]
    assert sorted(RECORD["seconds"]) == sorted(names), "run python -m course_utils.run_times on an idle computer"
    assert "idle" in RECORD["how"] and RECORD["machine"].startswith("2 CPU cores"), RECORD.get("machine")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_header_and_course_map_state_the_measured_time(path):
    stated = stated_run_time(RECORD["seconds"][path.name])
    header = nbformat.read(path, as_version=4).cells[0].source
    assert f"**Run time:** {stated} on 2 CPU cores" in header
    readme = (ROOT / "README.md").read_text()
    row = next(line for line in readme.splitlines() if f"(notebooks/{path.name})" in line)
    assert row.rstrip().endswith(f"| {stated} |"), row
