"""``.ci/run``'s test section, run with a stand-in ``pytest``: the three runs (unit and browser tests,
strict nbval by default, strict nbval with AVX2 kernels on one core) all take place, the one-core
run overlaps the others with its own empty model folder and its log streamed with a prefix, and a
failure of any one of them fails CI."""
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = (ROOT / ".ci" / "run").read_text()

FAKE_PYTEST = """#!/usr/bin/env bash
# A stand-in for pytest: records how it was called, fails where $FAIL says.
log="$FAKE_LOG"
if [ "$*" = "tests/" ]; then
    # the unit tests: is the one-core run already going?
    for _ in $(seq 50); do [ -f "$FAKE_DIR/avx2-started" ] && break; sleep 0.1; done
    [ -f "$FAKE_DIR/avx2-started" ] && echo "unit: overlaps the one-core run" >> "$log"
    echo "unit: cpus=$(taskset -pc $$ | sed 's/.*: //')" >> "$log"
    [ "$FAIL" = unit ] && exit 3
elif [ "$*" = "--nbval notebooks/" ] && [ "${ONEDNN_MAX_CPU_ISA:-}" = AVX2 ]; then
    touch "$FAKE_DIR/avx2-started"
    echo "avx2: models=$COURSE_MODEL_DIR empty=$([ -z "$(ls -A "$COURSE_MODEL_DIR")" ] && echo yes)" >> "$log"
    echo "avx2: cpus=$(taskset -pc $$ | sed 's/.*: //')" >> "$log"
    echo "avx2: xla=${XLA_FLAGS:-}" >> "$log"
    echo "avx2: require=${COURSE_REQUIRE_BROWSER:-}${COURSE_REQUIRE_DATA:-}" >> "$log"
    echo "a line of the one-core run"
    sleep 1
    [ "$FAIL" = avx2 ] && exit 4
elif [ "$*" = "--nbval notebooks/" ]; then
    echo "default: isa=${ONEDNN_MAX_CPU_ISA:-unset}" >> "$log"
    [ "$FAIL" = default ] && exit 5
else
    echo "unexpected call: pytest $*" >> "$log"
    exit 99
fi
exit 0
"""


def test_the_script_is_valid_bash_and_strict():
    subprocess.run(["bash", "-n", str(ROOT / ".ci" / "run")], check=True)
    assert "set -euo pipefail" in SCRIPT
    assert "--nbval-lax" not in SCRIPT and "nbval-sanitize" not in SCRIPT  # the root conftest wires it
    assert re.search(r"export COURSE_REQUIRE_BROWSER=1 COURSE_REQUIRE_DATA=1", SCRIPT)


def _test_section() -> str:
    """From the data variable's export to the end, with the script's stamp function."""
    start = SCRIPT.index("# The browser test and the tests on the real MNIST must run here")
    return "set -euo pipefail\nstart=$SECONDS\nstamp() { printf '\\n=== %s\\n' \"$1\"; }\n" + SCRIPT[start:]


@pytest.fixture
def fake_ci(tmp_path):
    if shutil.which("taskset") is None:
        pytest.skip("taskset (util-linux) is not installed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pytest"
    fake.write_text(FAKE_PYTEST)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    script = tmp_path / "section.sh"
    script.write_text(_test_section())

    def run(fail: str = "") -> tuple[subprocess.CompletedProcess, str]:
        log = tmp_path / f"log-{fail or 'none'}.txt"
        (tmp_path / "avx2-started").unlink(missing_ok=True)
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "FAKE_LOG": str(log),
               "FAKE_DIR": str(tmp_path), "FAIL": fail}
        env.pop("ONEDNN_MAX_CPU_ISA", None)
        result = subprocess.run(["bash", str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                                timeout=60)
        return result, log.read_text() if log.exists() else ""
    return run


def test_all_three_runs_take_place_and_green_means_all_passed(fake_ci):
    result, log = fake_ci()
    assert result.returncode == 0, result.stderr
    assert "All green" in result.stdout
    assert "unit: overlaps the one-core run" in log  # started first, in the background
    assert re.search(r"avx2: models=\S+ empty=yes", log)
    assert "avx2: cpus=0\n" in log
    assert "avx2: xla=--xla_cpu_max_isa=AVX2\n" in log  # XLA's code generator held to AVX2 as well
    cpus = os.cpu_count() or 1
    assert f"unit: cpus={'0' if cpus == 1 else ('1' if cpus == 2 else f'1-{cpus - 1}')}\n" in log  # not CPU 0
    assert "avx2: require=11" in log
    assert "default: isa=unset" in log
    assert "unexpected call" not in log
    assert "[AVX2, one core] a line of the one-core run" in result.stdout  # streamed, with its prefix


@pytest.mark.parametrize("fail", ["unit", "default", "avx2"])
def test_a_failure_in_any_run_fails_ci(fake_ci, fail):
    result, log = fake_ci(fail)
    assert result.returncode != 0
    assert "All green" not in result.stdout
    assert "ERROR: tests failed" in result.stderr
    # the other runs still ran to their end
    assert "default: isa=unset" in log and "avx2: models=" in log


def _data_section() -> str:
    start = SCRIPT.index('stamp "Offline MNIST and Fashion-MNIST"')
    end = SCRIPT.index("# The browser test and the tests on the real MNIST must run here")
    return "set -euo pipefail\nstamp() { printf '\\n=== %s\\n' \"$1\"; }\n" + SCRIPT[start:end]


@pytest.mark.parametrize("files, python_rc, ok", [
    (("mnist.npz", "fashion_mnist.npz"), 0, True),
    (("mnist.npz",), 0, False),           # Fashion-MNIST missing: 10's second data set
    (("fashion_mnist.npz",), 0, False),
    (("mnist.npz", "fashion_mnist.npz"), 1, False),  # the loader's own check fails (a bad file)
])
def test_the_data_section_needs_both_files_and_a_passing_loader_check(tmp_path, files, python_rc, ok):
    repo, data = tmp_path / "repo", tmp_path / "shared" / "data"
    repo.mkdir()
    data.mkdir(parents=True)
    for name in files:
        (data / name).write_bytes(b"")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stub = bin_dir / "python"
    stub.write_text(f'#!/usr/bin/env bash\necho "loader check: $* in $COURSE_DATA_DIR"\nexit {python_rc}\n')
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    script = tmp_path / "data.sh"
    script.write_text(_data_section())
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", str(script)], cwd=repo, env=env, capture_output=True, text=True, timeout=30)
    assert (result.returncode == 0) == ok, (result.stdout, result.stderr)
    if ok:
        assert f"loader check: -m course_utils.data in {data.resolve()}" in result.stdout
    elif len(files) == 1:
        missing = ({"mnist.npz", "fashion_mnist.npz"} - set(files)).pop()
        assert f"{missing} is missing" in result.stderr
