"""Root pytest configuration: makes plain ``pytest --nbval notebooks/`` strict *and* portable.

- Results a notebook measures are printed by ``course_utils.results`` as an expected value
  with a tolerance, then ``measured <exact value>``; the same call asserts the tolerance.
  ``tests/nbval_sanitize.cfg`` masks only those exact digits, which differ between CPUs.
- Nothing a notebook writes to stderr is compared: TensorFlow's native start-up logs appear
  in some runs and not others. (``course_utils`` silences them, and committed notebooks hold
  no stderr at all: ``tests/test_notebooks.py`` checks.)
- An inherited ``MPLBACKEND=Agg`` would stop inline figures; kernels get the inline default.
- Kernels run in the same Python environment as pytest.
"""
import os
from pathlib import Path

os.environ.pop("MPLBACKEND", None)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

SANITIZE_FILE = Path(__file__).parent / "tests" / "nbval_sanitize.cfg"

try:
    from nbval.plugin import IPyNbFile
except ImportError:  # nbval not installed: only the unit tests can run
    IPyNbFile = None


def pytest_configure(config):
    """Run notebook kernels in pytest's own environment (as ``--nbval-current-env`` would), so a
    stray ``python3`` kernelspec from another installation can never be picked up, and mask the
    exact digits of measured values (unless the caller passed a sanitize file of their own)."""
    if IPyNbFile is None or not hasattr(config.option, "nbval_current_env"):
        return
    if not config.option.nbval_kernel_name:
        config.option.nbval_current_env = True
    if not config.option.nbval_sanitize_with:
        config.option.nbval_sanitize_with = str(SANITIZE_FILE)


def pytest_collectstart(collector):
    """Extend nbval's skip list of each notebook with the stderr stream."""
    if IPyNbFile is not None and isinstance(collector, IPyNbFile):
        collector.skip_compare = collector.skip_compare + ("stderr",)
