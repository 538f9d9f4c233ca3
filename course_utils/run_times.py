"""Measure how long each notebook takes, and state it the same way everywhere.

Run it on an idle computer from the repository root::

    python -m course_utils.run_times            # measure every notebook, in course order
    python -m course_utils.run_times --save     # ... and save the executed outputs in place
    python -m course_utils.run_times --save notebooks/0[1-6]_*.ipynb notebooks/solutions/0[1-6]_*.ipynb

Each notebook runs once, in a fresh kernel, in the order given (course order by default: the lessons,
then their solutions), with an empty model folder at the start: so every notebook trains what it owns
and loads what earlier notebooks of the run saved, as for a student who works through the course
(a run of later notebooks alone also trains the earlier models they load, so run a prefix of the
course). The times go to ``notebooks/run_times.json``, with a record of each run (date, machine,
notebooks): a run of some notebooks replaces their times and keeps the others'. Each notebook's
header and the README's course map then state the times with :func:`stated_run_time`
(:func:`state_times` writes them; ``tests/test_run_times.py`` ties the three together).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
TIMES_FILE = NOTEBOOK_DIR / "run_times.json"


def stated_run_time(seconds: float) -> str:
    """A measured run time in words, within ±30% of ``seconds``: seconds rounded to 10 up to
    100 ("about 50 seconds"), whole minutes above ("about 2 minutes", "about 4 minutes")."""
    if not seconds > 0:
        raise ValueError(f"a run time must be positive, got {seconds!r}")
    if seconds < 105:
        return f"about {max(10, int(round(seconds / 10)) * 10)} seconds"
    return f"about {int(round(seconds / 60))} minutes"


def course_notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The lessons in course order, then their solutions notebooks."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb")) + sorted((folder / "solutions").glob("[0-9][0-9]_*.ipynb"))


def execute(path: Path, save: bool, timeout: int = 1800) -> float:
    """Run ``path`` top to bottom in a fresh kernel; return the wall time in seconds (kernel start
    included). With ``save``, write the executed notebook back, without timing metadata."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    if save:
        nbformat.write(nb, path)
    return seconds


def measure(paths: list[Path], save: bool) -> dict:
    """Execute ``paths`` in order with a fresh model folder; return ``{"run": ..., "seconds": ...}``:
    the run's record (date, machine, how, the notebooks) and each notebook's seconds."""
    times = {}
    with tempfile.TemporaryDirectory() as models:
        os.environ["COURSE_MODEL_DIR"] = models
        for path in paths:
            seconds = execute(path, save)
            times[str(path.relative_to(NOTEBOOK_DIR))] = round(seconds, 1)
            print(f"{path.relative_to(NOTEBOOK_DIR)}: {seconds:.0f} s ({stated_run_time(seconds)})", flush=True)
    run = {"measured_on": date.today().isoformat(),
           "machine": f"{os.cpu_count()} CPU cores, {platform.machine()}, {platform.processor() or 'CPU'}",
           "how": "python -m course_utils.run_times: one fresh kernel per notebook, in course order, "
                  "from an empty model folder, on an idle computer",
           "notebooks": list(times)}
    return {"run": run, "seconds": times}


def merge(record: dict, measured: dict) -> dict:
    """``record`` (the JSON file's content, or ``{}``) with the times of ``measured`` replacing those
    of the same notebooks, and its run added; runs whose notebooks were all measured again are dropped."""
    new = set(measured["seconds"])
    earlier = record.get("runs")
    if earlier is None and record.get("seconds"):  # a file written before runs were recorded: one run
        earlier = [{**{k: record[k] for k in ("measured_on", "machine", "how") if k in record},
                    "notebooks": list(record["seconds"])}]
    runs = [dict(run, notebooks=[n for n in run["notebooks"] if n not in new]) for run in earlier or []]
    runs = [run for run in runs if run["notebooks"]] + [measured["run"]]
    seconds = {**record.get("seconds", {}), **measured["seconds"]}
    order = [str(p.relative_to(NOTEBOOK_DIR)) for p in course_notebooks()]
    seconds = {name: seconds[name] for name in sorted(seconds, key=lambda n: order.index(n) if n in order else len(order))}
    return {"runs": runs, "seconds": seconds}


HEADER = re.compile(r"\*\*Run time:\*\* about \d+ (?:seconds|minutes?) on 2 CPU cores")


def state_times(record: dict, root: Path = ROOT) -> None:
    """Write each lesson's measured time into its header (``**Run time:** about ... on 2 CPU cores``)
    and into its row of the README's course map (the row's last cell)."""
    import nbformat

    readme_path = root / "README.md"
    readme = readme_path.read_text()
    for name, seconds in record["seconds"].items():
        if "/" in name:
            continue  # solutions have no header
        stated = stated_run_time(seconds)
        path = root / "notebooks" / name
        nb = nbformat.read(path, as_version=4)
        header = nb.cells[0].source
        if not HEADER.search(header):
            raise ValueError(f"{name}: no '**Run time:** about ... on 2 CPU cores' in its first cell")
        new_header = HEADER.sub(f"**Run time:** {stated} on 2 CPU cores", header)
        if new_header != header:
            nb.cells[0].source = new_header
            nbformat.write(nb, path)
        row = re.compile(rf"^(\| \[[^\n]*\(notebooks/{re.escape(name)}\)[^\n]*\| )about \d+ (?:seconds|minutes?)( \|)$", re.M)
        if not row.search(readme):
            raise ValueError(f"README.md: no course-map row for {name} ending in its run time")
        readme = row.sub(lambda m: f"{m.group(1)}{stated}{m.group(2)}", readme)
    readme_path.write_text(readme)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--save", action="store_true", help="save the executed outputs in place")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook, in course order")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or course_notebooks()
    measured = measure(paths, args.save)
    record = merge(json.loads(TIMES_FILE.read_text()) if TIMES_FILE.exists() else {}, measured)
    TIMES_FILE.write_text(json.dumps(record, indent=1) + "\n")
    state_times(record)
    print(f"wrote {TIMES_FILE.relative_to(ROOT)}, the headers and the README's course map")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
