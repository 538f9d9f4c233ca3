"""Measure how long each notebook takes, and state it the same way everywhere.

Run it on an idle computer from the repository root::

    python -m course_utils.run_times            # measure, write notebooks/run_times.json
    python -m course_utils.run_times --save     # ... and save the executed outputs in place

Each notebook (then each solutions notebook) runs once, in a fresh kernel, in course order,
with an empty model folder at the start: so every notebook trains what it owns and loads
what earlier notebooks saved, as for a student who works through the course. The times go
to ``notebooks/run_times.json``; each notebook's header and the README's course map state
them with :func:`stated_run_time` (``tests/test_run_times.py`` ties the three together).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
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
    """Execute ``paths`` in order with a fresh model folder; return the record for the JSON file."""
    times = {}
    with tempfile.TemporaryDirectory() as models:
        os.environ["COURSE_MODEL_DIR"] = models
        for path in paths:
            seconds = execute(path, save)
            times[str(path.relative_to(NOTEBOOK_DIR))] = round(seconds, 1)
            print(f"{path.relative_to(NOTEBOOK_DIR)}: {seconds:.0f} s ({stated_run_time(seconds)})", flush=True)
    return {"measured_on": date.today().isoformat(),
            "machine": f"{os.cpu_count()} CPU cores, {platform.machine()}, {platform.processor() or 'CPU'}",
            "how": "python -m course_utils.run_times: one fresh kernel per notebook, in course order, "
                   "from an empty model folder, on an idle computer",
            "seconds": times}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--save", action="store_true", help="save the executed outputs in place")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook, in course order")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or course_notebooks()
    record = measure(paths, args.save)
    if not args.notebooks:
        TIMES_FILE.write_text(json.dumps(record, indent=1) + "\n")
        print(f"wrote {TIMES_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
