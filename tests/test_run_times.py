"""Stated run times are measured: notebooks/run_times.json (written by
``python -m course_utils.run_times`` on an idle computer) against each notebook's header and the
README's course map."""
import json
import re
from pathlib import Path

import nbformat
import pytest

from course_utils.run_times import TIMES_FILE, course_notebooks, merge, stated_run_time, state_times

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


def test_every_notebook_was_measured_by_one_recorded_run():
    names = [str(p.relative_to(ROOT / "notebooks")) for p in course_notebooks()]
    assert sorted(RECORD["seconds"]) == sorted(names), "run python -m course_utils.run_times on an idle computer"
    measured_by = [n for run in RECORD["runs"] for n in run["notebooks"]]
    assert sorted(measured_by) == sorted(names), "each notebook's time comes from exactly one recorded run"
    for run in RECORD["runs"]:
        assert "idle" in run["how"] and run["machine"].startswith("2 CPU cores"), run
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", run["measured_on"]), run


def _run(names, seconds, day="2026-12-01"):
    return {"run": {"measured_on": day, "machine": "2 CPU cores, x86_64", "how": "on an idle computer",
                    "notebooks": list(names)}, "seconds": dict(zip(names, seconds))}


def test_a_run_of_some_notebooks_replaces_their_times_and_keeps_the_others():
    first = merge({}, _run(["01_a.ipynb", "02_b.ipynb", "solutions/01_solutions.ipynb"], [10.0, 20.0, 5.0]))
    second = merge(first, _run(["01_a.ipynb", "solutions/01_solutions.ipynb"], [12.0, 6.0], day="2026-12-02"))
    assert second["seconds"] == {"01_a.ipynb": 12.0, "02_b.ipynb": 20.0, "solutions/01_solutions.ipynb": 6.0}
    assert [run["notebooks"] for run in second["runs"]] == [["02_b.ipynb"], ["01_a.ipynb", "solutions/01_solutions.ipynb"]]
    third = merge(second, _run(["02_b.ipynb"], [30.0]))
    assert [run["measured_on"] for run in third["runs"]] == ["2026-12-02", "2026-12-01"]  # an emptied run is dropped


def test_a_file_from_before_runs_were_recorded_becomes_one_run():
    legacy = {"measured_on": "2026-11-30", "machine": "2 CPU cores, x86_64", "how": "idle",
              "seconds": {"01_a.ipynb": 10.0, "02_b.ipynb": 20.0}}
    merged = merge(legacy, _run(["01_a.ipynb"], [11.0]))
    assert merged["runs"][0] == {"measured_on": "2026-11-30", "machine": "2 CPU cores, x86_64", "how": "idle",
                                 "notebooks": ["02_b.ipynb"]}
    assert merged["seconds"] == {"01_a.ipynb": 11.0, "02_b.ipynb": 20.0}


def test_state_times_writes_the_header_and_the_course_map(tmp_path):
    import shutil

    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "03_training.ipynb", tmp_path / "notebooks")
    shutil.copy(ROOT / "README.md", tmp_path)
    state_times({"seconds": {"03_training.ipynb": 400.0, "solutions/03_solutions.ipynb": 30.0}}, root=tmp_path)
    header = nbformat.read(tmp_path / "notebooks" / "03_training.ipynb", as_version=4).cells[0].source
    assert "**Run time:** about 7 minutes on 2 CPU cores" in header
    row = next(line for line in (tmp_path / "README.md").read_text().splitlines() if "(notebooks/03_training.ipynb)" in line)
    assert row.endswith("| about 7 minutes |"), row
    other = next(line for line in (tmp_path / "README.md").read_text().splitlines() if "(notebooks/04_" in line)
    assert other in (ROOT / "README.md").read_text()  # rows of notebooks not in the record are left alone


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_header_and_course_map_state_the_measured_time(path):
    stated = stated_run_time(RECORD["seconds"][path.name])
    header = nbformat.read(path, as_version=4).cells[0].source
    assert f"**Run time:** {stated} on 2 CPU cores" in header
    readme = (ROOT / "README.md").read_text()
    row = next(line for line in readme.splitlines() if f"(notebooks/{path.name})" in line)
    assert row.rstrip().endswith(f"| {stated} |"), row


def test_a_time_under_five_seconds_is_stated_as_about_10_seconds():
    assert stated_run_time(4) == "about 10 seconds"
    assert stated_run_time(0.5) == "about 10 seconds"


def test_seconds_up_to_100_then_minutes():
    assert stated_run_time(102) == "about 100 seconds"
    assert stated_run_time(106) == "about 2 minutes"
    assert stated_run_time(95) == "about 100 seconds" and stated_run_time(94) == "about 90 seconds"


def test_execute_writes_the_notebook_back_only_when_asked(tmp_path):
    """Measuring times without ``--save`` must leave the committed outputs alone; with it, the executed
    outputs replace them (without timing metadata)."""
    from course_utils.run_times import execute

    path = tmp_path / "tiny.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("print(6 * 7)")]
    nbformat.write(nb, path)
    before = path.read_bytes()
    assert execute(path, save=False) > 0
    assert path.read_bytes() == before
    execute(path, save=True)
    saved = nbformat.read(path, as_version=4).cells[0]
    assert [o.get("text") for o in saved.outputs] == ["42\n"]
    assert "execution" not in saved.metadata
