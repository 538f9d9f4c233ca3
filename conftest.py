"""Root pytest configuration: makes plain ``pytest --nbval notebooks/`` strict *and* portable.

- ``COURSE_STRICT=1`` is set before any notebook kernel starts (kernels inherit pytest's
  environment): a result outside its range, or a claim of the lesson that does not hold, fails
  the cell (``course_utils.results``). In a student's kernel the same call prints a note.
- Results a notebook measures are printed by ``course_utils.results`` as an expected value
  with a tolerance, then ``measured <exact value>``; the same call checks the tolerance.
  ``tests/nbval_sanitize.cfg`` masks only those exact digits, which differ between CPUs.
- Nothing a notebook writes to stderr is compared: TensorFlow's native start-up logs appear
  in some runs and not others. (``course_utils`` silences them, and committed notebooks hold
  no stderr at all: ``tests/test_notebooks.py`` checks.) Every other stream is compared.
- Each cell may run for at most ``CELL_TIMEOUT_S`` seconds (the slowest cell, 07's long
  training, takes about 8 minutes on 2 idle cores and 22 on one busy core).
- An inherited ``MPLBACKEND=Agg`` would stop inline figures; kernels get the inline default.
- Kernels run in the same Python environment as pytest.

``tests/test_nbval_wiring.py`` checks each of these.
"""
import os
from pathlib import Path

os.environ.pop("MPLBACKEND", None)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["COURSE_STRICT"] = "1"

SANITIZE_FILE = Path(__file__).parent / "tests" / "nbval_sanitize.cfg"
CELL_TIMEOUT_S = 1800
#: The only stream added to nbval's own skip list.
EXTRA_SKIPPED_STREAMS = ("stderr",)

try:
    from nbval.plugin import IPyNbFile
except ImportError:  # nbval not installed: only the unit tests can run
    IPyNbFile = None


def pytest_configure(config):
    """Run notebook kernels in pytest's own environment (as ``--nbval-current-env`` would), so a
    stray ``python3`` kernelspec from another installation can never be picked up; mask the
    exact digits of measured values (unless the caller passed a sanitize file of their own); and
    bound each cell's run time (unless the caller passed a timeout)."""
    if IPyNbFile is None or not hasattr(config.option, "nbval_current_env"):
        return
    if not config.option.nbval_kernel_name:
        config.option.nbval_current_env = True
    if not config.option.nbval_sanitize_with:
        config.option.nbval_sanitize_with = str(SANITIZE_FILE)
    if not any(str(a).startswith("--nbval-cell-timeout") for a in config.invocation_params.args):
        config.option.nbval_cell_timeout = CELL_TIMEOUT_S


def pytest_collectstart(collector):
    """Extend nbval's skip list of each notebook with the stderr stream."""
    if IPyNbFile is not None and isinstance(collector, IPyNbFile):
        collector.skip_compare = collector.skip_compare + EXTRA_SKIPPED_STREAMS
