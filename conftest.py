"""Root pytest configuration: makes plain ``pytest --nbval notebooks/`` strict *and* stable.

- TensorFlow writes native start-up logs to stderr. They are captured when a notebook is
  saved from JupyterLab but not when nbval re-runs it, so stderr is left out of nbval's
  comparison (stdout, results and figure reprs are still compared).
- An inherited ``MPLBACKEND=Agg`` would stop inline figures; kernels get the inline default.
- ``TF_CPP_MIN_LOG_LEVEL`` must be set before TensorFlow starts in the kernel.
- Kernels run in the same Python environment as pytest.
"""
import os

os.environ.pop("MPLBACKEND", None)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

try:
    from nbval.plugin import IPyNbFile
except ImportError:  # nbval not installed: only the unit tests can run
    IPyNbFile = None


def pytest_configure(config):
    """Run notebook kernels in pytest's own environment (as ``--nbval-current-env`` would), so a
    stray ``python3`` kernelspec from another installation can never be picked up."""
    if IPyNbFile is not None and hasattr(config.option, "nbval_current_env"):
        if not config.option.nbval_kernel_name:
            config.option.nbval_current_env = True


def pytest_collectstart(collector):
    """Extend nbval's skip list of each notebook with the stderr stream."""
    if IPyNbFile is not None and isinstance(collector, IPyNbFile):
        collector.skip_compare = collector.skip_compare + ("stderr",)
