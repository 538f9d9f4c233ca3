"""Measure the spread of a notebook's results across the conditions a correct run meets.

    python -m course_utils.spread notebooks/08_variational_autoencoder.ipynb --runs 10

runs the notebook ``--runs`` times in a student's mode (a miss prints a note instead of
stopping), each time in a fresh kernel with an empty model folder, cycling through:
other seeds (``COURSE_SEED_OFFSET``, added to every seed by ``seed_everything``), both CI
configurations (the default one, and AVX2 kernels, ``ONEDNN_MAX_CPU_ISA=AVX2`` and
``XLA_FLAGS=--xla_cpu_max_isa=AVX2``, on one core), oneDNN off,
other thread counts, and a busy machine (a competing process on every core). From each run it
reads every stated result (``what ≈ ... measured X ✓`` or a note ``what: measured X, outside``)
and every claim that did not hold, and writes ``tests/spread/<notebook>.json`` (committed): per result the values,
their range, the course's tolerance and whether it covers the range with a margin. Run it again
whenever a notebook changes, and set each tolerance in ``course_utils/expected.py`` to cover the
observed range with a margin; state a result that swings widely as the claim it supports.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import tempfile
import time
from pathlib import Path

from course_utils.results import STRICT_VAR, STUDENT_ADVICE, _parse

#: (label, extra environment, CPU affinity or None, competing busy processes)
CONDITIONS: list[tuple[str, dict[str, str], set[int] | None, int]] = [
    ("default", {}, None, 0),
    ("seed +1", {"COURSE_SEED_OFFSET": "1"}, None, 0),
    ("AVX2, one core", {"ONEDNN_MAX_CPU_ISA": "AVX2", "XLA_FLAGS": "--xla_cpu_max_isa=AVX2"}, {0}, 0),
    ("oneDNN off", {"TF_ENABLE_ONEDNN_OPTS": "0"}, None, 0),
    ("busy machine", {}, None, os.cpu_count() or 2),
    ("seed +2", {"COURSE_SEED_OFFSET": "2"}, None, 0),
    ("8 intra-op threads", {"TF_NUM_INTRAOP_THREADS": "8"}, None, 0),
    ("AVX2, one core, seed +1", {"ONEDNN_MAX_CPU_ISA": "AVX2", "XLA_FLAGS": "--xla_cpu_max_isa=AVX2",
                                 "COURSE_SEED_OFFSET": "1"}, {0}, 0),
    ("1 intra-op thread", {"TF_NUM_INTRAOP_THREADS": "1"}, None, 0),
    ("seed +3, busy machine", {"COURSE_SEED_OFFSET": "3"}, None, os.cpu_count() or 2),
]

RESULT = re.compile(r"^(?P<what>.+?) ≈ .+?: measured (?P<value>\S+) ✓$")
NOTE = re.compile(r"^Note: (?P<what>.+?): measured (?P<value>\S+), outside")
CLAIM_MISSED = re.compile(r"^Note: this claim of the lesson did not hold in your run: (?P<claim>.+)\. "
                          + re.escape(STUDENT_ADVICE) + "$")


def read_results(text: str) -> tuple[dict[str, float], list[str]]:
    """The stated results (name -> value) and the missed claims in a notebook's printed text."""
    values: dict[str, float] = {}
    missed: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if m := CLAIM_MISSED.match(line):
            missed.append(m["claim"])
        elif m := (RESULT.match(line) or NOTE.match(line)):
            values[m["what"]] = _parse(m["value"])
    return values, missed


def _burn(stop_at: float) -> None:
    while time.time() < stop_at:
        sum(i * i for i in range(10_000))


def run_once(path: Path, env: dict[str, str], cpus: set[int] | None, busy: int, timeout: int) -> str:
    """Execute ``path`` once under the given condition; return all printed text."""
    import nbformat
    from nbclient import NotebookClient

    saved = dict(os.environ)
    burners = [multiprocessing.Process(target=_burn, args=(time.time() + timeout,), daemon=True) for _ in range(busy)]
    try:
        with tempfile.TemporaryDirectory() as models:
            os.environ.update(env, COURSE_MODEL_DIR=models)
            os.environ.pop(STRICT_VAR, None)
            for b in burners:
                b.start()
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                    resources={"metadata": {"path": str(path.parent)}})
            with client.setup_kernel():
                if cpus is not None:
                    os.sched_setaffinity(client.km.provisioner.process.pid, cpus)
                for index, cell in enumerate(nb.cells):
                    client.execute_cell(cell, index)
    finally:
        for b in burners:
            b.terminate()
        os.environ.clear()
        os.environ.update(saved)
    return "\n".join(o.get("text", "") or o.get("data", {}).get("text/plain", "")
                     for c in nb.cells for o in c.get("outputs", []))


def summarise(runs: list[tuple[str, dict[str, float], list[str]]]) -> dict:
    """Per result: values by condition, range, the course's tolerance and whether it covers the
    range with a margin of a fifth of the tolerance on each side."""
    from course_utils.expected import EXPECTED

    names = sorted({name for _, values, _ in runs for name in values})
    results = {}
    for name in names:
        values = {label: v[name] for label, v, _ in runs if name in v}
        low, high = min(values.values()), max(values.values())
        entry = {"values": values, "min": low, "max": high}
        e = EXPECTED.get(name)
        if e is not None:
            margin = 0.2 * e.tolerance
            entry.update(expected=e.expected, tolerance=e.tolerance,
                         covered_with_margin=e.low + margin <= low and high <= e.high - margin,
                         suggested_tolerance=max(abs(high - e.expected), abs(e.expected - low)) * 1.25)
        results[name] = entry
    missed = {label: m for label, _, m in runs if m}
    return {"results": results, "missed_claims": missed, "conditions": [label for label, _, _ in runs]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--runs", type=int, default=10, help=f"at most {len(CONDITIONS)} conditions, in order")
    parser.add_argument("--out", type=Path, default=None, help="default: tests/spread/<notebook stem>.json")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= len(CONDITIONS):
        parser.error(f"--runs must be between 1 and {len(CONDITIONS)}")
    path = args.notebook.resolve()
    runs = []
    for label, env, cpus, busy in CONDITIONS[:args.runs]:
        start = time.perf_counter()
        values, missed = read_results(run_once(path, env, cpus, busy, args.timeout))
        runs.append((label, values, missed))
        print(f"{label}: {len(values)} results, {len(missed)} missed claims, {time.perf_counter() - start:.0f} s",
              flush=True)
    out = args.out or Path(__file__).resolve().parents[1] / "tests" / "spread" / f"{path.stem}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    summary = summarise(runs)
    out.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    uncovered = [n for n, r in summary["results"].items() if r.get("covered_with_margin") is False]
    print(f"wrote {out}; not covered with a margin: {uncovered or 'none'}; "
          f"missed claims: {summary['missed_claims'] or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
